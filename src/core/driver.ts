// The one driver of the routing core. It walks a request through the pure
// step machine (walker.ts) and talks to its host through a small interface:
// the clock, randomness, waiting, one provider call, events. The in-process
// Router, the routing workflow and the gateway are hosts of a few dozen
// lines; anything that has to be true on every path (how a failure is
// recorded, when to wait, which error the caller gets, what the result
// metadata says) is decided here, once.
//
// Pure like the rest of the core: it does no I/O and reads no clock or random
// source of its own, so it runs unchanged inside the workflow sandbox.
import { onAttemptLost, onAttemptResult, nextAttempt, startWalk } from './walker';
import { recordAttemptEnd } from './record';
import { configForModel } from './model-names';
import type {
  AppliedCooldown,
  AttemptRecord,
  AttemptResult,
  AttemptStep,
  FallbacksExhaustedData,
  NoDeploymentsAvailableData,
  RouterConfig,
  RouterState,
  RoutingMetadata,
  RoutingRequest,
  SuccessOutcome,
  WaitStep,
  WalkState,
} from './types';

// --- What a host supplies ------------------------------------------------------

export interface CallSuccess<T> extends SuccessOutcome {
  ok: true;
  value: T;
  costUsd?: number;
  /** Provider calls this success stands for (only histories recorded before single-call hops have more than 1). */
  calls?: number;
}

export interface CallFailure {
  ok: false;
  /** Our error class name, e.g. 'RateLimitError'. */
  errorClass: string;
  message: string;
  status?: number;
  retryAfterMs?: number;
  /** The server's `x-should-retry`, when it overrides the class. */
  retryable?: boolean;
  latencyMs: number;
  /** Provider calls this failure stands for (only histories recorded before single-call hops have more than 1). */
  calls?: number;
  deployment?: string;
  provider?: string;
  requestId?: string;
  /** Text a stream had delivered when it failed. */
  partialText?: string;
  /** MidStreamError: the class the failure would have had before the first chunk. */
  causeClass?: string;
  /** The request cannot go on after this failure (a stream cut inside a tool call): it is recorded, then the request ends with it. */
  final?: boolean;
  /** The host's own error object (the in-process Router keeps the provider's error to throw it). */
  error?: unknown;
}

/** The call never reached a verdict because of our own infrastructure (a lost worker): nobody's fault, not counted. */
export interface CallLost {
  ok: 'lost';
  reason: string;
}

export type CallResult<T> = CallSuccess<T> | CallFailure | CallLost;

export interface WalkHost<T> {
  now(): number;
  random(): number;
  sleep(ms: number): Promise<void>;
  /** The routing state shared by this host's requests; read and written synchronously, so interleaved requests lose nothing. */
  getState(): RouterState;
  setState(state: RouterState): void;
  /** Before each pick: a chance to lay shared health over the state. */
  refresh?(): Promise<void>;
  /** Resolves after the next call of this host ends (a request waiting on a busy probe picks again then). */
  changed(): Promise<void>;
  /** Called by the driver when a call of this host has ended and its outcome is in the state. */
  settled(): void;
  /**
   * One provider call. Throwing means the request itself must stop (the
   * caller cancelled, or its input is at fault): nothing is held against the
   * deployment and the error reaches the caller unchanged.
   */
  call(step: AttemptStep, walk: WalkState): Promise<CallResult<T>>;
  emit?(event: WalkEvent): void;
}

// --- Events (the same names on every path) --------------------------------------

export type WalkEvent =
  /** `moved`: the call before this one failed, and this one goes to another deployment or group (a fallback in the UI's sense). */
  | { type: 'attempt'; requestedGroup: string; step: AttemptStep; moved: boolean }
  | { type: 'fallback'; requestedGroup: string; from: string; to: string; errorClass: string | null }
  | { type: 'success'; requestedGroup: string; step: AttemptStep; latencyMs: number; calls: number; costUsd?: number }
  | { type: 'failure'; requestedGroup: string; step: AttemptStep; failure: CallFailure; calls: number; cooldown: AppliedCooldown | null }
  | { type: 'lost'; requestedGroup: string; step: AttemptStep; reason: string }
  | { type: 'cooldown'; requestedGroup: string; cooldown: AppliedCooldown }
  | { type: 'wait'; requestedGroup: string; wait: WaitStep };

