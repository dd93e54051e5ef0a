// Reading a failed activity without `instanceof`: the failure crossed the
// activity boundary, so the workflow matches on plain strings and fields.

import type { SharedHealthView } from '../src/core/shared-state';

export interface HopFailure {
  errorClass: string;
  message: string;
  status?: number;
  retryAfterMs?: number;
  /** The server's `x-should-retry`, as the activity saw it. */
  retryable?: boolean;
  requestId?: string;
  /** MidStreamError: the class the failure would have had before the first chunk. */
  causeClass?: string;
  /** Shared health news the worker's agent sent along. */
  health?: SharedHealthView;
  /** Histories recorded before single-call hops: the activity attempt that failed last, i.e. how many calls the hop made. */
  attempt?: number;
  /**
   * Set when our own infrastructure, not the provider, ended the hop: the
   * activity timed out (a worker died or hung past its heartbeat or
   * start-to-close timeout, or no worker ran it before the request's
   * deadline). The value names the timeout.
   */
  lost?: string;
}

interface FailureLike {
  message?: unknown;
  type?: unknown;
  timeoutType?: unknown;
  details?: unknown;
  cause?: unknown;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function describeActivityFailure(err: unknown): HopFailure {
  const outer = (typeof err === 'object' && err !== null ? err : {}) as FailureLike;
  // A normal activity's failure is an ActivityFailure around its cause; a local activity's arrives as the cause
  // itself (an ApplicationFailure with a type, or a TimeoutFailure with a timeout type).
  const bare = typeof outer.type === 'string' || outer.timeoutType !== undefined;
  const cause = (bare ? outer : typeof outer.cause === 'object' && outer.cause !== null ? outer.cause : {}) as FailureLike;
  const message = typeof cause.message === 'string' ? cause.message : String(outer.message ?? err);
  // An activity that ran out of time has a TimeoutFailure cause with no type.
  if (typeof cause.type !== 'string') {
    if (cause.timeoutType === undefined) return { errorClass: 'UnknownError', message };
    const kind = String(cause.timeoutType).toLowerCase().replace(/_/g, '-');
    return { errorClass: 'Timeout', message: `hop lost: activity ${kind} timeout (${message})`, lost: `${kind} timeout` };
  }
  const details = Array.isArray(cause.details) ? (cause.details[0] as Record<string, unknown> | undefined) : undefined;
  const failure: HopFailure = { errorClass: cause.type, message };
  const status = num(details?.status);
  const retryAfterMs = num(details?.retryAfterMs);
  const attempt = num(details?.attempt);
  if (status !== undefined) failure.status = status;
  if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
  if (attempt !== undefined) failure.attempt = attempt;
  if (typeof details?.retryable === 'boolean') failure.retryable = details.retryable;
  if (typeof details?.requestId === 'string') failure.requestId = details.requestId;
  if (typeof details?.causeClass === 'string') failure.causeClass = details.causeClass;
  if (typeof details?.health === 'object' && details.health !== null) failure.health = details.health as SharedHealthView;
  return failure;
}
