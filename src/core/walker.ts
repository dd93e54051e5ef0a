// The retry-and-fallback walker: a pure step machine that the in-process
// Router and the Temporal workflow both drive:
//
//   let walk = startWalk(config, request, now);
//   for (;;) {
//     const next = nextAttempt(config, state, walk, now, random); state = next.state; walk = next.walk;
//     if (next.step.kind === 'give-up') throw …;       // next.step.error
//     if (next.step.kind === 'wait') { sleep(next.step.delayMs); continue; }
//     sleep(next.step.delayMs); const result = call(next.step.deployment);
//     const r = onAttemptResult(config, state, walk, result, now); state = r.state; walk = r.walk;
//     if (r.done) return …;
//   }
//
// Retries stay in the group and move to peers first; then fallback groups per
// error kind, depth first, each group at most once, bounded by maxFallbacks,
// the attempt budget and the deadline. Inputs are never mutated.
import { sameDeploymentDelayMs } from './backoff';
import { behaviourOf, classifyErrorName, ERROR_BEHAVIOUR, policyValue } from './error-kinds';
import { fallbackGroups } from './fallback-chain';
import { pickInGroup, resolveGroup } from './pick';
import { recordAttemptStart, recordFailure, recordSuccess } from './record';
import type {
  AttemptRecord,
  AttemptResult,
  AttemptStep,
  AttemptResultOutcome,
  DeploymentInfo,
  GiveUpReason,
  GiveUpStep,
  NextStepResult,
  NoDeploymentsAvailable,
  RouterConfig,
  RouterSettings,
  RouterState,
  RoutingRequest,
  SkipReason,
  UnavailableDeployment,
  WalkState,
} from './types';

export function startWalk(config: RouterConfig, request: RoutingRequest, now: number): WalkState {
  const resolved = resolveGroup(config, request);
  const timeout = config.settings.requestTimeoutMs;
  return {
    request,
    requestedGroup: request.group,
    firstGroup: resolved.group,
    startedAt: now,
    deadlineAt: timeout === undefined ? null : now + timeout,
    currentGroup: resolved.group,
    retriesInGroup: 0,
    next: 'initial',
    fallbackKind: 'generic',
    pendingGroups: [],
    groupPath: [resolved.group],
    expanded: [],
    fallbacksUsed: 0,
    excluded: [],
    tried: [],
    minContextWindowExclusive: null,
    waitedMs: 0,
    attempts: [],
    repeatCalls: 0,
    inFlight: null,
    lastError: null,
    complexity: resolved.complexity,
    unavailable: [],
    status: 'running',
    giveUpReason: null,
  };
}

// Field by field rather than a spread with overrides: V8 clones spreads slowly
// and a walk is copied twice per attempt. The type checker keeps the list complete.
function copyWalk(walk: WalkState): WalkState {
  return {
    request: walk.request,
    requestedGroup: walk.requestedGroup,
    firstGroup: walk.firstGroup,
    startedAt: walk.startedAt,
    deadlineAt: walk.deadlineAt,
    currentGroup: walk.currentGroup,
    retriesInGroup: walk.retriesInGroup,
    next: walk.next,
    fallbackKind: walk.fallbackKind,
    pendingGroups: walk.pendingGroups.slice(),
    groupPath: walk.groupPath.slice(),
    expanded: walk.expanded.slice(),
    fallbacksUsed: walk.fallbacksUsed,
    excluded: walk.excluded.slice(),
    tried: walk.tried.slice(),
    minContextWindowExclusive: walk.minContextWindowExclusive,
    waitedMs: walk.waitedMs,
    attempts: walk.attempts.slice(),
    repeatCalls: walk.repeatCalls,
    inFlight: walk.inFlight,
    lastError: walk.lastError,
    complexity: walk.complexity,
    unavailable: walk.unavailable.slice(),
    status: walk.status,
    giveUpReason: walk.giveUpReason,
  };
}

/** Queues the current group's fallbacks (once) and enters the next queued group. False when none is left. */
function enterNextFallback(config: RouterConfig, w: WalkState): boolean {
  const settings = config.settings;
  if (!w.expanded.includes(w.currentGroup)) {
    w.expanded.push(w.currentGroup);
    const keys = w.currentGroup === w.firstGroup && w.firstGroup !== w.requestedGroup
      ? [w.currentGroup, w.requestedGroup]
      : [w.currentGroup];
    const fresh = fallbackGroups(settings, w.fallbackKind, keys).filter(
      (g, i, all) => all.indexOf(g) === i && !w.groupPath.includes(g) && !w.pendingGroups.includes(g),
    );
    // Depth first, like LiteLLM: a fallback's own fallbacks come before its siblings.
    w.pendingGroups = [...fresh, ...w.pendingGroups];
  }
  while (w.pendingGroups.length > 0) {
    if (w.fallbacksUsed >= settings.maxFallbacks) return false;
    const g = w.pendingGroups.shift() as string;
    const resolved = resolveGroup(config, { ...w.request, group: g }).group;
    if (w.groupPath.includes(resolved)) continue;
    w.currentGroup = resolved;
    w.groupPath.push(resolved);
    w.fallbacksUsed++;
    w.retriesInGroup = 0;
    w.next = 'fallback';
    return true;
  }
  return false;
}

