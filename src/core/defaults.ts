// Named defaults of the routing core. LiteLLM's values where users rely on
// them; our own where LiteLLM has none (attempt budget, cooldown cap).
import type { LatencyRoutingArgs, RouterSettings, UsageRoutingArgs } from './types';

export const DEFAULT_NUM_RETRIES = 2;
export const DEFAULT_RETRY_AFTER_MS = 0;
/** LiteLLM's `allowed_fails` default. */
export const DEFAULT_ALLOWED_FAILS = 3;
/** LiteLLM's default cooldown. */
export const DEFAULT_COOLDOWN_SECONDS = 5;
/** LiteLLM trusts Retry-After without bound; a day-long Retry-After should not bench a deployment for a day. */
export const DEFAULT_MAX_COOLDOWN_SECONDS = 300;
export const DEFAULT_FAILURE_RATE_THRESHOLD = 0.5;
export const DEFAULT_FAILURE_RATE_MIN_REQUESTS = 5;
export const DEFAULT_MAX_FALLBACKS = 5;
/** One request never makes more provider calls than this, whatever retries × fallbacks would allow. */
export const DEFAULT_MAX_ATTEMPTS = 10;
export const DEFAULT_MAX_COOLDOWN_WAIT_MS = 0;
/** Same-deployment backoff: 0.5·2ⁿ s capped at 8 s (LiteLLM's curve). */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_MAX_MS = 8_000;
/** A call's timeout when neither the deployment nor the router sets `timeout` (the SDKs' own default). */
export const DEFAULT_CALL_TIMEOUT_MS = 600_000;
/** A provider's Retry-After is used as the retry delay only up to this. */
export const MAX_RETRY_AFTER_DELAY_MS = 60_000;

export const DEFAULT_LATENCY_ARGS: LatencyRoutingArgs = {
  lowestLatencyBuffer: 0,
  ttlMs: 3_600_000,
  halfLifeMs: 60_000,
  maxSamples: 10,
  timeoutPenaltyMs: 1_000_000,
};

export const DEFAULT_USAGE_ARGS: UsageRoutingArgs = { windowMs: 60_000 };

export function defaultRouterSettings(): RouterSettings {
  return {
    numRetries: DEFAULT_NUM_RETRIES,
    retryAfterMs: DEFAULT_RETRY_AFTER_MS,
    allowedFails: DEFAULT_ALLOWED_FAILS,
    allowedFailsPolicy: {},
    retryPolicy: {},
    cooldownTimeSec: DEFAULT_COOLDOWN_SECONDS,
    maxCooldownTimeSec: DEFAULT_MAX_COOLDOWN_SECONDS,
    disableCooldowns: false,
    failureRateThreshold: DEFAULT_FAILURE_RATE_THRESHOLD,
    failureRateMinRequests: DEFAULT_FAILURE_RATE_MIN_REQUESTS,
    fallbacks: {},
    contextWindowFallbacks: {},
    contentPolicyFallbacks: {},
    defaultFallbacks: [],
    maxFallbacks: DEFAULT_MAX_FALLBACKS,
    routingStrategy: 'simple-shuffle',
    routingStrategyArgs: { latency: { ...DEFAULT_LATENCY_ARGS }, usage: { ...DEFAULT_USAGE_ARGS } },
    enablePreCallChecks: false,
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    maxCooldownWaitMs: DEFAULT_MAX_COOLDOWN_WAIT_MS,
  };
}
