/**
 * A fetch wrapper for the SDK clients that keeps the raw text of error
 * bodies. The SDKs drop bodies that lack their expected `{error: ...}`
 * shape (vLLM puts `message` at the top level, Gemini wraps it in an array),
 * and those bodies are exactly where context-window wordings live.
 */
const errorBodies = new WeakMap<object, string>();

export const capturingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
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
  const headers = (err as { headers?: unknown }).headers;
  return typeof headers === 'object' && headers !== null ? errorBodies.get(headers) : undefined;
}