export function nextAttempt(
  config: RouterConfig,
  state: RouterState,
  walk: WalkState,
  now: number,
  random: () => number,
): NextStepResult {
  if (walk.inFlight !== null) throw new Error('nextAttempt called while an attempt is in flight; call onAttemptResult first');
  const settings = config.settings;
  const w = copyWalk(walk);
  if (w.status === 'succeeded') throw new Error('nextAttempt called on a walk that already succeeded');
  if (w.status === 'gave-up') return giveUp(w, state, w.giveUpReason ?? 'fallbacks-exhausted', now);
  if (w.attempts.length + w.repeatCalls >= settings.maxAttempts) return giveUp(w, state, 'attempt-budget', now);
  if (w.deadlineAt !== null && now >= w.deadlineAt) return giveUp(w, state, 'deadline', now);
  if (w.next === 'fallback' && w.attempts.length > 0 && !enterNextFallback(config, w)) {
    return giveUp(w, state, 'fallbacks-exhausted', now);
  }

  for (;;) {
    const res = pickInGroup(config, state, w.currentGroup, w.request, now, random, {
      exclude: w.excluded,
      avoid: w.tried,
      ...(w.minContextWindowExclusive === null ? {} : { minContextWindowExclusive: w.minContextWindowExclusive }),
    });
    if (res.kind === 'picked') {
      const id = res.deployment.id;
      const prior = countCalls(w.attempts, id);
      const delayMs = prior > 0 ? sameDeploymentDelayMs(settings, w.lastError, prior, random) : 0;
      if (w.deadlineAt !== null && now + delayMs >= w.deadlineAt) return giveUp(w, state, 'deadline', now);
      const remainingMs = w.deadlineAt === null ? null : w.deadlineAt - now - delayMs;
      const isFallback = w.currentGroup !== w.firstGroup;
      const reason = w.next;
      const attempt: AttemptRecord = {
        attemptNo: w.attempts.length + 1,
        deploymentId: id,
        group: w.currentGroup,
        isFallback,
        startedAt: now + delayMs,
        durationMs: null,
        outcome: 'in-flight',
        errorClass: null,
        status: null,
        cooldown: null,
      };
      w.inFlight = w.attempts.length;
      w.attempts.push(attempt);
      if (res.explanation.complexity === undefined && w.complexity !== null && w.currentGroup === w.firstGroup) {
        res.explanation.complexity = w.complexity;
      }
      return {
        step: {
          kind: 'attempt',
          deploymentId: id,
          deployment: res.deployment,
          group: w.currentGroup,
          attemptNo: attempt.attemptNo,
          isFallback,
          reason,
          delayMs,
          remainingMs,
          timeoutMs: attemptTimeout(settings, res.deployment, w.request.stream === true, remainingMs),
          explanation: res.explanation,
        },
        walk: w,
        state: recordAttemptStart(config, state, id, now + delayMs),
      };
    }

    w.unavailable.push(res);
    // An unavailable group is treated as failing with the last error's kind (generic before any error).
    if (w.fallbackKind === 'none') w.fallbackKind = 'generic';
    if (enterNextFallback(config, w)) continue;

    const wait = waitFor(w, res, settings.maxCooldownWaitMs, now);
    if (wait !== null) {
      w.waitedMs += wait;
      // The group may be entered again after the wait: it was never attempted while unavailable.
      return { step: { kind: 'wait', delayMs: wait, until: now + wait }, walk: w, state };
    }
    return giveUp(w, state, w.attempts.length === 0 ? 'no-deployments' : 'fallbacks-exhausted', now);
  }
}

/** Wait for the earliest cooldown end of the last unavailable group when the budget and deadline allow. */
function waitFor(w: WalkState, res: NoDeploymentsAvailable, maxWaitMs: number, now: number): number | null {
  if (maxWaitMs <= 0 || res.earliestAvailableAt === null) return null;
  const delay = Math.max(1, res.earliestAvailableAt - now);
  if (w.waitedMs + delay > maxWaitMs) return null;
  if (w.deadlineAt !== null && now + delay >= w.deadlineAt) return null;
  // Stay in this group: it was never attempted while unavailable, so this is no second visit.
  w.next = w.attempts.length === 0 ? 'initial' : 'retry';
  return delay;
}

