// Reading a failed activity without `instanceof`: the failure crossed the
// activity boundary, so the workflow matches on plain strings and fields.

export interface HopFailure {
  errorClass: string;
  message: string;
  status?: number;
}

interface FailureLike {
  message?: unknown;
  type?: unknown;
  timeoutType?: unknown;
  details?: unknown;
  cause?: unknown;
}

export function describeActivityFailure(err: unknown): HopFailure {
  const outer = (typeof err === 'object' && err !== null ? err : {}) as FailureLike;
  const cause = (typeof outer.cause === 'object' && outer.cause !== null ? outer.cause : {}) as FailureLike;
  const message = typeof cause.message === 'string' ? cause.message : String(outer.message ?? err);
  // An activity that ran out of time has a TimeoutFailure cause with no type.
  if (typeof cause.type !== 'string') {
    return { errorClass: cause.timeoutType !== undefined ? 'Timeout' : 'UnknownError', message };
  }
  const details = Array.isArray(cause.details) ? (cause.details[0] as { status?: unknown } | undefined) : undefined;
  const status = typeof details?.status === 'number' ? details.status : undefined;
  return status === undefined ? { errorClass: cause.type, message } : { errorClass: cause.type, message, status };
}
