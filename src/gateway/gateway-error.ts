/**
 * Errors the gateway itself raises (a bad key, a malformed request, a limit),
 * as opposed to provider failures, which keep their taxonomy class. Identity
 * is by marker, never `instanceof`, as everywhere in this project.
 */
const GATEWAY_ERROR_MARKER = Symbol.for('temporal-llm-router.gateway.GatewayError');

/** What went wrong, independent of the wire format it is reported in. */
export type GatewayErrorCode =
  | 'invalid_request'
  | 'unknown_model'
  | 'invalid_api_key'
  | 'model_not_allowed'
  | 'rate_limited'
  | 'budget_exceeded'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'not_found'
  | 'durable_unavailable'
  | 'shutting_down';

export interface GatewayErrorInit {
  /** The request field at fault, e.g. `messages[1].content`. */
  param?: string;
  retryAfterMs?: number;
  /** Tell SDKs not to retry (`x-should-retry: false`): retrying cannot help, as with a spent budget. */
  noRetry?: boolean;
}

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly status: number;
  readonly code: GatewayErrorCode;
  readonly param: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly noRetry: boolean;

  constructor(status: number, code: GatewayErrorCode, message: string, init: GatewayErrorInit = {}) {
    super(message);
    Object.defineProperty(this, GATEWAY_ERROR_MARKER, { value: true });
    this.status = status;
    this.code = code;
    this.param = init.param;
    this.retryAfterMs = init.retryAfterMs;
    this.noRetry = init.noRetry ?? false;
  }

  static isInstance(value: unknown): value is GatewayError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[GATEWAY_ERROR_MARKER] === true;
  }
}

/** A 400 naming the field: the message starts with the field's path so one line says what to fix. */
export function invalidRequest(param: string, problem: string): GatewayError {
  return new GatewayError(400, 'invalid_request', `${param}: ${problem}`, { param });
}
