// The retry-and-fallback walker: a pure step machine. One driver walks it
// (`driver.ts`, for the in-process Router, the workflow and the gateway):
//
//   let walk = startWalk(config, request, now);
//   for (;;) {
//     const next = nextAttempt(config, state, walk, now, random); state = next.state; walk = next.walk;
//     if (next.step.kind === 'give-up') …;              // next.step.error
//     if (next.step.kind === 'wait') { wait; continue; }
//     sleep(next.step.delayMs); const result = call(next.step.deployment);
//     const r = onAttemptResult(config, state, walk, result, now); state = r.state; walk = r.walk;
//     if (r.done) return …;
//   }
//
// Retries stay in the group and move to peers first; then fallback groups per
// error kind, depth first, each group at most once, bounded by maxFallbacks,
// the attempt budget and the deadline. Inputs are never mutated.
import { sameDeploymentDelayMs } from './backoff';
import { DEFAULT_CALL_TIMEOUT_MS, MAX_RETRY_AFTER_DELAY_MS } from './defaults';
import { behaviourOf, classifyErrorName, policyValue } from './error-kinds';
import { fallbackGroups } from './fallback-chain';
import { pickInGroup, resolveGroup } from './pick';
import { recordAttemptEnd, recordAttemptStart, recordFailure, recordSuccess } from './record';
import type {
  AttemptRecord,
  AttemptResult,
  FailureOutcome,
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
    excluded: request.exclude === undefined ? [] : [...request.exclude],
    tried: [],
    minContextWindowExclusive: null,
    waitedMs: 0,
    attempts: [],
    repeatCalls: 0,
    lastErrorAt: null,
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
    lastErrorAt: walk.lastErrorAt,
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

  let probing = false;
  for (;;) {
    const res = pickInGroup(config, state, w.currentGroup, w.request, now, random, {
      exclude: w.excluded,
      avoid: w.tried,
      ...(w.minContextWindowExclusive === null ? {} : { minContextWindowExclusive: w.minContextWindowExclusive }),
    });
    if (res.kind === 'picked') {
      const id = res.deployment.id;
      const prior = countCalls(w.attempts, id);
      const delayMs = prior > 0 ? retryDelay(settings, w, prior, now, random) : 0;
      if (w.deadlineAt !== null && now + delayMs >= w.deadlineAt) return giveUp(w, state, 'deadline', now);
      const remainingMs = w.deadlineAt === null ? null : w.deadlineAt - now - delayMs;
      const isFallback = w.currentGroup !== w.firstGroup;
      const reason = w.next;
      const attempt: AttemptRecord = {
        attemptNo: w.attempts.length + 1,
        deploymentId: id,
        model: res.deployment.model,
        group: w.currentGroup,
        reason,
        isFallback,
        startedAt: now + delayMs,
        durationMs: null,
        outcome: 'in-flight',
        errorClass: null,
        status: null,
        message: null,
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

    if (res.deployments.some((d) => d.reason === 'probing')) probing = true;
    // A retry on a deployment that asked for a pause, cooling for just that pause: wait it out, as a
    // retry on it would have anyway, before moving on to fallbacks.
    const pause = retryAfterPause(settings, w, res, now);
    if (pause !== null) return { step: { kind: 'wait', reason: 'retry-after', delayMs: pause, until: now + pause }, walk: w, state };
    w.unavailable.push(res);
    // An unavailable group is treated as failing with the last error's kind (generic before any error).
    if (w.fallbackKind === 'none') w.fallbackKind = 'generic';
    if (enterNextFallback(config, w)) continue;

    // Only deployments with a probe in flight are left somewhere: wait for a call to end rather than
    // give up or pile on. The walk is handed back as it was, so the same groups are tried again.
    if (probing) return { step: { kind: 'wait', reason: 'probe', delayMs: 0, until: now }, walk, state };
    const wait = waitFor(w, res, settings.maxCooldownWaitMs, now);
    if (wait !== null) {
      w.waitedMs += wait;
      // The group may be entered again after the wait: it was never attempted while unavailable.
      return { step: { kind: 'wait', reason: 'cooldown', delayMs: wait, until: now + wait }, walk: w, state };
    }
    return giveUp(w, state, w.attempts.length === 0 ? 'no-deployments' : 'fallbacks-exhausted', now);
  }
}

/**
 * Backoff before calling a deployment again, counted from its failure (time
 * spent since, waiting for its cooldown say, is not waited twice).
 */
function retryDelay(settings: RouterSettings, w: WalkState, prior: number, now: number, random: () => number): number {
  const delay = sameDeploymentDelayMs(settings, w.lastError, prior, random);
  if (settings.compat === 'v1' || w.lastErrorAt === null) return delay;
  return Math.max(0, w.lastErrorAt + delay - now);
}

/**
 * When a retry in the group finds every deployment cooling and the last
 * failure asked for a pause (a sane Retry-After) that the cooldown does not
 * outlast, the pause left; otherwise null.
 */
function retryAfterPause(settings: RouterSettings, w: WalkState, res: NoDeploymentsAvailable, now: number): number | null {
  if (settings.compat === 'v1' || w.next !== 'retry' || res.earliestAvailableAt === null || w.lastErrorAt === null) return null;
  const asked = w.lastError?.retryAfterMs ?? null;
  if (asked === null || asked <= 0 || asked > MAX_RETRY_AFTER_DELAY_MS) return null;
  if (res.earliestAvailableAt > w.lastErrorAt + asked) return null;
  const pause = Math.max(1, res.earliestAvailableAt - now);
  if (w.deadlineAt !== null && now + pause >= w.deadlineAt) return null;
  return pause;
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

function attemptTimeout(settings: RouterSettings, d: DeploymentInfo, stream: boolean, remainingMs: number | null): number {
  const own = (stream
    ? d.streamTimeoutMs ?? settings.streamTimeoutMs ?? d.timeoutMs ?? settings.timeoutMs
    : d.timeoutMs ?? settings.timeoutMs) ?? DEFAULT_CALL_TIMEOUT_MS;
  return remainingMs === null ? own : Math.max(1, Math.min(own, remainingMs));
}

function countCalls(attempts: readonly AttemptRecord[], id: string): number {
  let n = 0;
  for (const a of attempts) if (a.deploymentId === id) n++;
  return n;
}

/**
 * Feeds the outcome of the call in flight back. `calls` is how many provider
 * calls the result stands for: always 1, except in histories recorded before
 * single-call hops, where a hop's RetryPolicy called its deployment several
 * times; the calls beyond the first count as retries in the group and toward
 * `maxAttempts`.
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

  const { ok: _ok, ...reported } = result;
  const failure = streamCutAs(reported);
  // Every call the result stands for failed: each counts toward cooldowns, as it would have one at a time.
  let before = state;
  for (let i = 0; i < repeats; i++) before = recordFailure(config, recordAttemptStart(config, before, id, now), id, failure, now).state;
  const recorded = recordFailure(config, before, id, failure, now);
  const status = failure.status ?? null;
  const cls = classifyErrorName(failure.errorClass, status);
  const behaviour = behaviourOf(cls, status);
  w.attempts[index] = {
    ...prev, durationMs, outcome: 'failure', errorClass: failure.errorClass, status, message: failure.message ?? null, cooldown: recorded.cooldown,
  };
  w.lastError = { errorClass: failure.errorClass, status, retryAfterMs: finiteOrNull(failure.retryAfterMs) };
  w.lastErrorAt = now;
  // The server may say better than the status whether the same deployment is worth another call (x-should-retry).
  const retrySame = failure.retryable ?? behaviour.retrySame;
  if (!retrySame && !w.excluded.includes(id)) w.excluded.push(id);
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

/**
 * The call in flight was lost to our own infrastructure (a worker died, the
 * request's deadline ran out while no worker ran it): it never counts for or
 * against the deployment, or toward the attempt budget. The walk goes on as
 * if it had not been made.
 */
export function onAttemptLost(config: RouterConfig, state: RouterState, walk: WalkState, now: number): { walk: WalkState; state: RouterState } {
  if (walk.inFlight === null) throw new Error('onAttemptLost called with no attempt in flight');
  const w = copyWalk(walk);
  const lost = w.attempts[walk.inFlight] as AttemptRecord;
  w.attempts.splice(walk.inFlight, 1);
  w.inFlight = null;
  if (lost.reason === 'fallback' && w.groupPath.length > 1) {
    // The group was entered for this call: leave it again, so the next step enters it anew.
    w.groupPath.pop();
    w.pendingGroups.unshift(lost.group);
    w.currentGroup = w.groupPath[w.groupPath.length - 1] as string;
    w.fallbacksUsed--;
  }
  return { walk: w, state: recordAttemptEnd(config, state, lost.deploymentId, now) };
}

/**
 * A stream cut after it produced text is recorded as a MidStreamError (a peer
 * continues; the deployment that cut it is not asked again), unless its cause
 * was the request's own fault (content policy, context window), whose own
 * rules and fallback lists then apply.
 */
function streamCutAs(failure: FailureOutcome): FailureOutcome {
  if (failure.errorClass !== 'MidStreamError' || failure.causeClass === undefined) return failure;
  const cause = classifyErrorName(failure.causeClass, failure.status ?? null);
  return behaviourOf(cause, failure.status).counts ? failure : { ...failure, errorClass: cause };
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
      ...(w.request.tags !== undefined && deployments.length > 0 && deployments.every((d) => d.reason === 'tags') ? { requestTags: w.request.tags } : {}),
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
