// `sameDeploymentCallBudget`: how many calls a lower retry layer (the durable
// path's activity RetryPolicy) may make on one step's deployment. The rule is
// that a request makes the same calls whether the walker is driven one call at
// a time (the in-process Router) or hands runs of same-deployment retries to
// that layer (the workflow).
import fc from 'fast-check';
import {
  behaviourOf,
  classifyErrorName,
  emptyRouterState,
  nextAttempt,
  onAttemptResult,
  recordAttemptStart,
  recordFailure,
  sameDeploymentCallBudget,
  startWalk,
  type AttemptResult,
  type AttemptStep,
  type DeploymentInfo,
  type GiveUpReason,
  type RouterConfig,
  type RouterState,
  type RoutingRequest,
  type WalkState,
} from '../../../src/core';
import { NOW, config, dep, drive, seeded } from './helpers';

const fail = (errorClass: string, status?: number): AttemptResult => ({ ok: false, errorClass, status });
const OK: AttemptResult = { ok: true, latencyMs: 20 };
const ids = (r: ReturnType<typeof drive>) => r.calls.map((c) => c.deploymentId);

/** The first step of a request, with the walk it came with. */
function firstStep(cfg: RouterConfig, state: RouterState, request: RoutingRequest): { step: AttemptStep; walk: WalkState; state: RouterState } {
  const next = nextAttempt(cfg, state, startWalk(cfg, request, NOW), NOW, seeded(1));
  if (next.step.kind !== 'attempt') throw new Error(`expected an attempt, got ${next.step.kind}`);
  return { step: next.step, walk: next.walk, state: next.state };
}

/** Fails the step in flight and returns the next step. */
function failAndContinue(cfg: RouterConfig, at: { step: AttemptStep; walk: WalkState; state: RouterState }, result: AttemptResult, calls = 1) {
  const r = onAttemptResult(cfg, at.state, at.walk, result, NOW + 10, calls);
  const next = nextAttempt(cfg, r.state, r.walk, NOW + 10, seeded(1));
  return { next, walk: r.walk };
}

