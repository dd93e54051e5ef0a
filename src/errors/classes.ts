/**
 * The error taxonomy. Identity is by `name` (a plain string that survives the
 * Temporal boundary) or by the `Symbol.for` marker, never by `instanceof`,
 * which breaks across the workflow sandbox and duplicated node_modules.
 */
import { behaviourOf } from './table';

export const LLM_ROUTER_ERROR_MARKER: unique symbol = Symbol.for('temporal-llm-router.error');

export const ERROR_CLASS_NAMES = [
  'BadRequestError',
  'ContextWindowExceededError',
  'ContentPolicyViolationError',
  'UnsupportedParamsError',
  'AuthenticationError',
  'PermissionDeniedError',
  'NotFoundError',
  'Timeout',
  'UnprocessableEntityError',
  'RateLimitError',
  'InternalServerError',
  'BadGatewayError',
  'ServiceUnavailableError',
  'APIConnectionError',
  'MidStreamError',
  'RequestAbortedError',
  'APIError',
  // Raised by the router itself when a request ends without an answer.
  'FallbacksExhaustedError',
  'NoDeploymentsAvailableError',
] as const;

export type ErrorClassName = (typeof ERROR_CLASS_NAMES)[number];

/** Names that are kinds of BadRequestError (a 400 the caller must change, not retry). */
export const BAD_REQUEST_FAMILY: readonly ErrorClassName[] = [
  'BadRequestError',
  'ContextWindowExceededError',
  'ContentPolicyViolationError',
  'UnsupportedParamsError',
];

export interface LlmRouterErrorInit {
  status?: number;
  provider?: string;
  deployment?: string;
  /** Overrides the class's default from the error table (a server's `x-should-retry`). */
  retryable?: boolean;
  retryAfterMs?: number;
  body?: unknown;
  requestId?: string;
  cause?: unknown;
}

/** Plain-data view of an error, safe to put in Temporal failure details or logs. */
export interface LlmRouterErrorData {
  name: ErrorClassName;
  message: string;
  status?: number;
  provider?: string;
  deployment?: string;
  retryable: boolean;
  retryAfterMs?: number;
  body?: unknown;
  requestId?: string;
  partialText?: string;
}

/**
 * The base of every error the router raises. Whether it is retryable comes
 * from the error table (`table.ts`) for its class and status, unless the
 * server said otherwise (`x-should-retry`).
 */
export abstract class LlmRouterError extends Error {
  abstract override readonly name: ErrorClassName;
  readonly [LLM_ROUTER_ERROR_MARKER] = true;
  readonly status?: number;
  readonly provider?: string;
  readonly deployment?: string;
  readonly retryAfterMs?: number;
  readonly body?: unknown;
  readonly requestId?: string;
  private readonly retryableOverride: boolean | undefined;

  constructor(message: string, init: LlmRouterErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.provider = init.provider;
    this.deployment = init.deployment;
    this.retryableOverride = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.body = init.body;
    this.requestId = init.requestId;
  }

  /** Calling the same deployment again may succeed. */
  get retryable(): boolean {
    return this.retryableOverride ?? behaviourOf(this.name, this.status).retrySame;
  }

  toJSON(): LlmRouterErrorData {
    const data: LlmRouterErrorData = { name: this.name, message: this.message, retryable: this.retryable };
    if (this.status !== undefined) data.status = this.status;
    if (this.provider !== undefined) data.provider = this.provider;
    if (this.deployment !== undefined) data.deployment = this.deployment;
    if (this.retryAfterMs !== undefined) data.retryAfterMs = this.retryAfterMs;
    if (this.body !== undefined) data.body = this.body;
    if (this.requestId !== undefined) data.requestId = this.requestId;
    return data;
  }
}

// --- 4xx: the request must change; retrying the same deployment cannot help ---

export class BadRequestError extends LlmRouterError {
  override readonly name: ErrorClassName = 'BadRequestError';
}
export class ContextWindowExceededError extends BadRequestError {
  override readonly name: ErrorClassName = 'ContextWindowExceededError';
}
export class ContentPolicyViolationError extends BadRequestError {
  override readonly name: ErrorClassName = 'ContentPolicyViolationError';
}
/** Raised before any HTTP call when a provider cannot honour a parameter and `drop_params` is off. */
export class UnsupportedParamsError extends BadRequestError {
  override readonly name: ErrorClassName = 'UnsupportedParamsError';
  readonly params: readonly string[];
  constructor(message: string, params: readonly string[], init: LlmRouterErrorInit = {}) {
    super(message, init);
    this.params = params;
  }
}
export class AuthenticationError extends LlmRouterError {
  override readonly name: ErrorClassName = 'AuthenticationError';
}
export class PermissionDeniedError extends LlmRouterError {
  override readonly name: ErrorClassName = 'PermissionDeniedError';
}
export class NotFoundError extends LlmRouterError {
  override readonly name: ErrorClassName = 'NotFoundError';
}
export class UnprocessableEntityError extends LlmRouterError {
  override readonly name: ErrorClassName = 'UnprocessableEntityError';
}

// --- transient: another attempt (here or on a peer) may succeed ---

/** A server 408/504 or our own deadline. Carries status 408 like LiteLLM, so cooldown rules keyed on 408 apply. */
export class Timeout extends LlmRouterError {
  override readonly name: ErrorClassName = 'Timeout';
}
export class RateLimitError extends LlmRouterError {
  override readonly name: ErrorClassName = 'RateLimitError';
}
export class InternalServerError extends LlmRouterError {
  override readonly name: ErrorClassName = 'InternalServerError';
}
export class BadGatewayError extends LlmRouterError {
  override readonly name: ErrorClassName = 'BadGatewayError';
}
/** 503, and Anthropic's 529 "overloaded". */
export class ServiceUnavailableError extends LlmRouterError {
  override readonly name: ErrorClassName = 'ServiceUnavailableError';
}
/** No HTTP response at all: refused, reset, DNS, TLS. */
export class APIConnectionError extends LlmRouterError {
  override readonly name: ErrorClassName = 'APIConnectionError';
}
/**
 * A stream that failed after content had been delivered. `partialText` is
 * what the caller already has, so the next deployment can continue from it.
 */
export class MidStreamError extends LlmRouterError {
  override readonly name: ErrorClassName = 'MidStreamError';
  readonly partialText: string;
  /** Class the underlying failure would have had before the first chunk. */
  readonly causeClass?: ErrorClassName;
  constructor(message: string, partialText: string, init: LlmRouterErrorInit & { causeClass?: ErrorClassName } = {}) {
    super(message, init);
    this.partialText = partialText;
    this.causeClass = init.causeClass;
  }
  override toJSON(): LlmRouterErrorData {
    return { ...super.toJSON(), partialText: this.partialText };
  }
}

// --- neither ---

/** The caller's AbortSignal fired: a cancellation, never something to retry. */
export class RequestAbortedError extends LlmRouterError {
  override readonly name: ErrorClassName = 'RequestAbortedError';
}
/** Any other status (e.g. 409, 413) or an unrecognised failure; retryable follows the status. */
export class APIError extends LlmRouterError {
  override readonly name: ErrorClassName = 'APIError';
}
