import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { MAX_RETRY_AFTER_DELAY_MS } from '../core/defaults';
import { isLlmRouterError, type LlmRouterError } from '../errors';

/** What travels in `ApplicationFailure.details[0]`: enough for the workflow and an operator, never a secret. */
export interface ProviderFailureDetails {
  errorClass: string;
  status?: number;
  provider?: string;
  deployment?: string;
  requestId?: string;
  retryAfterMs?: number;
  /** The activity attempt that failed: the workflow reports "×3" hops and counts each toward allowed fails. */
  attempt?: number;
}

/**
 * The one place our errors become Temporal failures. `type` is the error class
 * name (workflow code matches on that string, never on `instanceof`);
 * `nonRetryable` comes from the taxonomy's retryability predicate; a
 * provider's Retry-After of up to a minute becomes `nextRetryDelay`, so
 * Temporal's RetryPolicy waits exactly as long as the provider asked (as the
 * in-process Router does); a longer one ends the hop (non-retryable) and
 * travels in the details, so the workflow cools the deployment for it (up to
 * `max_cooldown_time`) and moves on. An expected 429 is BENIGN so
 * it does not page anyone or pollute error metrics.
 */
export function toApplicationFailure(error: LlmRouterError, attempt?: number): ApplicationFailure {
  const details: ProviderFailureDetails = { errorClass: error.name };
  if (attempt !== undefined) details.attempt = attempt;
  if (error.status !== undefined) details.status = error.status;
  if (error.provider !== undefined) details.provider = error.provider;
  if (error.deployment !== undefined) details.deployment = error.deployment;
  if (error.requestId !== undefined) details.requestId = error.requestId;
  if (error.retryAfterMs !== undefined) details.retryAfterMs = error.retryAfterMs;
  // A provider asking for more than a minute is not called again in this hop: the walker cools the deployment
  // for it (up to max_cooldown_time) and moves on, as the in-process Router does.
  const waitsTooLong = error.retryAfterMs !== undefined && error.retryAfterMs > MAX_RETRY_AFTER_DELAY_MS;
  return ApplicationFailure.create({
    type: error.name,
    message: error.message,
    nonRetryable: !error.retryable || waitsTooLong,
    nextRetryDelay: error.retryable && !waitsTooLong && error.retryAfterMs !== undefined ? error.retryAfterMs : undefined,
    details: [details],
    category: error.name === 'RateLimitError' ? ApplicationFailureCategory.BENIGN : undefined,
  });
}

/** Converts anything thrown by the provider layer; unknown errors pass through untouched (they are bugs, not provider failures). */
export function providerFailure(err: unknown, attempt?: number): unknown {
  return isLlmRouterError(err) ? toApplicationFailure(err, attempt) : err;
}

/** A document an activity cannot read: retrying will not make it readable, and the batch reports it and goes on. */
export function documentFailure(errorClass: string, message: string, extra: Record<string, number | string> = {}): ApplicationFailure {
  return ApplicationFailure.create({ type: errorClass, message, nonRetryable: true, details: [{ ...extra, errorClass }] });
}