describe('same-deployment call budget', () => {
  test('order tiers: a dead order-1 deployment alone in its tier gets one call, and the retry goes to order 2 (the reported bug)', () => {
    const cfg = config([dep('p', 'g', { order: 1 }), dep('s', 'g', { order: 2 }), dep('fb', 'backup')], { numRetries: 2, fallbacks: { g: ['backup'] } });
    const first = firstStep(cfg, emptyRouterState(), { group: 'g' });
    expect(first.step).toMatchObject({ deploymentId: 'p', explanation: { candidates: ['p'] } });
    expect(sameDeploymentCallBudget(cfg, first.walk, first.step)).toBe(1);
    const { next } = failAndContinue(cfg, first, fail('ServiceUnavailableError', 503));
    expect(next.step).toMatchObject({ kind: 'attempt', deploymentId: 's', group: 'g', reason: 'retry' });
  });

  test('retry_policy allowing a class fewer retries than num_retries caps the hop, and the walker grants the rest hop by hop', () => {
    const cfg = config([dep('a', 'g'), dep('b', 'h')], { numRetries: 2, retryPolicy: { RateLimitError: 0 } });
    const first = firstStep(cfg, emptyRouterState(), { group: 'g' });
    expect(sameDeploymentCallBudget(cfg, first.walk, first.step)).toBe(1);
    // A 429 gets no retry at all...
    expect(failAndContinue(cfg, first, fail('RateLimitError', 429)).next.step.kind).not.toBe('attempt');
    // ...while a 503 still gets num_retries, one hop at a time.
    const { next } = failAndContinue(cfg, first, fail('ServiceUnavailableError', 503));
    expect(next.step).toMatchObject({ kind: 'attempt', deploymentId: 'a', reason: 'retry' });
    // With no retry_policy the same hop plans all three calls.
    const plain = config([dep('a', 'g'), dep('b', 'h')], { numRetries: 2 });
    const p = firstStep(plain, emptyRouterState(), { group: 'g' });
    expect(sameDeploymentCallBudget(plain, p.walk, p.step)).toBe(3);
  });

  test('a deployment alone in its group gets its own num_retries, else the router\'s', () => {
    const cfg = config([dep('a', 'g', { numRetries: 4 }), dep('b', 'h')], { numRetries: 1 });
    const a = firstStep(cfg, emptyRouterState(), { group: 'g' });
    expect(sameDeploymentCallBudget(cfg, a.walk, a.step)).toBe(5);
    const b = firstStep(cfg, emptyRouterState(), { group: 'h' });
    expect(sameDeploymentCallBudget(cfg, b.walk, b.step)).toBe(2);
  });

  test('peers that may serve a later call count: untried or already tried, cooling down, over their rpm', () => {
    const cfg = config([dep('a', 'g', { inputCostPerToken: 1e-7 }), dep('b', 'g', { inputCostPerToken: 1e-6, rpm: 1 })], {
      routingStrategy: 'cost-based-routing', enablePreCallChecks: true,
    });
    const a = firstStep(cfg, emptyRouterState(), { group: 'g' });
    expect(a.step.explanation.candidates).toEqual(['a', 'b']);
    expect(sameDeploymentCallBudget(cfg, a.walk, a.step)).toBe(1);
    // a failed once: b is tried next, and a (already tried) is still a peer for b.
    const { next } = failAndContinue(cfg, a, fail('InternalServerError', 500));
    if (next.step.kind !== 'attempt') throw new Error('expected an attempt');
    expect(next.step.explanation).toMatchObject({ candidates: ['b'], skipped: [{ id: 'a', reason: 'already-tried' }] });
    expect(sameDeploymentCallBudget(cfg, next.walk, next.step)).toBe(1);

    // b cooling down, or over its rpm: a still gets one call, and the walker looks again.
    const cooled = recordFailure(cfg, emptyRouterState(), 'b', { errorClass: 'AuthenticationError', status: 401 }, NOW).state;
    const c = firstStep(cfg, cooled, { group: 'g' });
    expect(c.step.explanation.skipped).toEqual([expect.objectContaining({ id: 'b', reason: 'cooldown' })]);
    expect(sameDeploymentCallBudget(cfg, c.walk, c.step)).toBe(1);
    const bCheaper = config([dep('a', 'g', { inputCostPerToken: 1e-6 }), dep('b', 'g', { inputCostPerToken: 1e-7, rpm: 1 })], {
      routingStrategy: 'cost-based-routing', enablePreCallChecks: true,
    });
    const bFirst = firstStep(bCheaper, emptyRouterState(), { group: 'g' });
    expect(bFirst.step.deploymentId).toBe('b');
    const afterB = onAttemptResult(bCheaper, bFirst.state, bFirst.walk, OK, NOW).state;
    const limited = firstStep(bCheaper, afterB, { group: 'g' });
    expect(limited.step).toMatchObject({ deploymentId: 'a', explanation: { skipped: [{ id: 'b', reason: 'rpm-limit' }] } });
    expect(sameDeploymentCallBudget(bCheaper, limited.walk, limited.step)).toBe(1);
  });

  test('a peer out for the whole request does not count, and the group\'s retries already spent are taken off', () => {
    const cfg = config([dep('a', 'g', { inputCostPerToken: 1e-7 }), dep('b', 'g', { inputCostPerToken: 1e-6 })], {
      routingStrategy: 'cost-based-routing', numRetries: 3,
    });
    const a = firstStep(cfg, emptyRouterState(), { group: 'g' });
    // A 401 excludes a for the rest of the request; b's call is the group's first retry.
    const { next } = failAndContinue(cfg, a, fail('AuthenticationError', 401));
    if (next.step.kind !== 'attempt') throw new Error('expected an attempt');
    expect(next.step).toMatchObject({ deploymentId: 'b', reason: 'retry', explanation: { skipped: [{ id: 'a', reason: 'excluded' }] } });
    expect(sameDeploymentCallBudget(cfg, next.walk, next.step)).toBe(3);
  });

  test('the budget stays within max_attempts, and repeated calls count toward it', () => {
    const cfg = config([dep('a', 'g', { numRetries: 5 }), dep('b', 'h', { numRetries: 5 })], { maxAttempts: 4, fallbacks: { g: ['h'] } });
    const a = firstStep(cfg, emptyRouterState(), { group: 'g' });
    expect(sameDeploymentCallBudget(cfg, a.walk, a.step)).toBe(4);
    // Three calls inside the step: one call is left for the whole request.
    const { next } = failAndContinue(cfg, a, fail('InternalServerError', 500), 3);
    if (next.step.kind !== 'attempt') throw new Error('expected an attempt');
    expect(next.step).toMatchObject({ deploymentId: 'a', reason: 'retry' });
    expect(sameDeploymentCallBudget(cfg, next.walk, next.step)).toBe(1);
    const last = failAndContinue(cfg, { step: next.step, walk: next.walk, state: next.state }, fail('InternalServerError', 500));
    expect(last.next.step).toMatchObject({ kind: 'give-up', reason: 'attempt-budget' });
  });

  test('calls inside a step spend the group\'s retries: after num_retries + 1 the walker falls back', () => {
    const cfg = config([dep('a', 'g', { numRetries: 2 }), dep('b', 'h')], { fallbacks: { g: ['h'] } });
    const a = firstStep(cfg, emptyRouterState(), { group: 'g' });
    const { next } = failAndContinue(cfg, a, fail('ServiceUnavailableError', 503), sameDeploymentCallBudget(cfg, a.walk, a.step));
    expect(next.step).toMatchObject({ kind: 'attempt', deploymentId: 'b', reason: 'fallback' });
  });
});

