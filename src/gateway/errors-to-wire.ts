/**
 * The one place where anything thrown while serving a request becomes an HTTP
 * status, headers and a body in the caller's wire format (OpenAI or
 * Anthropic). Statuses come from one table keyed by error class.
 */
import { FallbacksExhaustedError, NoDeploymentsAvailableError } from '../core/errors';
import type { AttemptRecord } from '../core/types';
import { ERROR_BEHAVIOUR, errorClassOf, isLlmRouterError, type ErrorClassName, type UnsupportedParamsError } from '../errors';
import { routingOfError } from '../router';
import { GatewayError } from './gateway-error';
import type { Wire } from './wire';

/** The status a caller sees per error class, read from the one error table (src/errors/table.ts). */
export const STATUS_BY_CLASS: Readonly<Record<ErrorClassName, number>> = Object.fromEntries(
  Object.entries(ERROR_BEHAVIOUR).map(([name, behaviour]) => [name, behaviour.status]),
) as Record<ErrorClassName, number>;

/** One provider call behind an error, as the caller reads it. */
export interface WireAttempt {
  attempt: number;
  group: string;
  deployment: string;
  outcome: AttemptRecord['outcome'];
  error_class: string | null;
  status: number | null;
  duration_ms: number | null;
  cooled_down_until: string | null;
}

export interface WireError {
  status: number;
  /** Class name for metrics and the `x-llm-router-error` header, e.g. `FallbacksExhaustedError`, `GatewayError`. */
  errorClass: string;
  message: string;
  /** A stable machine-readable code: a gateway code, or the router error class. */
  code: string;
  param: string | null;
  retryAfterMs: number | undefined;
  noRetry: boolean;
  attempts: WireAttempt[] | undefined;
}

export function wireAttempts(attempts: readonly AttemptRecord[]): WireAttempt[] {
  return attempts.map((a) => ({
    attempt: a.attemptNo,
    group: a.group,
    deployment: a.deploymentId,
    outcome: a.outcome,
    error_class: a.errorClass,
    status: a.status,
    duration_ms: a.durationMs === null ? null : Math.round(a.durationMs),
    cooled_down_until: a.cooldown ? new Date(a.cooldown.until).toISOString() : null,
  }));
}

function statusOf(errorClass: string): number {
  return (STATUS_BY_CLASS as Record<string, number | undefined>)[errorClass] ?? 502;
}

/** Classifies anything thrown while serving a request. */
export function toWireError(error: unknown): WireError {
  if (GatewayError.isInstance(error)) {
    return { status: error.status, errorClass: 'GatewayError', message: error.message, code: error.code, param: error.param ?? null, retryAfterMs: error.retryAfterMs, noRetry: error.noRetry, attempts: undefined };
  }
  if (FallbacksExhaustedError.isInstance(error)) {
    return { status: 503, errorClass: error.name, message: error.message, code: 'fallbacks_exhausted', param: null, retryAfterMs: undefined, noRetry: false, attempts: wireAttempts(error.data.attempts) };
  }
  if (NoDeploymentsAvailableError.isInstance(error)) {
    return {
      status: 503,
      errorClass: error.name,
      message: error.message,
      code: 'no_deployments_available',
      param: null,
      retryAfterMs: error.retryAfterMs ?? undefined,
      // Nothing comes back by waiting: a retry would get the same answer.
      noRetry: error.retryAfterMs === null,
      attempts: undefined,
    };
  }
  if (isLlmRouterError(error)) {
    const routing = routingOfError(error);
    const param = error.name === 'UnsupportedParamsError' ? ((error as UnsupportedParamsError).params[0] ?? null) : null;
    return {
      status: statusOf(error.name),
      errorClass: error.name,
      message: error.message,
      code: error.name,
      param,
      retryAfterMs: error.name === 'RateLimitError' ? error.retryAfterMs : undefined,
      noRetry: !error.retryable,
      attempts: routing ? wireAttempts(routing.attemptLog) : undefined,
    };
  }
  const errorClass = errorClassOf(error);
  if (errorClass !== undefined) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: statusOf(errorClass), errorClass, message, code: errorClass, param: null, retryAfterMs: undefined, noRetry: false, attempts: undefined };
  }
  // A bug, not a provider failure: say so without echoing internals.
  return { status: 500, errorClass: 'InternalError', message: 'internal gateway error; see the gateway log', code: 'internal_error', param: null, retryAfterMs: undefined, noRetry: false, attempts: undefined };
}

// --- Rendering ----------------------------------------------------------------

function openaiType(e: WireError): string {
  if (e.code === 'budget_exceeded') return 'insufficient_quota';
  switch (e.status) {
    case 401:
      return 'invalid_request_error';
    case 403:
      return 'permission_error';
    case 429:
      return 'rate_limit_error';
    default:
      return e.status >= 500 ? 'server_error' : 'invalid_request_error';
  }
}

/** Anthropic's error types by status (its SDK picks the exception class from the status alone). */
const ANTHROPIC_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

function anthropicType(e: WireError): string {
  return ANTHROPIC_TYPES[e.status] ?? (e.status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** The JSON body in the caller's wire format; `attempts` is our addition, ignored by clients that do not read it. */
export function errorBody(e: WireError, wire: Wire): Record<string, unknown> {
  const extra = e.attempts === undefined ? {} : { attempts: e.attempts };
  if (wire === 'anthropic') return { type: 'error', error: { type: anthropicType(e), message: e.message, ...extra } };
  return { error: { message: e.message, type: openaiType(e), param: e.param, code: e.code, ...extra } };
}

export function errorHeaders(e: WireError): Record<string, string> {
  const headers: Record<string, string> = { 'x-llm-router-error': e.errorClass };
  if (e.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(e.retryAfterMs / 1000)));
  if (e.noRetry) headers['x-should-retry'] = 'false';
  if (e.attempts !== undefined) headers['x-llm-router-attempts'] = String(e.attempts.length);
  return headers;
}