function attemptTimeout(settings: RouterSettings, d: DeploymentInfo, stream: boolean, remainingMs: number | null): number | null {
  const own = stream
    ? d.streamTimeoutMs ?? settings.streamTimeoutMs ?? d.timeoutMs ?? settings.timeoutMs
    : d.timeoutMs ?? settings.timeoutMs;
  if (own === undefined) return remainingMs;
  return remainingMs === null ? own : Math.min(own, remainingMs);
}

function countCalls(attempts: readonly AttemptRecord[], id: string): number {
  let n = 0;
  for (const a of attempts) if (a.deploymentId === id) n++;
  return n;
}

/**
 * Why a deployment `pick` passed over may still serve a later call of this
 * request: the walker's next retry widens the pick again (untried peers first,
 * then every tier), and cooldowns and rpm/tpm windows end. The other reasons
 * hold for the whole request.
 */
const PEER_LATER: readonly SkipReason[] = ['lower-priority', 'already-tried', 'cooldown', 'rpm-limit', 'tpm-limit'];

/** Classes a retry on the same deployment can fix; a hop's RetryPolicy retries only these. */
const RETRY_SAME_CLASSES = (Object.keys(ERROR_BEHAVIOUR) as Array<keyof typeof ERROR_BEHAVIOUR>).filter((cls) => ERROR_BEHAVIOUR[cls].retrySame);

/**
 * How many calls a lower retry layer (the durable path's activity
 * RetryPolicy) may make on `step`'s deployment before handing the result back
 * to `onAttemptResult`, so that a request makes the same calls as when the
 * walker is driven one call at a time.
 *
 * One whenever another deployment of the group could serve a later call, in
 * any `order` tier: the walker's retry moves there (a step's `candidates` hold
 * only its own tier and untried peers, so they alone do not say). Otherwise
 * the group's retries left (the deployment's `num_retries`, else the
 * router's, or less where `retry_policy` allows a class fewer) after this
 * call, within `maxAttempts`, and, given the router state (`at`), no more
 * calls than it takes its failures to cool the deployment. `walk` is the one
 * `nextAttempt` returned with the step.
 */
export function sameDeploymentCallBudget(
  config: RouterConfig,
  walk: WalkState,
  step: AttemptStep,
  at?: { state: RouterState; now: number },
): number {
  const { candidates, skipped } = step.explanation;
  for (const id of candidates) if (id !== step.deploymentId) return 1;
  for (const s of skipped) if (s.id !== step.deploymentId && PEER_LATER.includes(s.reason)) return 1;
  // A per-class retry_policy may allow fewer retries than num_retries, and the hop cannot know the class of its
  // failures in advance: plan on the smallest; the walker grants any more the actual class allows, hop by hop.
  let allowed = step.deployment.numRetries ?? config.settings.numRetries;
  for (const cls of RETRY_SAME_CLASSES) allowed = Math.min(allowed, policyValue(config.settings.retryPolicy, cls) ?? allowed);
  const retries = allowed - walk.retriesInGroup;
  // `walk.attempts` already holds this step's call.
  const calls = config.settings.maxAttempts - walk.attempts.length - walk.repeatCalls;
  const budget = 1 + Math.max(0, Math.min(retries, calls));
  return at === undefined || budget === 1 ? budget : Math.min(budget, callsUntilCooldown(config, at.state, step.deploymentId, at.now, budget));
}

/**
 * How many transient failures in a row (a 503) would put the deployment in
 * cooldown, from `state` with this step's call already started; at most
 * `max`. Called one at a time, the walker stops calling a deployment once it
 * cools, so a lower retry layer must not go past that call either. Counted
 * with the same record functions the walker uses, so every cooldown rule
 * (allowed_fails, the failure-rate rule, disabled cooldowns) applies as is.
 */
function callsUntilCooldown(config: RouterConfig, state: RouterState, id: string, now: number, max: number): number {
  let s = state;
  for (let k = 1; k < max; k++) {
    const r = recordFailure(config, k === 1 ? s : recordAttemptStart(config, s, id, now), id, { errorClass: 'ServiceUnavailableError', status: 503 }, now);
    if (r.cooldown !== null) return k;
    s = r.state;
  }
  return max;
}

/**
 * Feeds the outcome of the call in flight back. `calls` is how many calls a
 * lower retry layer made on the deployment for this attempt (at most
 * `sameDeploymentCallBudget`); the calls beyond the first were retries in the
 * group and count toward its retries and toward `maxAttempts`.
 */
