// Scenario tests of the retry-and-fallback walker, each asserting which
// deployments were called, in order.
import {
  COMPLEXITY_ROUTER_MODEL,
  DEFAULT_CALL_TIMEOUT_MS,
  FallbacksExhaustedError,
  NoDeploymentsAvailableError,
  emptyRouterState,
  nextAttempt,
  onAttemptResult,
  recordFailure,
  startWalk,
  type AttemptResult,
  type FallbacksExhaustedData,
  type NoDeploymentsAvailableData,
  type RouterState,
} from '../../../src/core';
import { NOW, config, dep, drive, seeded } from './helpers';

const fail = (errorClass: string, status?: number, retryAfterMs?: number): AttemptResult => ({ ok: false, errorClass, status, retryAfterMs });
const OK: AttemptResult = { ok: true, latencyMs: 20, outputTokens: 10 };
const ids = (r: ReturnType<typeof drive>) => r.calls.map((c) => c.deploymentId);

describe('walker', () => {
  test('a request that excludes deployments is never sent to them: the rest of the group, then its fallbacks', () => {
    // Cheapest first, so without the exclusion every request goes to a.
    const cfg = config([dep('a', 'g', { inputCostPerToken: 1e-7 }), dep('b', 'g', { inputCostPerToken: 1e-5 }), dep('x', 'fb')], { fallbacks: { g: ['fb'] }, routingStrategy: 'cost-based-routing' });
    expect(ids(drive(cfg, emptyRouterState(), { group: 'g' }, () => OK))).toEqual(['a']);
    expect(ids(drive(cfg, emptyRouterState(), { group: 'g', exclude: ['a'] }, () => OK))).toEqual(['b']);
    // Failing on b, the walk falls back rather than coming back to a.
    const failing = drive(cfg, emptyRouterState(), { group: 'g', exclude: ['a'] }, (c) => (c.deploymentId === 'x' ? OK : fail('InternalServerError', 500)));
    expect(ids(failing).every((id) => id !== 'a')).toBe(true);
    expect(ids(failing).at(-1)).toBe('x');
    const fallback = drive(cfg, emptyRouterState(), { group: 'g', exclude: ['a', 'b'] }, () => OK);
    expect(ids(fallback)).toEqual(['x']);
    expect(fallback.calls[0]).toMatchObject({ isFallback: true });
  });

  test('a retry moves to a healthy peer first, without delay', () => {
    const cfg = config([dep('a', 'g'), dep('b', 'g'), dep('c', 'g')], { routingStrategy: 'cost-based-routing' });
    const r = drive(cfg, emptyRouterState(), { group: 'g' }, (_, n) => (n === 1 ? fail('InternalServerError', 500) : OK), { random: seeded(3) });
    expect(r.calls).toHaveLength(2);
    expect(r.calls[1]?.deploymentId).not.toBe(r.calls[0]?.deploymentId);
    expect(r.calls[1]).toMatchObject({ reason: 'retry', delayMs: 0, isFallback: false });
    expect(r.end).toEqual({ kind: 'success', deploymentId: r.calls[1]?.deploymentId });
  });

  test('after num_retries the fallback groups are tried in order', () => {
    const cfg = config([dep('a', 'g'), dep('b', 'g'), dep('x', 'fb1'), dep('y', 'fb2')], {
      numRetries: 1,
      fallbacks: { g: ['fb1', 'fb2'] },
    });
    const r = drive(cfg, emptyRouterState(), { group: 'g' }, (c) => (c.deploymentId === 'y' ? OK : fail('ServiceUnavailableError', 503)));
    expect(ids(r).slice(0, 2).sort()).toEqual(['a', 'b']);
    // fb1 gets its own initial call plus one retry on the same (only) deployment.
    expect(ids(r).slice(2)).toEqual(['x', 'x', 'y']);
    expect(r.calls[2]).toMatchObject({ reason: 'fallback', isFallback: true, group: 'fb1' });
    expect(r.calls[3]?.delayMs).toBeGreaterThanOrEqual(500);
    expect(r.walk.groupPath).toEqual(['g', 'fb1', 'fb2']);
  });

  test('a context-window error uses context_window_fallbacks and skips windows no larger than the one that overflowed', () => {
    const cfg = config(
      [
        dep('small', 'g', { maxInputTokens: 8000 }),
        dep('smaller', 'mini', { maxInputTokens: 4000 }),
        dep('same', 'peer', { maxInputTokens: 8000 }),
        dep('big', 'large', { maxInputTokens: 128000 }),
        dep('generic', 'other'),
      ],
      { contextWindowFallbacks: { g: ['mini', 'peer', 'large'] }, fallbacks: { g: ['other'] } },
    );
    const r = drive(cfg, emptyRouterState(), { group: 'g' }, (c) => (c.deploymentId === 'big' ? OK : fail('ContextWindowExceededError', 400)));
    expect(ids(r)).toEqual(['small', 'big']);
    expect(r.walk.groupPath).toEqual(['g', 'mini', 'peer', 'large']);
    // The overflowing deployment is excluded from its own group, then both smaller windows are skipped.
    expect(r.walk.unavailable.map((u) => [u.group, u.deployments[0]?.reason])).toEqual([
      ['g', 'excluded'],
      ['mini', 'smaller-context-window'],
      ['peer', 'smaller-context-window'],
    ]);
  });

  test('a context-window error with no dedicated list falls back to the generic list', () => {
    const cfg = config([dep('a', 'g'), dep('b', 'other')], { fallbacks: { g: ['other'] } });
    const r = drive(cfg, emptyRouterState(), { group: 'g' }, (c) => (c.deploymentId === 'b' ? OK : fail('ContextWindowExceededError', 400)));
    expect(ids(r)).toEqual(['a', 'b']);
  });

  test('a content-policy error skips retries in the group and uses content_policy_fallbacks', () => {
    const cfg = config([dep('a', 'g'), dep('a2', 'g'), dep('p', 'lenient'), dep('o', 'other')], {
      contentPolicyFallbacks: { g: ['lenient'] },
      fallbacks: { g: ['other'] },
    });
    const r = drive(cfg, emptyRouterState(), { group: 'g' }, (c) => (c.group === 'g' ? fail('ContentPolicyViolationError', 400) : OK));
    expect(r.calls).toHaveLength(2);
    expect(r.calls[1]?.deploymentId).toBe('p');
  });

  test('a 400 is never retried nor fallen back from', () => {
    const cfg = config([dep('a', 'g'), dep('b', 'g'), dep('o', 'other')], { fallbacks: { g: ['other'] } });
    const r = drive(cfg, emptyRouterState(), { group: 'g' }, () => fail('BadRequestError', 400));
    expect(r.calls).toHaveLength(1);
    expect(r.end).toMatchObject({ kind: 'give-up', reason: 'non-retryable' });
  });

  test('a deployment that failed with 401 is never called again in the request', () => {
    // allowedFails high so b is not cooled by its own failures: this test is about a's exclusion.
    const cfg = config([dep('a', 'g'), dep('b', 'g')], { numRetries: 5, allowedFails: 100, failureRateMinRequests: 100, routingStrategy: 'cost-based-routing' });
    const r = drive(cfg, emptyRouterState(), { group: 'g' }, (c) => (c.deploymentId === 'a' ? fail('AuthenticationError', 401) : fail('InternalServerError', 500)), {
      random: () => 0,
    });
    expect(ids(r)[0]).toBe('a');
    expect(ids(r).slice(1).every((id) => id === 'b')).toBe(true);
    expect(r.calls.length).toBe(6);
  });

  test('cyclic fallback chains never enter a group twice', () => {
    const cfg = config([dep('a', 'g'), dep('b', 'h'), dep('c', 'i')], {
      numRetries: 0,
      fallbacks: { g: ['h'], h: ['g', 'i'], i: ['h', 'g'] },
    });
    const r = drive(cfg, emptyRouterState(), { group: 'g' }, () => fail('InternalServerError', 500));
    expect(ids(r)).toEqual(['a', 'b', 'c']);
    expect(r.walk.groupPath).toEqual(['g', 'h', 'i']);
    expect(r.end).toMatchObject({ kind: 'give-up', reason: 'fallbacks-exhausted' });
  });

  test('max_fallbacks bounds the total number of fallback groups, across nesting', () => {
    const cfg = config([dep('a', 'g'), dep('b', 'h'), dep('c', 'i'), dep('d', 'j')], {
      numRetries: 0,
      maxFallbacks: 2,
      fallbacks: { g: ['h', 'j'], h: ['i'] },
    });
    const r = drive(cfg, emptyRouterState(), { group: 'g' }, () => fail('InternalServerError', 500));
    // Depth first: h, then h's own fallback i; j would be a third fallback.
    expect(ids(r)).toEqual(['a', 'b', 'c']);
  });

  test('the attempt budget stops a long chain', () => {
    const cfg = config([dep('a', 'g'), dep('b', 'g'), dep('c', 'h'), dep('d', 'i')], {
      maxAttempts: 3,
      fallbacks: { g: ['h', 'i'] },
    });
    const r = drive(cfg, emptyRouterState(), { group: 'g' }, () => fail('Timeout', 408));
    expect(r.calls).toHaveLength(3);
    expect(r.end).toMatchObject({ kind: 'give-up', reason: 'attempt-budget' });
  });

  test('the overall deadline stops retries and tells each attempt the time left', () => {
    const cfg = config([dep('a', 'g', { timeoutMs: 2000 }), dep('b', 'g', { timeoutMs: 2000 }), dep('c', 'g', { timeoutMs: 2000 })], { requestTimeoutMs: 2500 });
    const r = drive(cfg, emptyRouterState(), { group: 'g' }, () => fail('Timeout', 408), { callMs: 1000 });
    expect(r.calls.map((c) => [c.remainingMs, c.timeoutMs])).toEqual([[2500, 2000], [1500, 1500], [500, 500]]);
    expect(r.end).toMatchObject({ kind: 'give-up', reason: 'deadline' });
  });

  test('streams use the stream timeout; without any timeout the call gets the default, the same on every path', () => {
    const cfg = config([dep('a', 'g', { timeoutMs: 30_000, streamTimeoutMs: 5000 })]);
    const stream = drive(cfg, emptyRouterState(), { group: 'g', stream: true }, () => OK);
    expect(stream.calls[0]?.timeoutMs).toBe(5000);
    const plain = drive(cfg, emptyRouterState(), { group: 'g' }, () => OK);
    expect(plain.calls[0]?.timeoutMs).toBe(30_000);
    const none = drive(config([dep('a', 'g')]), emptyRouterState(), { group: 'g' }, () => OK);
    expect(none.calls[0]?.timeoutMs).toBe(DEFAULT_CALL_TIMEOUT_MS);
  });

  test('retry_policy per class overrides num_retries', () => {
    const cfg = config([dep('a', 'g'), dep('b', 'g'), dep('o', 'other')], {
      numRetries: 3,
      retryPolicy: { RateLimitError: 0 },
      fallbacks: { g: ['other'] },
    });
    const r = drive(cfg, emptyRouterState(), { group: 'g' }, (c) => (c.group === 'g' ? fail('RateLimitError', 429) : OK));
    expect(r.calls.map((c) => c.group)).toEqual(['g', 'other']);
  });

  test('a retry on the same deployment honours a short Retry-After', () => {
    // Router cooldown_time 0: the only deployment stays in rotation, so the retry must wait on it.
    const cfg = config([dep('a', 'g')], { cooldownTimeSec: 0 });
    const r = drive(cfg, emptyRouterState(), { group: 'g' }, (_, n) => (n === 1 ? fail('RateLimitError', 429, 2000) : OK));
    expect(r.calls.map((c) => [c.deploymentId, c.delayMs])).toEqual([['a', 0], ['a', 2000]]);
  });

  test('default_fallbacks apply when the group has no list of its own, and "*" before them', () => {
    const deployments = [dep('a', 'g'), dep('s', 'star'), dep('d', 'dflt')];
    const viaDefault = drive(config(deployments, { numRetries: 0, defaultFallbacks: ['dflt'] }), emptyRouterState(), { group: 'g' }, (c) => (c.group === 'g' ? fail('APIConnectionError') : OK));
    expect(ids(viaDefault)).toEqual(['a', 'd']);
    const viaStar = drive(config(deployments, { numRetries: 0, fallbacks: { '*': ['star'] }, defaultFallbacks: ['dflt'] }), emptyRouterState(), { group: 'g' }, (c) => (c.group === 'g' ? fail('APIConnectionError') : OK));
    expect(ids(viaStar)).toEqual(['a', 's']);
  });

  test('a cooled group is skipped straight to its fallbacks, and failing fallbacks are cooled too', () => {
    const cfg = config([dep('a', 'g'), dep('b', 'g'), dep('x', 'fb')], { fallbacks: { g: ['fb'] }, numRetries: 0 });
    let state: RouterState = emptyRouterState();
    for (const id of ['a', 'b']) state = recordFailure(cfg, state, id, { errorClass: 'RateLimitError', status: 429 }, NOW).state;
    const r = drive(cfg, state, { group: 'g' }, () => fail('AuthenticationError', 401));
    expect(ids(r)).toEqual(['x']);
    expect(r.calls[0]).toMatchObject({ isFallback: true, reason: 'fallback' });
    expect(r.walk.attempts[0]?.cooldown).toMatchObject({ deploymentId: 'x', reason: { errorClass: 'AuthenticationError', rule: 'immediate' } });
    expect(r.state.deployments['x']?.cooldownUntil).toBeGreaterThan(r.now);
  });

  test('when everything is cooling down the caller learns why and until when', () => {
    const cfg = config([dep('a', 'g'), dep('b', 'g')]);
    let state: RouterState = emptyRouterState();
    state = recordFailure(cfg, state, 'a', { errorClass: 'RateLimitError', status: 429, retryAfterMs: 20_000 }, NOW).state;
    state = recordFailure(cfg, state, 'b', { errorClass: 'AuthenticationError', status: 401 }, NOW).state;
    const r = drive(cfg, state, { group: 'g' }, () => OK);
    expect(r.calls).toHaveLength(0);
    if (r.end.kind !== 'give-up') throw new Error('expected give-up');
    expect(r.end.reason).toBe('no-deployments');
    const data = r.end.error as NoDeploymentsAvailableData;
    expect(data.name).toBe('NoDeploymentsAvailableError');
    expect(data.earliestAvailableAt).toBe(NOW + 5000);
    const err = new NoDeploymentsAvailableError(data, NOW);
    expect(err.retryAfterMs).toBe(5000);
    expect(err.message).toContain('a: cooling down after RateLimitError 429 (immediate)');
    expect(err.message).toContain('b: cooling down after AuthenticationError 401 (immediate)');
  });

  test('with maxCooldownWaitMs the walker waits for the first deployment to come back', () => {
    const cfg = config([dep('a', 'g')], { maxCooldownWaitMs: 10_000 });
    const state = recordFailure(cfg, emptyRouterState(), 'a', { errorClass: 'AuthenticationError', status: 401 }, NOW).state;
    const walk = startWalk(cfg, { group: 'g' }, NOW);
    const first = nextAttempt(cfg, state, walk, NOW, seeded(1));
    expect(first.step).toEqual({ kind: 'wait', reason: 'cooldown', delayMs: 5000, until: NOW + 5000 });
    const second = nextAttempt(cfg, first.state, first.walk, NOW + 5000, seeded(1));
    expect(second.step).toMatchObject({ kind: 'attempt', deploymentId: 'a', reason: 'initial' });
  });

  test('order tiers: the lower tier serves; a retry moves to the next tier only after the lower one failed', () => {
    const cfg = config([dep('p', 'g', { order: 1 }), dep('s', 'g', { order: 2 }), dep('u', 'g')]);
    const r = drive(cfg, emptyRouterState(), { group: 'g' }, (c) => (c.deploymentId === 'p' ? fail('InternalServerError', 500) : OK));
    expect(ids(r)).toEqual(['p', 's']);
    expect(r.calls[0]?.explanation).toMatchObject({ orderTier: 1, candidates: ['p'] });
  });

  test('a complexity-router request walks from the tier group and explains the choice', () => {
    const cfg = config(
      [
        dep('router', 'auto', { model: COMPLEXITY_ROUTER_MODEL, provider: 'auto_router', complexityRouterConfig: { tiers: { SIMPLE: 'cheap', REASONING: 'smart' } } }),
        dep('c', 'cheap'),
        dep('s', 'smart'),
        dep('f', 'backup'),
      ],
      { fallbacks: { auto: ['backup'] }, numRetries: 0 },
    );
    const r = drive(cfg, emptyRouterState(), { group: 'auto', text: 'Think step by step and prove the bound, analyze each case.' }, (c) => (c.deploymentId === 's' ? fail('InternalServerError', 500) : OK));
    expect(ids(r)).toEqual(['s', 'f']);
    expect(r.calls[0]?.explanation.complexity).toMatchObject({ tier: 'REASONING', targetGroup: 'smart' });
    expect(r.walk.groupPath).toEqual(['smart', 'backup']);
  });

  test('FallbacksExhaustedError lists every attempt with class, status, duration and cooldown', () => {
    const cfg = config([dep('a', 'g'), dep('b', 'g'), dep('c', 'h')], { numRetries: 1, fallbacks: { g: ['h'] } });
    const r = drive(cfg, emptyRouterState(), { group: 'g' }, (c) => (c.deploymentId === 'c' ? fail('RateLimitError', 429) : fail('NotFoundError', 404)), { callMs: 7 });
    if (r.end.kind !== 'give-up') throw new Error('expected give-up');
    const data = r.end.error as FallbacksExhaustedData;
    expect(data.attempts.map((a) => [a.group, a.errorClass, a.status, a.durationMs, a.cooldown !== null])).toEqual([
      ['g', 'NotFoundError', 404, 7, true],
      ['g', 'NotFoundError', 404, 7, true],
      // A 429 without Retry-After does not cool a single-deployment group (row C10), so h is retried once.
      ['h', 'RateLimitError', 429, 7, false],
      ['h', 'RateLimitError', 429, 7, false],
    ]);
    const err = new FallbacksExhaustedError(data);
    expect(FallbacksExhaustedError.isInstance(err)).toBe(true);
    // The router's own answer is 503; the last attempt's status stays in the data.
    expect(err.status).toBe(503);
    expect(err.data.lastError?.status).toBe(429);
    expect(err.message).toContain('groups tried: g → h');
  });

  test('an unknown group gives NoDeploymentsAvailable naming the group', () => {
    const r = drive(config([dep('a', 'g')]), emptyRouterState(), { group: 'nope' }, () => OK);
    if (r.end.kind !== 'give-up') throw new Error('expected give-up');
    expect(r.end.error).toMatchObject({ name: 'NoDeploymentsAvailableError', group: 'nope', unknownGroup: true });
  });

  test('the walker refuses to be driven out of order', () => {
    const cfg = config([dep('a', 'g')]);
    const walk = startWalk(cfg, { group: 'g' }, NOW);
    const n = nextAttempt(cfg, emptyRouterState(), walk, NOW, seeded(1));
    expect(() => nextAttempt(cfg, n.state, n.walk, NOW, seeded(1))).toThrow(/in flight/);
    expect(() => onAttemptResult(cfg, n.state, walk, OK, NOW)).toThrow(/no attempt in flight/);
  });

  test('inputs are never mutated', () => {
    const cfg = config([dep('a', 'g'), dep('b', 'g')], { fallbacks: { g: [] } });
    const state = emptyRouterState();
    const walk = startWalk(cfg, { group: 'g' }, NOW);
    const frozen = JSON.stringify([state, walk]);
    const n = nextAttempt(cfg, state, walk, NOW, seeded(1));
    onAttemptResult(cfg, n.state, n.walk, fail('InternalServerError', 500), NOW + 5);
    expect(JSON.stringify([state, walk])).toBe(frozen);
    expect(n.state.deployments[n.walk.attempts[0]?.deploymentId ?? '']?.inFlight).toBe(1);
  });
});
