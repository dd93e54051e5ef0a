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
// In `latency` mode a hop is a local activity with the same RetryPolicy: the
// worker that runs the workflow makes the call inside the workflow task, so
// there is no task-queue round trip and no second workflow task per hop. A
// local activity cannot heartbeat: a dead worker is noticed when its workflow
// task times out, and the new worker runs the call again from the start (the
// lost call is never in history). Calls that could run long stay normal
// activities: a long local activity keeps its workflow task open by
// heartbeating it (three events every few seconds) and loses all its progress
// with its worker.
//
// docs/routing.md ("Durable hops") records the choice and its cost in events.
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
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

/**
 * In `latency` mode, a hop whose call may take longer than this (its timeout
 * plus `HOP_TIMEOUT_GRACE_MS`) runs as a normal activity. A local activity
 * holds its workflow task open by heartbeating it, and the server ends a
 * workflow task heartbeated for 30 minutes (its default
 * workflowTaskHeartbeatTimeout); half of that leaves room for a retry.
 * LiteLLM's default call timeout (600 s) fits.
 */
export const DEFAULT_LOCAL_HOP_LIMIT_MS = 15 * 60_000;

/** Whether this hop runs as a local activity: `latency` mode, not a stream, and a call that ends within the limit. */
export function hopRunsLocally(step: AttemptStep, stream: boolean, options: DurableRoutingOptions = {}): boolean {
  if (options.durability !== 'latency' || stream) return false;
  return step.timeoutMs + HOP_TIMEOUT_GRACE_MS <= (options.localHopLimitMs ?? DEFAULT_LOCAL_HOP_LIMIT_MS);
}

/** The same timeouts and RetryPolicy as a normal hop, without the heartbeat a local activity cannot send. */
export function localHopActivityOptions(step: AttemptStep, options: DurableRoutingOptions = {}): LocalActivityOptions {
  const { heartbeatTimeout: _heartbeat, ...rest } = hopActivityOptions(step, options);
  return rest;
}

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
