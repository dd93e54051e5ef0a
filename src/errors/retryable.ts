import { isLlmRouterError } from './guards';
import { isRetryableStatus } from './table';

export { isRetryableStatus };

/**
 * The one retryability predicate: may calling the same deployment again
 * succeed? A classified error answers for itself (its class in the error
 * table, or the server's `x-should-retry`); a bare value is judged by its
 * `status` if it has one, and is otherwise not retryable (an unknown failure
 * is more likely a bug than a blip). The walker and the Temporal failure
 * conversion both decide with it.
 */
export function isRetryableError(x: unknown): boolean {
  if (isLlmRouterError(x)) return x.retryable;
  if (typeof x === 'object' && x !== null) {
    const status = (x as { status?: unknown }).status;
    if (typeof status === 'number') return isRetryableStatus(status);
  }
  return false;
}
