// The one place our errors become Temporal failures, and back.
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { describeFallbacksExhausted, describeNoDeployments } from '../core/errors';
import type { CallFailure, GiveUp } from '../core/driver';
import type { SharedHealthView } from '../core/shared-state';
import type { LlmRouterError, MidStreamError } from '../errors';

/** What travels in `ApplicationFailure.details[0]` of a failed hop: enough for the workflow and an operator, never a secret. */
export interface ProviderFailureDetails {
  errorClass: string;
  status?: number;
  provider?: string;
  deployment?: string;
  requestId?: string;
  retryAfterMs?: number;
  /** Whether the same deployment may be called again (the error table, or the server's `x-should-retry`). */
  retryable: boolean;
  /** MidStreamError: the class the failure would have had before the first chunk. */
  causeClass?: string;
  /** Shared health news from the worker's health agent, for the workflow to lay over its state. */
  health?: SharedHealthView;
  /** The hop's attempt number in its request's walk (`#n` in the activity summary), for the worker's log line. */
  hop?: number;
  /** Histories recorded before single-call hops only: the activity attempt that failed, i.e. the calls the hop made. */
  attempt?: number;
}

/**
 * A provider error as the failure of its hop's activity. `type` is the error
 * class name (workflow code matches on that string, never on `instanceof`).
 * It is always non-retryable: whether and when the deployment is called
 * again is the routing driver's decision, the same as in-process (backoff,
 * Retry-After, a peer, a fallback), and the hop's RetryPolicy only re-runs
 * hops that a lost worker ended. An expected 429 is BENIGN so it does not
 * page anyone or pollute error metrics.
 */
export function toApplicationFailure(error: LlmRouterError, health?: SharedHealthView, hop?: number): ApplicationFailure {
  const details: ProviderFailureDetails = { errorClass: error.name, retryable: error.retryable };
  if (hop !== undefined) details.hop = hop;
  if (health !== undefined) details.health = health;
  if (error.status !== undefined) details.status = error.status;
  if (error.provider !== undefined) details.provider = error.provider;
  if (error.deployment !== undefined) details.deployment = error.deployment;
  if (error.requestId !== undefined) details.requestId = error.requestId;
  if (error.retryAfterMs !== undefined) details.retryAfterMs = error.retryAfterMs;
  const cause = (error as Partial<MidStreamError>).causeClass;
  if (error.name === 'MidStreamError' && cause !== undefined) details.causeClass = cause;
  return ApplicationFailure.create({
    type: error.name,
    message: error.message,
    nonRetryable: true,
    details: [details],
    category: error.name === 'RateLimitError' ? ApplicationFailureCategory.BENIGN : undefined,
  });
}

/** A document an activity cannot read: retrying will not make it readable, and the batch reports it and goes on. */
export function documentFailure(errorClass: string, message: string, extra: Record<string, number | string | ReadonlyArray<readonly number[]>> = {}): ApplicationFailure {
  return ApplicationFailure.create({ type: errorClass, message, nonRetryable: true, details: [{ ...extra, errorClass }] });
}

/** How a routing workflow's give-up travels in its failure: the driver's verdict, without host objects. */
export interface GiveUpDetails {
  giveUp: GiveUp;
}

function plain(failure: CallFailure): CallFailure {
  const { error: _error, ...rest } = failure;
  return rest;
}

/**
 * A request that got no answer, as the routing workflow's failure: `type` and
 * message are the error the in-process Router would throw (the provider's own
 * class after one attempt, FallbacksExhaustedError, NoDeploymentsAvailableError),
 * and the details carry the driver's verdict, so a client rebuilds the same
 * error (`giveUpOfFailure`, then the router's `giveUpError`).
 */
export function giveUpFailure(giveUp: GiveUp): ApplicationFailure {
  let type: string;
  let message: string;
  let carried: GiveUp;
  if (giveUp.kind === 'no-deployments') {
    const { name: _name, ...data } = giveUp.data;
    type = giveUp.data.name;
    message = describeNoDeployments(data);
    carried = giveUp;
  } else if (giveUp.kind === 'provider') {
    type = giveUp.failure.errorClass;
    message = giveUp.failure.message;
    carried = { ...giveUp, failure: plain(giveUp.failure) };
  } else {
    type = giveUp.data.name;
    message = describeFallbacksExhausted(giveUp.data);
    carried = { ...giveUp, failures: giveUp.failures.map(plain) };
  }
  const details: GiveUpDetails = { giveUp: carried };
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: [details] });
}

/** The driver's verdict carried by a routing workflow's failure (or any error with such a cause), if there is one. */
export function giveUpOfFailure(err: unknown): GiveUp | undefined {
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const details = (e as { details?: unknown }).details;
    const first = Array.isArray(details) ? (details[0] as Partial<GiveUpDetails> | undefined) : undefined;
    const giveUp = first?.giveUp;
    if (giveUp !== undefined && typeof giveUp === 'object' && giveUp !== null && typeof (giveUp as { kind?: unknown }).kind === 'string') return giveUp;
  }
  return undefined;
}
