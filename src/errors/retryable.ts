import { isLlmRouterError } from './guards';

/** 408, 409, 429 and every 5xx are worth another attempt; other 4xx are not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * The one retryability predicate. A classified error answers for itself; a
 * bare value is judged by its `status` if it has one, and is otherwise not
 * retryable (an unknown failure is more likely a bug than a blip).
 */
export function isRetryableError(x: unknown): boolean {
  if (isLlmRouterError(x)) return x.retryable;
  if (typeof x === 'object' && x !== null) {
    const status = (x as { status?: unknown }).status;
    if (typeof status === 'number') return isRetryableStatus(status);
  }
  return false;
}
