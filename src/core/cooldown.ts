// Cooldown rules: when a failure takes a deployment out of rotation and for
// how long. docs/routing.md holds the decision table these rules implement;
// test/unit/core/cooldown-table.test.ts checks it row by row.
import { behaviourOf, classifyErrorName, policyValue } from './error-kinds';
import type { CooldownReason, CooldownRule, DeploymentInfo, DeploymentState, FailureOutcome, RouterSettings } from './types';

export interface CooldownDecision {
  durationMs: number;
  reason: CooldownReason;
}

/**
 * Decides on the deployment's counters *after* this failure was counted.
 * Returns null when the deployment stays in rotation.
 */
export function decideCooldown(
  settings: RouterSettings,
  deployment: DeploymentInfo,
  groupSize: number,
  ds: DeploymentState,
  failure: FailureOutcome,
  now: number,
): CooldownDecision | null {
  if (settings.disableCooldowns) return null;
  const baseSec = deployment.cooldownTimeSec ?? settings.cooldownTimeSec;
  // cooldown_time: 0 is an explicit "never bench this deployment"; Retry-After does not override it.
  if (baseSec <= 0) return null;
  const status = failure.status ?? null;
  const cls = classifyErrorName(failure.errorClass, status);
  const behaviour = behaviourOf(cls, status);
  const hasRetryAfter = failure.retryAfterMs !== undefined && failure.retryAfterMs > 0;

  let rule: CooldownRule | null = null;
  // Back from a cooldown with no success yet (its counts were reset then): the first counted failure
  // sends it straight back, like a circuit breaker's half-open probe, instead of allowed_fails more.
  const onProbation = settings.compat !== 'v1' && ds.cooldownReason !== null && ds.cooldownUntil <= now && ds.successes === 0;
  if (behaviour.immediate === 'always') rule = 'immediate';
  else if (behaviour.immediate === 'multi' && (groupSize > 1 || hasRetryAfter)) rule = 'immediate';
  else if (behaviour.counts && onProbation) rule = 'probation';
  else if (behaviour.counts) {
    const perClass = policyValue(settings.allowedFailsPolicy, cls);
    const failuresCounted = perClass === undefined ? ds.failures : (ds.failuresByClass[cls] ?? 0);
    const allowed = perClass ?? settings.allowedFails;
    if (failuresCounted > allowed) rule = 'allowed-fails';
    else {
      const total = ds.failures + ds.successes;
      if (total >= settings.failureRateMinRequests && ds.failures / total > settings.failureRateThreshold) rule = 'failure-rate';
    }
  }
  if (rule === null) return null;

  const reason = { errorClass: cls, status, rule };
  if (!hasRetryAfter) return { durationMs: baseSec * 1000, reason };
  const retryAfterMs = Math.min(failure.retryAfterMs ?? 0, settings.maxCooldownTimeSec * 1000);
  // The provider said when it takes calls again: that replaces the router's default cooldown
  // (a deployment's own cooldown_time stays a floor). Before the one-engine rules it only extended it.
  const floorSec = settings.compat === 'v1' ? baseSec : deployment.cooldownTimeSec ?? 0;
  return { durationMs: Math.max(floorSec * 1000, retryAfterMs), reason };
}
