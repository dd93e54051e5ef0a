import {
  APIConnectionError,
  APIError,
  InternalServerError,
  MidStreamError,
  RequestAbortedError,
  Timeout,
  type LlmRouterError,
  type LlmRouterErrorInit,
} from './classes';
import { createError } from './factory';
import { extractMessage, extractSignals, isContentPolicySignal, isContextWindowSignal } from './detection';
import { isLlmRouterError } from './guards';
import { parseRetryAfterMs, parseShouldRetry, type HeadersLike } from './retry-after';
import { classForStatus } from './table';

export interface ClassifyContext {
  provider: string;
  deployment?: string;
  /** Full error body text, when the transport kept it (SDKs drop bodies that lack their expected shape). */
  rawBody?: string;
  /** Text already delivered to the caller; when set, the failure happened mid-stream. */
  partialText?: string;
  /** Our own deadline fired (as opposed to the caller aborting). */
  timedOut?: boolean;
  now?: () => number;
}

/** What an SDK APIError (openai or @anthropic-ai/sdk) looks like, read structurally. */
interface SdkErrorShape {
  status: number | undefined;
  headers: HeadersLike | undefined;
  error: unknown;
  message: string;
  requestID?: string | null;
  cause?: unknown;
}

function isSdkError(err: unknown): err is SdkErrorShape {
  return err instanceof Error && 'status' in err && 'headers' in err && 'error' in err;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

// Error `type`s that arrive without an HTTP status: SSE `event: error` frames
// mid-stream (Anthropic), or `{"error": {...}}` chunks (OpenAI-compatible servers).
const STATUS_BY_BODY_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  api_error: 500,
  server_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

function statusFromBody(body: unknown): number | undefined {
  for (const code of extractSignals(body).codes) {
    const status = STATUS_BY_BODY_TYPE[code];
    if (status !== undefined) return status;
  }
  return undefined;
}

function prefix(ctx: ClassifyContext): string {
  return ctx.deployment === undefined ? ctx.provider : `${ctx.provider} (${ctx.deployment})`;
}

function headerValue(headers: HeadersLike | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  }
  const value = (headers as Record<string, string | readonly string[] | undefined>)[name];
  return typeof value === 'string' ? value : value?.[0];
}

/** Builds the error for an HTTP status (or a status inferred from the body). */
export function errorFromStatus(
  status: number,
  body: unknown,
  headers: HeadersLike | undefined,
  ctx: ClassifyContext,
  fallbackMessage?: string,
  cause?: unknown,
): LlmRouterError {
  const detail = extractMessage(body) ?? fallbackMessage ?? 'no error message';
  const message = `${prefix(ctx)}: ${status} ${detail}`;
  const requestId = headerValue(headers, 'x-request-id') ?? headerValue(headers, 'request-id');
  const init: LlmRouterErrorInit = {
    status,
    provider: ctx.provider,
    deployment: ctx.deployment,
    body,
    requestId,
    retryAfterMs: parseRetryAfterMs(headers, ctx.now),
    cause,
  };

  // Context-window and content-policy wordings are only trusted on statuses a
  // provider uses for a rejected request; a 429 that says "too many tokens" is a rate limit.
  const name = classForStatus(status);
  if (status === 400 || status === 403 || status === 413 || status === 422 || status === 500) {
    const signals = extractSignals(body, fallbackMessage === undefined ? [] : [fallbackMessage]);
    if (isContextWindowSignal(signals)) return createError('ContextWindowExceededError', message, init);
    if (isContentPolicySignal(signals)) return createError('ContentPolicyViolationError', message, init);
  }
  const shouldRetry = parseShouldRetry(headers);
  return createError(name, message, shouldRetry === undefined ? init : { ...init, retryable: shouldRetry });
}

const CONNECTION_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ERR_STREAM_PREMATURE_CLOSE',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Walks `cause` chains (fetch wraps socket errors as `TypeError: fetch failed` / `terminated`). */
function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = err;
  while (current !== undefined && current !== null && chain.length < 6) {
    chain.push(current);
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return chain;
}

function errorCode(x: unknown): string | undefined {
  const code = typeof x === 'object' && x !== null ? (x as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function errorNames(x: unknown): string[] {
  if (typeof x !== 'object' || x === null) return [];
  const { name } = x as { name?: unknown };
  return [x.constructor.name, typeof name === 'string' ? name : ''];
}

function classifyTransport(err: unknown, ctx: ClassifyContext): LlmRouterError {
  const init: LlmRouterErrorInit = { provider: ctx.provider, deployment: ctx.deployment, cause: err };
  const chain = causeChain(err);
  const text = chain.map((e) => (e instanceof Error ? e.message : String(e))).join(': ');
  const names = chain.flatMap(errorNames);
  const codes = chain.map(errorCode);

  if (ctx.timedOut || names.includes('APIConnectionTimeoutError') || names.includes('TimeoutError') ||
      codes.some((c) => c !== undefined && TIMEOUT_CODES.has(c))) {
    return new Timeout(`${prefix(ctx)}: request timed out`, { ...init, status: 408 });
  }
  if (names.includes('APIUserAbortError') || names.includes('AbortError')) {
    return new RequestAbortedError(`${prefix(ctx)}: request aborted by caller`, init);
  }
  if (names.includes('SyntaxError')) {
    // A 2xx whose body is not the JSON it claims to be: the provider is broken, not the request.
    return new InternalServerError(`${prefix(ctx)}: malformed response from provider: ${text}`, init);
  }
  if (codes.some((c) => c !== undefined && CONNECTION_CODES.has(c)) || names.includes('APIConnectionError') ||
      /fetch failed|terminated|socket hang up|other side closed|network|connection/i.test(text)) {
    return new APIConnectionError(`${prefix(ctx)}: connection error: ${text}`, init);
  }
  return new APIError(`${prefix(ctx)}: unexpected failure: ${text}`, { ...init, retryable: false });
}

function classifyOnce(err: unknown, ctx: ClassifyContext): LlmRouterError {
  if (isLlmRouterError(err)) return err;
  if (isSdkError(err)) {
    const body = ctx.rawBody !== undefined ? safeJson(ctx.rawBody) : err.error;
    const status = err.status ?? statusFromBody(body);
    if (status !== undefined && !(ctx.timedOut && err.status === undefined)) {
      return errorFromStatus(status, body, err.headers, ctx, err.message, err);
    }
  }
  return classifyTransport(err, ctx);
}

/**
 * THE translation point from a provider failure to our taxonomy. Accepts
 * anything thrown by either SDK, by fetch, by our own transport code, or an
 * already-classified error (returned unchanged, so classifying twice is safe).
 */
export function classifyProviderError(err: unknown, ctx: ClassifyContext): LlmRouterError {
  const classified = classifyOnce(err, ctx);
  if (ctx.partialText === undefined || classified.name === 'RequestAbortedError' || classified.name === 'MidStreamError') {
    return classified;
  }
  return new MidStreamError(
    `${prefix(ctx)}: stream failed after ${ctx.partialText.length} characters: ${classified.message}`,
    ctx.partialText,
    {
      status: classified.status,
      provider: ctx.provider,
      deployment: ctx.deployment,
      retryAfterMs: classified.retryAfterMs,
      body: classified.body,
      requestId: classified.requestId,
      cause: classified,
      causeClass: classified.name,
    },
  );
}
