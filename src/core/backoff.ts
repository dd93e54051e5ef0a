// Delay before calling a deployment that already failed in this request.
// Moving to a peer costs no wait; calling the same deployment again honours
// the provider's Retry-After when it is sane, else backs off exponentially
// with jitter, and never waits less than `retryAfterMs` from the settings.
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, MAX_RETRY_AFTER_DELAY_MS } from './defaults';
import type { RouterSettings, WalkError } from './types';

export function sameDeploymentDelayMs(
  settings: RouterSettings,
  lastError: WalkError | null,
  priorCallsToDeployment: number,
  random: () => number,
): number {
  const retryAfter = lastError?.retryAfterMs ?? null;
  let delay: number;
  if (retryAfter !== null && retryAfter > 0 && retryAfter <= MAX_RETRY_AFTER_DELAY_MS) delay = retryAfter;
  else {
    const exp = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * Math.pow(2, Math.max(0, priorCallsToDeployment - 1)));
    // Up to +25% jitter so replicas that failed together do not retry together.
    delay = Math.round(exp * (1 + 0.25 * random()));
  }
  return Math.max(delay, settings.retryAfterMs);
}