// --- The same calls either way -------------------------------------------------

interface Outcome {
  done: boolean;
  calls: string[];
  end: string | GiveUpReason;
}

/** The workflow's way: each step's deployment is called up to its budget, stopping as the RetryPolicy would. */
function driveWithRetryLayer(cfg: RouterConfig, request: RoutingRequest, outcome: (id: string) => AttemptResult, initial: RouterState = emptyRouterState()): Outcome {
  let now = NOW;
  const random = seeded(1);
  let state = initial;
  let walk = startWalk(cfg, request, now);
  const calls: string[] = [];
  for (let steps = 0; steps < 200; steps++) {
    const next = nextAttempt(cfg, state, walk, now, random);
    state = next.state;
    walk = next.walk;
    const step = next.step;
    if (step.kind === 'give-up') return { done: true, calls, end: step.reason };
    now += step.delayMs;
    if (step.kind === 'wait') continue;
    const budget = sameDeploymentCallBudget(cfg, walk, step, { state, now });
    let made = 0;
    let result: AttemptResult;
    for (;;) {
      made++;
      calls.push(step.deploymentId);
      result = outcome(step.deploymentId);
      if (result.ok || made >= budget) break;
      if (!behaviourOf(classifyErrorName(result.errorClass, result.status ?? null), result.status ?? null).retrySame) break;
    }
    now += 10;
    // As the workflow does: the calls before the last were real failures, each recorded against the deployment.
    for (let i = 1; i < made; i++) {
      const { ok: _ok, ...failure } = result as Extract<AttemptResult, { ok: false }>;
      state = recordFailure(cfg, recordAttemptStart(cfg, state, step.deploymentId, now), step.deploymentId, failure, now).state;
    }
    const r = onAttemptResult(cfg, state, walk, result, now, made);
    state = r.state;
    walk = r.walk;
    if (r.done) return { done: true, calls, end: step.deploymentId };
  }
  return { done: false, calls, end: 'fallbacks-exhausted' };
}

const FAILURES: AttemptResult[] = [
  fail('ServiceUnavailableError', 503),
  fail('InternalServerError', 500),
  fail('RateLimitError', 429),
  fail('Timeout', 408),
  fail('AuthenticationError', 401),
  fail('NotFoundError', 404),
  fail('BadRequestError', 400),
  fail('ContentPolicyViolationError', 400),
];

