// Record functions: attempt start, success, failure. Each returns a new
// RouterState (see state.ts for why updates are immutable).
import { recordSpend } from './budgets';
import { decideCooldown } from './cooldown';
import { behaviourOf, classifyErrorName } from './error-kinds';
import { addSample } from './latency-samples';
import { copyDeploymentState, currentDeploymentState, windowOf, withDeployment } from './state';
import type {
  AppliedCooldown,
  FailureOutcome,
  RecordFailureResult,
  RouterConfig,
  RouterState,
  SuccessOutcome,
} from './types';

/** Counts the request toward rpm and in-flight as it starts, so concurrent picks see it (LiteLLM counts rpm pre-call too). */
export function recordAttemptStart(config: RouterConfig, state: RouterState, deploymentId: string, now: number): RouterState {
  const ds = currentDeploymentState(state, deploymentId, windowOf(config, now));
  const next = copyDeploymentState(ds);
  next.inFlight = ds.inFlight + 1;
  next.rpmUsed = ds.rpmUsed + 1;
  return withDeployment(state, deploymentId, next);
}

export function recordSuccess(
  config: RouterConfig,
  state: RouterState,
  deploymentId: string,
  outcome: SuccessOutcome,
  now: number,
): RouterState {
  const args = config.settings.routingStrategyArgs.latency;
  const ds = currentDeploymentState(state, deploymentId, windowOf(config, now));
  const perToken = outcome.outputTokens !== undefined && outcome.outputTokens > 0
    ? outcome.latencyMs / outcome.outputTokens
    : outcome.latencyMs;
  const next = copyDeploymentState(ds);
  next.successes = ds.successes + 1;
  next.inFlight = Math.max(0, ds.inFlight - 1);
  next.tpmUsed = ds.tpmUsed + (outcome.totalTokens ?? 0);
  next.latency = addSample(ds.latency, { at: now, value: finite(perToken) }, args);
  if (outcome.ttftMs !== undefined) next.ttft = addSample(ds.ttft, { at: now, value: finite(outcome.ttftMs) }, args);
  delete next.suspect;
  if (outcome.costUsd !== undefined) recordSpend(config, next, deploymentId, outcome.costUsd, now);
  // A success ends the probation that follows a cooldown.
  if (ds.cooldownReason !== null && ds.cooldownUntil <= now) next.cooldownReason = null;
  return withDeployment(state, deploymentId, next);
}

/** Ends an attempt that neither succeeded nor failed on the deployment's account (e.g. cancelled). */
export function recordAttemptEnd(config: RouterConfig, state: RouterState, deploymentId: string, now: number): RouterState {
  const ds = currentDeploymentState(state, deploymentId, windowOf(config, now));
  const next = copyDeploymentState(ds);
  next.inFlight = Math.max(0, ds.inFlight - 1);
  return withDeployment(state, deploymentId, next);
}

export function recordFailure(
  config: RouterConfig,
  state: RouterState,
  deploymentId: string,
  failure: FailureOutcome,
  now: number,
): RecordFailureResult {
  const deployment = config.deployments[deploymentId];
  const ds = currentDeploymentState(state, deploymentId, windowOf(config, now));
  const cls = classifyErrorName(failure.errorClass, failure.status);
  const behaviour = behaviourOf(cls, failure.status);
  const next = copyDeploymentState(ds);
  next.inFlight = Math.max(0, ds.inFlight - 1);
  // Any failure makes the next call a probe, whether or not it counts toward a cooldown.
  next.suspect = true;
  if (behaviour.counts) {
    next.failures = ds.failures + 1;
    next.failuresByClass = { ...ds.failuresByClass, [cls]: (ds.failuresByClass[cls] ?? 0) + 1 };
  }
  if (cls === 'Timeout') {
    const args = config.settings.routingStrategyArgs.latency;
    // A timeout must make latency routing shy away, as LiteLLM's 1000 s sample does.
    next.latency = addSample(ds.latency, { at: now, value: args.timeoutPenaltyMs }, args);
  }
  if (deployment === undefined) return { state: withDeployment(state, deploymentId, next), cooldown: null };

  const groupSize = config.groups[deployment.group]?.length ?? 1;
  const decision = decideCooldown(config.settings, deployment, groupSize, next, failure, now);
  let cooldown: AppliedCooldown | null = null;
  if (decision !== null) {
    const active = ds.cooldownUntil > now;
    const proposed = now + decision.durationMs;
    // Re-cooling never shortens: the later end wins.
    const until = active ? Math.max(ds.cooldownUntil, proposed) : proposed;
    next.cooldownUntil = until;
    next.cooldownReason = decision.reason;
    // Back from cooldown with a clean slate, so one stale count cannot bench it again at once.
    next.successes = 0;
    next.failures = 0;
    next.failuresByClass = {};
    cooldown = { deploymentId, until, reason: decision.reason, extended: active && until > ds.cooldownUntil };
  }
  return { state: withDeployment(state, deploymentId, next), cooldown };
}

function finite(n: number): number {
  return Number.isFinite(n) && n >= 0 ? n : 0;
}