// --- What the driver returns ------------------------------------------------------

/**
 * How a request that got no answer ends, for the host to raise in its own
 * form: `provider` when one attempt was all there was, or the last failure
 * was the request's own fault (the caller gets that provider error itself);
 * `exhausted` with every attempt; `no-deployments` when no call was possible.
 */
export type GiveUp =
  | { kind: 'provider'; failure: CallFailure; data: FallbacksExhaustedData }
  | { kind: 'exhausted'; data: FallbacksExhaustedData; failures: CallFailure[] }
  | { kind: 'no-deployments'; data: NoDeploymentsAvailableData };

export type WalkOutcome<T> = { ok: true; value: T; routing: RoutingMetadata } | { ok: false; giveUp: GiveUp };

// --- The driver ---------------------------------------------------------------------

export async function runWalk<T>(host: WalkHost<T>, routerConfig: RouterConfig, request: RoutingRequest): Promise<WalkOutcome<T>> {
  // A name only a wildcard deployment serves gets its own group, calling the requested model.
  const config = configForModel(routerConfig, request.group);
  const startedAt = host.now();
  const group = request.group;
  let walk = startWalk(config, request, startedAt);
  const failures: CallFailure[] = [];
  const cooldowns: AppliedCooldown[] = [];
  // Events are built only for a host that listens: a call nobody watches allocates none.
  const emit = host.emit;

  for (;;) {
    if (host.refresh !== undefined) await host.refresh();
    const next = nextAttempt(config, host.getState(), walk, host.now(), host.random);
    host.setState(next.state);
    const step = next.step;
    if (step.kind === 'give-up') return { ok: false, giveUp: giveUpOf(step.error, failures) };
    if (step.kind === 'wait') {
      walk = next.walk;
      emit?.({ type: 'wait', requestedGroup: group, wait: step });
      if (step.reason === 'probe') await host.changed();
      else await host.sleep(step.delayMs);
      continue;
    }
    walk = next.walk;
    if (emit !== undefined) {
      const path = walk.groupPath;
      if (step.reason === 'fallback') emit({ type: 'fallback', requestedGroup: group, from: path[path.length - 2] ?? group, to: step.group, errorClass: walk.lastError?.errorClass ?? null });
      const before = walk.attempts.length >= 2 ? walk.attempts[walk.attempts.length - 2] : undefined;
      const moved = before !== undefined && before.outcome === 'failure' && (before.deploymentId !== step.deploymentId || before.group !== step.group);
      emit({ type: 'attempt', requestedGroup: group, step, moved });
    }

    let result: CallResult<T>;
    try {
      if (step.delayMs > 0) await host.sleep(step.delayMs);
      result = await host.call(step, walk);
    } catch (error) {
      // Cancelled, or the request itself is at fault: the call counts for and against nobody.
      host.setState(recordAttemptEnd(config, host.getState(), step.deploymentId, host.now()));
      host.settled();
      throw error;
    }

    const now = host.now();
    if (result.ok === 'lost') {
      const lost = onAttemptLost(config, host.getState(), walk, now);
      host.setState(lost.state);
      walk = lost.walk;
      host.settled();
      emit?.({ type: 'lost', requestedGroup: group, step, reason: result.reason });
      continue;
    }
    const calls = result.calls !== undefined && result.calls > 1 ? result.calls : 1;
    if (result.ok) {
      // Field by field: a rest spread is a slow object clone in V8, and this runs on every call.
      const outcome: AttemptResult = { ok: true, latencyMs: result.latencyMs };
      if (result.ttftMs !== undefined) outcome.ttftMs = result.ttftMs;
      if (result.outputTokens !== undefined) outcome.outputTokens = result.outputTokens;
      if (result.totalTokens !== undefined) outcome.totalTokens = result.totalTokens;
      if (result.stream !== undefined) outcome.stream = result.stream;
      if (result.costUsd !== undefined && routerConfig.budgets !== undefined) outcome.costUsd = result.costUsd;
      const recorded = onAttemptResult(config, host.getState(), walk, outcome, now, calls);
      host.setState(recorded.state);
      walk = recorded.walk;
      host.settled();
      if (emit !== undefined) {
        const event: WalkEvent = { type: 'success', requestedGroup: group, step, latencyMs: result.latencyMs, calls };
        if (result.costUsd !== undefined) event.costUsd = result.costUsd;
        emit(event);
      }
      return { ok: true, value: result.value, routing: metadataOf(walk, step, result, cooldowns, now - startedAt) };
    }

    failures.push(result);
    const recorded = onAttemptResult(config, host.getState(), walk, {
      ok: false,
      errorClass: result.errorClass,
      message: result.message,
      latencyMs: result.latencyMs,
      ...(result.status === undefined ? {} : { status: result.status }),
      ...(result.retryAfterMs === undefined ? {} : { retryAfterMs: result.retryAfterMs }),
      ...(result.retryable === undefined ? {} : { retryable: result.retryable }),
      ...(result.causeClass === undefined ? {} : { causeClass: result.causeClass }),
    }, now, calls);
    host.setState(recorded.state);
    walk = recorded.walk;
    host.settled();
    emit?.({ type: 'failure', requestedGroup: group, step, failure: result, calls, cooldown: recorded.cooldown });
    if (recorded.cooldown !== null) {
      cooldowns.push(recorded.cooldown);
      emit?.({ type: 'cooldown', requestedGroup: group, cooldown: recorded.cooldown });
    }
    if (result.final === true) return { ok: false, giveUp: { kind: 'provider', failure: result, data: exhaustedData(walk, 'non-retryable') } };
  }
}