const GROUPS = ['g0', 'g1', 'g2'];

describe('the durable way and the step-by-step way make the same calls', () => {
  test('order tiers, single deployments, peers, fallbacks and max_attempts, for deployments that always answer the same', () => {
    const deployment = fc.record({
      group: fc.constantFrom(...GROUPS),
      order: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      numRetries: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      outcome: fc.option(fc.constantFrom(...FAILURES), { nil: undefined, freq: 3 }),
    });
    fc.assert(
      fc.property(
        fc.array(deployment, { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 12 }),
        fc.subarray(['g1', 'g2']),
        fc.boolean(),
        (specs, numRetries, maxAttempts, fallbacksOfG0, g1FallsToG2) => {
          const deployments: DeploymentInfo[] = specs.map((s, i) => {
            const d = dep(`d${i}`, s.group, { inputCostPerToken: (i + 1) * 1e-7 });
            if (s.order !== undefined) d.order = s.order;
            if (s.numRetries !== undefined) d.numRetries = s.numRetries;
            return d;
          });
          const outcomes = new Map(specs.map((s, i) => [`d${i}`, s.outcome ?? OK]));
          // Cooldowns off and a deterministic strategy: only the walk itself decides who is called next.
          const cfg = config(deployments, {
            routingStrategy: 'cost-based-routing', disableCooldowns: true, numRetries, maxAttempts,
            fallbacks: { g0: fallbacksOfG0, ...(g1FallsToG2 ? { g1: ['g2'] } : {}) },
          });
          const request = { group: 'g0' };
          const outcome = (id: string) => outcomes.get(id) ?? OK;
          const stepwise = drive(cfg, emptyRouterState(), request, (call) => outcome(call.deploymentId));
          const durable = driveWithRetryLayer(cfg, request, outcome);
          expect(durable.done).toBe(true);
          expect(durable.calls).toEqual(ids(stepwise));
          expect(durable.end).toBe(stepwise.end.kind === 'success' ? stepwise.end.deploymentId : stepwise.end.reason);
        },
      ),
      { seed: 20_251_127, numRuns: 400 },
    );
  });

  test('with cooldowns on: a hop never calls a deployment past the failure that cools it', () => {
    const TRANSIENT: AttemptResult[] = [fail('ServiceUnavailableError', 503), fail('InternalServerError', 500), fail('Timeout', 408)];
    fc.assert(
      fc.property(
        fc.array(fc.record({ group: fc.constantFrom('g0', 'g1'), outcome: fc.option(fc.constantFrom(...TRANSIENT), { nil: undefined, freq: 2 }) }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        (specs, numRetries, allowedFails, priorFailures) => {
          const deployments = specs.map((s, i) => dep(`d${i}`, s.group, { inputCostPerToken: (i + 1) * 1e-7 }));
          const outcomes = new Map(specs.map((s, i) => [`d${i}`, s.outcome ?? OK]));
          const cfg = config(deployments, { routingStrategy: 'cost-based-routing', numRetries, allowedFails, fallbacks: { g0: ['g1'] } });
          // Failures left by earlier requests count toward allowed_fails too.
          let state = emptyRouterState();
          for (let i = 0; i < priorFailures && deployments.length > 0; i++) {
            state = recordFailure(cfg, recordAttemptStart(cfg, state, 'd0', NOW - 1000), 'd0', { errorClass: 'ServiceUnavailableError', status: 503 }, NOW - 1000).state;
            if (state.deployments.d0?.cooldownUntil) break;
          }
          const request = { group: 'g0' };
          const outcome = (id: string) => outcomes.get(id) ?? OK;
          const stepwise = drive(cfg, state, request, (call) => outcome(call.deploymentId));
          const durable = driveWithRetryLayer(cfg, request, outcome, state);
          expect(durable.calls).toEqual(ids(stepwise));
        },
      ),
      { seed: 20_261_129, numRuns: 400 },
    );
  });
});