export function onAttemptResult(
  config: RouterConfig,
  state: RouterState,
  walk: WalkState,
  result: AttemptResult,
  now: number,
  calls = 1,
): AttemptResultOutcome {
  if (walk.inFlight === null) throw new Error('onAttemptResult called with no attempt in flight');
  const w = copyWalk(walk);
  const repeats = Number.isInteger(calls) && calls > 1 ? calls - 1 : 0;
  w.repeatCalls += repeats;
  w.retriesInGroup += repeats;
  const index = walk.inFlight;
  const prev = w.attempts[index] as AttemptRecord;
  const durationMs = Math.max(0, now - prev.startedAt);
  w.inFlight = null;
  const id = prev.deploymentId;
  if (!w.tried.includes(id)) w.tried.push(id);

  if (result.ok) {
    w.attempts[index] = { ...prev, durationMs, outcome: 'success' };
    w.status = 'succeeded';
    const { ok: _ok, ...outcome } = result;
    return { walk: w, state: recordSuccess(config, state, id, outcome, now), cooldown: null, done: true };
  }

  const { ok: _ok, ...failure } = result;
  const recorded = recordFailure(config, state, id, failure, now);
  const status = failure.status ?? null;
  const cls = classifyErrorName(failure.errorClass, status);
  const behaviour = behaviourOf(cls, status);
  w.attempts[index] = { ...prev, durationMs, outcome: 'failure', errorClass: failure.errorClass, status, cooldown: recorded.cooldown };
  w.lastError = { errorClass: failure.errorClass, status, retryAfterMs: finiteOrNull(failure.retryAfterMs) };
  if (!behaviour.retrySame && !w.excluded.includes(id)) w.excluded.push(id);
  const deployment = config.deployments[id];
  if (cls === 'ContextWindowExceededError' && deployment?.maxInputTokens !== undefined) {
    // Never fall back to a window no larger than the one that just overflowed.
    w.minContextWindowExclusive = Math.max(w.minContextWindowExclusive ?? 0, deployment.maxInputTokens);
  }
  w.fallbackKind = behaviour.fallback;

  if (!behaviour.retryPeer && behaviour.fallback === 'none') {
    w.status = 'gave-up';
    w.giveUpReason = 'non-retryable';
    return { walk: w, state: recorded.state, cooldown: recorded.cooldown, done: false };
  }
  const allowedRetries = policyValue(config.settings.retryPolicy, cls) ?? deployment?.numRetries ?? config.settings.numRetries;
  // A context-window retry in the group only makes sense towards a known larger window.
  const peerCanHelp = cls !== 'ContextWindowExceededError' || w.minContextWindowExclusive !== null;
  if (behaviour.retryPeer && peerCanHelp && w.retriesInGroup < allowedRetries) {
    w.retriesInGroup++;
    w.next = 'retry';
  } else {
    w.next = 'fallback';
  }
  return { walk: w, state: recorded.state, cooldown: recorded.cooldown, done: false };
}

function finiteOrNull(n: number | undefined): number | null {
  return n !== undefined && Number.isFinite(n) && n >= 0 ? n : null;
}

function giveUp(w: WalkState, state: RouterState, reason: GiveUpReason, now: number): NextStepResult {
  w.status = 'gave-up';
  w.giveUpReason = reason;
  let error: GiveUpStep['error'];
  if (w.attempts.length === 0 && w.unavailable.length > 0) {
    const deployments: UnavailableDeployment[] = [];
    let earliest: number | null = null;
    let unknownGroup = true;
    for (const u of w.unavailable) {
      for (const d of u.deployments) deployments.push(d);
      if (!u.unknownGroup) unknownGroup = false;
      if (u.earliestAvailableAt !== null && u.earliestAvailableAt > now && (earliest === null || u.earliestAvailableAt < earliest)) {
        earliest = u.earliestAvailableAt;
      }
    }
    error = {
      name: 'NoDeploymentsAvailableError',
      group: w.firstGroup,
      unknownGroup,
      deployments,
      earliestAvailableAt: earliest,
      ...(w.complexity === null ? {} : { complexity: w.complexity }),
    };
  } else {
    error = {
      name: 'FallbacksExhaustedError',
      reason,
      requestedGroup: w.requestedGroup,
      groupPath: w.groupPath.slice(),
      attempts: w.attempts.slice(),
      lastError: w.lastError,
      unavailable: w.unavailable.slice(),
      complexity: w.complexity,
    };
  }
  return { step: { kind: 'give-up', reason, error }, walk: w, state };
}
