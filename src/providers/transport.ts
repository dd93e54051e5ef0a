/**
 * A fetch wrapper for the SDK clients that keeps the raw text of error
 * bodies. The SDKs drop bodies that lack their expected `{error: ...}`
 * shape (vLLM puts `message` at the top level, Gemini wraps it in an array),
 * and those bodies are exactly where context-window wordings live.
 */
import { httpFetch } from './http-fetch';

const errorBodies = new WeakMap<object, string>();

/** Over our own HTTP transport (http-fetch.ts), which the SDKs take for `fetch`. */
export const capturingFetch: typeof fetch = async (input, init) => {
  const response = await httpFetch(input, init);
  if (!response.ok) {
    try {
      errorBodies.set(response.headers, await response.clone().text());
    } catch {
      // The SDK will report the body it can read; ours is only a richer copy.
    }
  }
  return response;
};

/** The raw error body behind an SDK APIError, keyed by its response Headers object. */
export function rawErrorBodyOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const failed = failedResponses.get(err);
  if (failed) return failed.body;
  const headers = (err as { headers?: unknown }).headers;
  return typeof headers === 'object' && headers !== null ? errorBodies.get(headers) : undefined;
}

/** The failed response behind an error from an SDK whose errors keep neither headers nor raw body. */
export interface FailedResponse {
  readonly headers: Headers;
  readonly body?: string;
}
const failedResponses = new WeakMap<object, FailedResponse>();

/**
 * A fetch for one call that remembers its last failed response, and `tag`,
 * which files that response under the error the SDK then throws.
 * @google/genai's ApiError keeps only status and body text, so without this
 * a Retry-After header would be lost.
 */
export function failureRecorder(): { fetch: typeof fetch; tag(err: unknown): unknown } {
  let last: FailedResponse | undefined;
  return {
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (!response.ok) last = { headers: response.headers, body: await response.clone().text().catch(() => undefined) };
      return response;
    },
    tag(err) {
      if (last && typeof err === 'object' && err !== null) failedResponses.set(err, last);
      return err;
    },
  };
}

export function failedResponseOf(err: unknown): FailedResponse | undefined {
  return typeof err === 'object' && err !== null ? failedResponses.get(err) : undefined;
}

/**
 * The error for a stream that ended before the provider's closing event.
 * Some SDK stream readers (the AWS event-stream decoder over a reset HTTP/2
 * stream, Gemini's SSE reader between two events) end quietly on a cut; the
 * code makes it a connection failure like any other cut.
 */
export function prematureEnd(provider: string): Error {
  return Object.assign(new Error(`${provider} stream ended before its closing event`), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
