// A hop's activity options. The two retry layers split the work this way:
//
//   - every provider error comes back to the workflow at once (the activity
//     fails it non-retryable), and the driver decides, as in-process: retry
//     the same deployment after its backoff or Retry-After (a workflow
//     timer), move to a peer, or fall back. Every failed call is counted once,
//     toward cooldowns and shared health, on every path;
//   - the activity's RetryPolicy re-runs the hop only when our own
//     infrastructure lost it: a worker that died (noticed by the heartbeat
//     timeout within seconds), shut down mid-call or hung. Those retries are
//     nobody's fault and never touch a deployment's health.
//
// docs/routing.md ("Durable hops") records the choice and its cost in events.
import type { ActivityOptions } from '@temporalio/workflow';
import type { AttemptStep } from '../src/core';
import type { DurableRoutingOptions } from './types';

/** A dead worker is noticed this long after its last heartbeat (the activity beats every third of it). */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 3_000;
/** First re-run of a hop lost to a worker; later ones back off up to the maximum. */
export const DEFAULT_INFRA_RETRY_INTERVAL_MS = 200;
export const DEFAULT_INFRA_BACKOFF_COEFFICIENT = 2;
export const DEFAULT_INFRA_MAX_RETRY_INTERVAL_MS = 5_000;
/** Grace between the call's own HTTP timeout and the activity's start-to-close, so the provider layer's clean Timeout is what surfaces. */
export const HOP_TIMEOUT_GRACE_MS = 2_000;

export function hopActivityOptions(step: AttemptStep, options: DurableRoutingOptions = {}): ActivityOptions {
  const initial = Math.max(1, options.initialRetryIntervalMs ?? DEFAULT_INFRA_RETRY_INTERVAL_MS);
  return {
    startToCloseTimeout: step.timeoutMs + HOP_TIMEOUT_GRACE_MS,
    // The request's total_timeout bounds the hop's re-runs too, not only each call.
    ...(step.remainingMs === null ? {} : { scheduleToCloseTimeout: Math.max(1, step.remainingMs) + HOP_TIMEOUT_GRACE_MS }),
    heartbeatTimeout: options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS,
    retry: {
      // Unbounded: a hop lost to workers waits for a worker, as a batch should (bounded by total_timeout when set).
      maximumAttempts: Number.POSITIVE_INFINITY,
      initialInterval: initial,
      backoffCoefficient: options.backoffCoefficient ?? DEFAULT_INFRA_BACKOFF_COEFFICIENT,
      maximumInterval: Math.max(initial, options.maximumRetryIntervalMs ?? DEFAULT_INFRA_MAX_RETRY_INTERVAL_MS),
    },
  };
}