function exhaustedData(walk: WalkState, reason: FallbacksExhaustedData['reason']): FallbacksExhaustedData {
  return {
    name: 'FallbacksExhaustedError', reason, requestedGroup: walk.requestedGroup, groupPath: walk.groupPath.slice(), attempts: walk.attempts.slice(),
    lastError: walk.lastError, unavailable: walk.unavailable.slice(), complexity: walk.complexity,
  };
}

function giveUpOf(error: FallbacksExhaustedData | NoDeploymentsAvailableData, failures: CallFailure[]): GiveUp {
  if (error.name === 'NoDeploymentsAvailableError') return { kind: 'no-deployments', data: error };
  const last = failures[failures.length - 1];
  // One failure, or a failure that was the request's own (a 400): the caller gets that error, not a wrapper.
  if (last !== undefined && (failures.length === 1 || error.reason === 'non-retryable')) return { kind: 'provider', failure: last, data: error };
  return { kind: 'exhausted', data: error, failures };
}

/** Calls that went to another deployment or group after a failure. */
export function countFallbacks(attempts: readonly AttemptRecord[]): number {
  let n = 0;
  for (let i = 1; i < attempts.length; i++) {
    const prev = attempts[i - 1] as AttemptRecord;
    const cur = attempts[i] as AttemptRecord;
    if (prev.outcome === 'failure' && (prev.deploymentId !== cur.deploymentId || prev.group !== cur.group)) n++;
  }
  return n;
}

function metadataOf<T>(walk: WalkState, step: AttemptStep, result: CallSuccess<T>, cooldowns: AppliedCooldown[], latencyMs: number): RoutingMetadata {
  const routing: RoutingMetadata = {
    requestedGroup: walk.requestedGroup,
    group: step.group,
    deployment: step.deploymentId,
    provider: step.deployment.provider,
    model: step.deployment.model,
    attempts: walk.attempts.length + walk.repeatCalls,
    attemptLog: walk.attempts,
    fallbackPath: walk.groupPath,
    fallbacks: countFallbacks(walk.attempts),
    cooldowns,
    latencyMs,
    attemptLatencyMs: result.latencyMs,
    decision: step.explanation,
  };
  if (result.ttftMs !== undefined) routing.timeToFirstTokenMs = result.ttftMs;
  if (result.costUsd !== undefined) routing.costUsd = result.costUsd;
  if (walk.complexity !== null) routing.complexity = walk.complexity;
  return routing;
}
