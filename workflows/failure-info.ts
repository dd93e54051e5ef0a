// Reading a failed activity without `instanceof`: the failure crossed the
// activity boundary, so the workflow matches on plain strings and fields.

export interface HopFailure {
  errorClass: string;
  message: string;
  status?: number;
  retryAfterMs?: number;
  /** The activity attempt that failed last: how many calls this hop made. */
  attempt?: number;
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
  const cause = (typeof outer.cause === 'object' && outer.cause !== null ? outer.cause : {}) as FailureLike;
  const message = typeof cause.message === 'string' ? cause.message : String(outer.message ?? err);
  // An activity that ran out of time has a TimeoutFailure cause with no type.
  if (typeof cause.type !== 'string') {
    return { errorClass: cause.timeoutType !== undefined ? 'Timeout' : 'UnknownError', message };
  }
  const details = Array.isArray(cause.details) ? (cause.details[0] as Record<string, unknown> | undefined) : undefined;
  const failure: HopFailure = { errorClass: cause.type, message };
  const status = num(details?.status);
  const retryAfterMs = num(details?.retryAfterMs);
  const attempt = num(details?.attempt);
  if (status !== undefined) failure.status = status;
  if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
  if (attempt !== undefined) failure.attempt = attempt;
  return failure;
}
