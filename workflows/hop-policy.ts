// Each hop's RetryPolicy comes from the deployment's config: retries on the
// same deployment are Temporal's (the only retry layer for that deployment),
// moving to a peer or a fallback group is the walker's.
import type { ActivityOptions } from '@temporalio/workflow';
import { ERROR_BEHAVIOUR, sameDeploymentCallBudget, type AttemptStep, type RouterConfig, type RouterState, type WalkState } from '../src/core';
import type { DurableRoutingOptions } from './types';

export const DEFAULT_INITIAL_RETRY_INTERVAL_MS = 1_000;
export const DEFAULT_BACKOFF_COEFFICIENT = 2;
/** LiteLLM's backoff cap. */
export const DEFAULT_MAX_RETRY_INTERVAL_MS = 8_000;
export const DEFAULT_HOP_TIMEOUT_MS = 120_000;
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 30_000;
/** Room past a request's deadline for an attempt's own timeout to fire first and report a clean Timeout. */
export const HOP_SCHEDULE_GRACE_MS = 2_000;

/** Classes retrying the same deployment cannot fix, straight from the core's behaviour table. */
export const NON_RETRYABLE_ERROR_TYPES: readonly string[] = Object.entries(ERROR_BEHAVIOUR)
  .filter(([, b]) => !b.retrySame)
  .map(([name]) => name);

/**
 * Attempts on this deployment within one hop. While another deployment of the
 * group could still serve (a peer in this tier or a lower-priority one, an
 * untried or cooling one), the hop makes one attempt and the walker moves on
 * (LiteLLM: no backoff when a peer exists). When this deployment is all the
 * group has left, the group's retries left become the RetryPolicy's retries
 * (the core's `sameDeploymentCallBudget`); a deployment already under
 * suspicion is only probed once per hop so a dead one is not hammered.
 */
export function hopMaximumAttempts(
  config: RouterConfig,
  walk: WalkState,
  step: AttemptStep,
  probing: boolean,
  at?: { state: RouterState; now: number },
): number {
  return probing ? 1 : sameDeploymentCallBudget(config, walk, step, at);
}

export function hopActivityOptions(
  config: RouterConfig,
  step: AttemptStep,
  maximumAttempts: number,
  options: DurableRoutingOptions = {},
): ActivityOptions {
  const initial = Math.max(options.initialRetryIntervalMs ?? DEFAULT_INITIAL_RETRY_INTERVAL_MS, config.settings.retryAfterMs, 1);
  return {
    startToCloseTimeout: step.timeoutMs ?? options.hopTimeoutMs ?? DEFAULT_HOP_TIMEOUT_MS,
    // The request's total_timeout bounds the hop's retries and their backoff too, not only each attempt.
    ...(step.remainingMs === null ? {} : { scheduleToCloseTimeout: Math.max(1, step.remainingMs) + HOP_SCHEDULE_GRACE_MS }),
    heartbeatTimeout: options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS,
    retry: {
      maximumAttempts,
      initialInterval: initial,
      backoffCoefficient: options.backoffCoefficient ?? DEFAULT_BACKOFF_COEFFICIENT,
      maximumInterval: Math.max(initial, options.maximumRetryIntervalMs ?? DEFAULT_MAX_RETRY_INTERVAL_MS),
      nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
    },
  };
}
