import {
  APIConnectionError,
  APIError,
  AuthenticationError,
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
  /** Headers of the failed response, when the transport kept them (@google/genai's errors carry none). */
  headers?: HeadersLike;
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
  // HTTP/2 (the AWS SDK's Bedrock client): a reset stream or a dropped session.
  'ERR_HTTP2_STREAM_ERROR', 'ERR_HTTP2_SESSION_ERROR', 'ERR_HTTP2_GOAWAY_SESSION', 'ERR_HTTP2_ERROR', 'ERR_HTTP2_INVALID_SESSION',
]);
/**
 * Connection failures named only in a message: the AWS SDK wraps a non-Error
 * rejection (an HTTP/2 stream error from another realm) as "AWS SDK error
 * wrapper for Error [ERR_HTTP2_STREAM_ERROR]: ...", dropping its code.
 */
const CONNECTION_TEXT = /\b(?:ERR_HTTP2_(?:STREAM|SESSION|GOAWAY_SESSION|INVALID_SESSION)_?\w*|NGHTTP2_(?:INTERNAL_ERROR|REFUSED_STREAM|CANCEL|PROTOCOL_ERROR)|ECONNRESET|ECONNREFUSED)\b/;
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
      /fetch failed|terminated|socket hang up|other side closed|network|connection/i.test(text) || CONNECTION_TEXT.test(text)) {
    return new APIConnectionError(`${prefix(ctx)}: connection error: ${text}`, init);
  }
  return new APIError(`${prefix(ctx)}: unexpected failure: ${text}`, { ...init, retryable: false });
}

// --- @google/genai, AWS SDK v3 and google-auth-library error shapes ---

/** @google/genai's ApiError: a status and the response body JSON-encoded as the message; no headers. */
function genaiError(err: unknown, ctx: ClassifyContext): LlmRouterError | undefined {
  if (!(err instanceof Error) || err.name !== 'ApiError' || typeof (err as { status?: unknown }).status !== 'number') return undefined;
  const status = (err as unknown as { status: number }).status;
  const body = ctx.rawBody !== undefined ? safeJson(ctx.rawBody) : safeJson(err.message);
  const error = errorFromStatus(status, body, ctx.headers, ctx, err.message, err);
  if (error.retryAfterMs !== undefined || !error.retryable) return error;
  // Google puts the delay in the body (google.rpc.RetryInfo `retryDelay: "30s"`) rather than a header.
  const delay = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(typeof body === 'string' ? body : JSON.stringify(body));
  return delay ? errorFromStatus(status, body, { 'retry-after-ms': String(Number(delay[1]) * 1000) }, ctx, err.message, err) : error;
}

/**
 * AWS exception names → the HTTP status they mean. Needed because an
 * exception inside a ConverseStream event stream arrives on a 200 response.
 * A failed model (424) is a server-side failure another deployment can avoid;
 * credential and signature failures (403 on the wire) are authentication errors.
 */
const AWS_EXCEPTION_STATUS: Readonly<Record<string, number>> = {
  ThrottlingException: 429,
  ServiceQuotaExceededException: 429,
  ModelNotReadyException: 429,
  TooManyRequestsException: 429,
  ModelTimeoutException: 408,
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  UnrecognizedClientException: 401,
  InvalidSignatureException: 401,
  IncompleteSignatureException: 401,
  MissingAuthenticationTokenException: 401,
  ExpiredTokenException: 401,
  ServiceUnavailableException: 503,
  InternalServerException: 500,
  ModelStreamErrorException: 500,
  ModelErrorException: 500,
};

function awsError(err: unknown, ctx: ClassifyContext): LlmRouterError | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & { $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number; headers?: Record<string, string> }; $fault?: string };
  if (err.name === 'CredentialsProviderError') {
    return new AuthenticationError(`${prefix(ctx)}: no AWS credentials: ${err.message}`, { provider: ctx.provider, deployment: ctx.deployment, status: 401, cause: err });
  }
  if (e.$metadata === undefined && e.$fault === undefined) return undefined;
  const httpStatus = e.$response?.statusCode ?? e.$metadata?.httpStatusCode;
  const named = AWS_EXCEPTION_STATUS[err.name];
  // AWS answers a bad signature or an unknown key with a 403; it is an authentication failure.
  const status = named !== undefined && (httpStatus === undefined || httpStatus < 300 || named === 500 || named === 401) ? named : httpStatus;
  const code = errorCode(err);
  const cutConnection = (code !== undefined && CONNECTION_CODES.has(code)) || CONNECTION_TEXT.test(err.message);
  if (status !== undefined && status < 300 && !cutConnection && /deserialization error|truncated event message|checksum/i.test(err.message)) {
    // A 2xx whose body or event stream does not parse: the provider is broken, not the request.
    return new InternalServerError(`${prefix(ctx)}: malformed response from provider: ${err.message.split('\n')[0] ?? ''}`, { provider: ctx.provider, deployment: ctx.deployment, cause: err });
  }
  if (status === undefined || status < 300) return undefined;
  const body = ctx.rawBody !== undefined ? safeJson(ctx.rawBody) : { message: err.message, code: err.name };
  return errorFromStatus(status, body, e.$response?.headers, ctx, err.message, err);
}

/** A failed OAuth token exchange (google-auth-library over gaxios): the credentials are wrong, not the model. */
function googleAuthError(err: unknown, ctx: ClassifyContext): LlmRouterError | undefined {
  // GaxiosError keeps the name "Error"; its class name and marker symbol identify it.
  if (!(err instanceof Error) || !(err.constructor.name === 'GaxiosError' || Symbol.for('gaxios-gaxios-error') in err)) return undefined;
  const status = (err as { status?: unknown }).status;
  if (typeof status !== 'number') return undefined;
  const init = { provider: ctx.provider, deployment: ctx.deployment, status, cause: err };
  if (status < 500) return new AuthenticationError(`${prefix(ctx)}: Google credentials rejected: ${err.message}`, init);
  return errorFromStatus(status, undefined, undefined, ctx, err.message, err);
}

function classifyOnce(err: unknown, ctx: ClassifyContext): LlmRouterError {
  if (isLlmRouterError(err)) return err;
  const cloud = genaiError(err, ctx) ?? awsError(err, ctx) ?? googleAuthError(err, ctx);
  if (cloud) return cloud;
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
