// Strategy behaviour through `pick`, including the pre-call filters.
import {
  UNKNOWN_COST_PER_TOKEN,
  costPerToken,
  emptyRouterState,
  pick,
  recordAttemptStart,
  recordFailure,
  recordSuccess,
  type PickResult,
  type RouterConfig,
  type RouterState,
} from '../../../src/core';
import { NOW, config, dep, seeded } from './helpers';

function picked(r: PickResult): string {
  if (r.kind !== 'picked') throw new Error(`expected a pick, got ${JSON.stringify(r)}`);
  return r.deployment.id;
}

function countPicks(cfg: RouterConfig, state: RouterState, n: number, seed = 1, stream = false): Record<string, number> {
  const random = seeded(seed);
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const id = picked(pick(cfg, state, { group: 'g', stream }, NOW, random));
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

describe('simple-shuffle', () => {
  test('a deployment without weight among weighted ones still gets traffic (weight 1)', () => {
    const counts = countPicks(config([dep('a', 'g', { weight: 3 }), dep('b', 'g')]), emptyRouterState(), 4000);
    expect((counts['b'] ?? 0) / 4000).toBeGreaterThan(0.2);
    expect((counts['b'] ?? 0) / 4000).toBeLessThan(0.3);
  });

  test('rpm is used as the weight when no deployment sets weight', () => {
    const counts = countPicks(config([dep('a', 'g', { rpm: 900 }), dep('b', 'g', { rpm: 100 })]), emptyRouterState(), 4000);
    expect((counts['a'] ?? 0) / 4000).toBeGreaterThan(0.85);
  });

  test('without weights, rpm or tpm the choice is uniform', () => {
    const counts = countPicks(config([dep('a', 'g'), dep('b', 'g'), dep('c', 'g')]), emptyRouterState(), 6000);
    for (const id of ['a', 'b', 'c']) expect(Math.abs((counts[id] ?? 0) / 6000 - 1 / 3)).toBeLessThan(0.03);
  });
});

describe('least-busy', () => {
  test('picks the deployment with the fewest calls in flight', () => {
    const cfg = config([dep('a', 'g'), dep('b', 'g'), dep('c', 'g')], { routingStrategy: 'least-busy' });
    let state = emptyRouterState();
    for (const id of ['a', 'a', 'b', 'c', 'c']) state = recordAttemptStart(cfg, state, id, NOW);
    expect(countPicks(cfg, state, 50)).toEqual({ b: 50 });
  });
});

describe('latency-based-routing', () => {
  const cfg = (buffer = 0) =>
    config([dep('fast', 'g'), dep('slow', 'g')], {
      routingStrategy: 'latency-based-routing',
      routingStrategyArgs: { latency: { lowestLatencyBuffer: buffer, halfLifeMs: 60_000, ttlMs: 600_000 } },
    });

  test('sends traffic to the lower latency per output token', () => {
    const c = cfg();
    let state = emptyRouterState();
    state = recordSuccess(c, state, 'fast', { latencyMs: 1000, outputTokens: 100 }, NOW - 1000);
    state = recordSuccess(c, state, 'slow', { latencyMs: 900, outputTokens: 30 }, NOW - 1000);
    expect(countPicks(c, state, 20)).toEqual({ fast: 20 });
  });

  test('recent samples outweigh old ones, so a deployment that slowed down loses traffic quickly', () => {
    const c = cfg();
    let state = emptyRouterState();
    // 'fast' was fast for a long time, then became slow in the last minute; 'slow' is steady.
    for (let k = 0; k < 8; k++) state = recordSuccess(c, state, 'fast', { latencyMs: 100 }, NOW - 300_000 + k * 10_000);
    state = recordSuccess(c, state, 'fast', { latencyMs: 2000 }, NOW - 5000);
    state = recordSuccess(c, state, 'fast', { latencyMs: 2000 }, NOW - 1000);
    state = recordSuccess(c, state, 'slow', { latencyMs: 500 }, NOW - 2000);
    expect(countPicks(c, state, 20)).toEqual({ slow: 20 });
  });

  test('samples older than the ttl are forgotten and the deployment is explored again', () => {
    const c = cfg();
    let state = emptyRouterState();
    state = recordSuccess(c, state, 'fast', { latencyMs: 100 }, NOW - 10_000);
    state = recordSuccess(c, state, 'slow', { latencyMs: 5000 }, NOW - 700_000);
    expect(countPicks(c, state, 20)).toEqual({ slow: 20 });
  });

  test('streams are routed on time to first token', () => {
    const c = cfg();
    let state = emptyRouterState();
    state = recordSuccess(c, state, 'fast', { latencyMs: 100, ttftMs: 900 }, NOW - 1000);
    state = recordSuccess(c, state, 'slow', { latencyMs: 5000, ttftMs: 100 }, NOW - 1000);
    expect(countPicks(c, state, 20, 1, true)).toEqual({ slow: 20 });
    expect(countPicks(c, state, 20, 1, false)).toEqual({ fast: 20 });
  });

  test('lowest_latency_buffer spreads picks over deployments close to the fastest', () => {
    const c = cfg(0.5);
    let state = emptyRouterState();
    state = recordSuccess(c, state, 'fast', { latencyMs: 100 }, NOW - 1000);
    state = recordSuccess(c, state, 'slow', { latencyMs: 140 }, NOW - 1000);
    const counts = countPicks(c, state, 2000);
    expect(counts['slow'] ?? 0).toBeGreaterThan(800);
    expect(counts['fast'] ?? 0).toBeGreaterThan(800);
  });

  test('a timeout makes latency routing shy away from the deployment', () => {
    const c = cfg();
    let state = emptyRouterState();
    state = recordSuccess(c, state, 'fast', { latencyMs: 100 }, NOW - 1000);
    state = recordSuccess(c, state, 'slow', { latencyMs: 400 }, NOW - 1000);
    state = recordSuccess(c, state, 'fast', { latencyMs: 100 }, NOW - 900);
    state = recordFailure(c, state, 'fast', { errorClass: 'Timeout', status: 408 }, NOW - 500).state;
    expect(countPicks(c, state, 20)).toEqual({ slow: 20 });
  });
});

describe('cost-based-routing', () => {
  test('cheapest wins; unknown prices count as very expensive', () => {
    const cfg = config(
      [
        dep('unknown', 'g'),
        dep('pricey', 'g', { inputCostPerToken: 1e-5, outputCostPerToken: 3e-5 }),
        dep('cheap', 'g', { inputCostPerToken: 1e-7, outputCostPerToken: 4e-7 }),
      ],
      { routingStrategy: 'cost-based-routing' },
    );
    const r = pick(cfg, emptyRouterState(), { group: 'g' }, NOW, seeded(1));
    expect(picked(r)).toBe('cheap');
    expect(r.kind === 'picked' && r.explanation.scores).toEqual({ unknown: 2 * UNKNOWN_COST_PER_TOKEN, pricey: 4e-5, cheap: 5e-7 });
    expect(costPerToken(dep('x', 'g', { inputCostPerToken: 1e-6 }))).toBe(1e-6 + UNKNOWN_COST_PER_TOKEN);
  });

  test('equal prices share the load', () => {
    const cfg = config(
      [dep('east', 'g', { inputCostPerToken: 1e-6, outputCostPerToken: 1e-6 }), dep('west', 'g', { inputCostPerToken: 1e-6, outputCostPerToken: 1e-6 })],
      { routingStrategy: 'cost-based-routing' },
    );
    const counts = countPicks(cfg, emptyRouterState(), 1000);
    expect(counts['east'] ?? 0).toBeGreaterThan(400);
    expect(counts['west'] ?? 0).toBeGreaterThan(400);
  });
});

describe('usage-based-routing-v2', () => {
  test('picks the lowest tpm used and skips deployments at their rpm limit', () => {
    const cfg = config([dep('a', 'g', { rpm: 2 }), dep('b', 'g', { rpm: 100 }), dep('c', 'g', { rpm: 100 })], { routingStrategy: 'usage-based-routing-v2' });
    let state = emptyRouterState();
    state = recordAttemptStart(cfg, state, 'a', NOW);
    state = recordAttemptStart(cfg, state, 'a', NOW);
    state = recordAttemptStart(cfg, state, 'b', NOW);
    state = recordSuccess(cfg, state, 'b', { latencyMs: 10, totalTokens: 50 }, NOW);
    state = recordAttemptStart(cfg, state, 'c', NOW);
    state = recordSuccess(cfg, state, 'c', { latencyMs: 10, totalTokens: 500 }, NOW);
    const r = pick(cfg, state, { group: 'g' }, NOW, seeded(1));
    expect(picked(r)).toBe('b');
    expect(r.kind === 'picked' && r.explanation.skipped).toEqual([{ id: 'a', reason: 'rpm-limit' }]);
  });

  test('when every deployment is at its limit, the next window is when one comes back', () => {
    const cfg = config([dep('a', 'g', { tpm: 100 })], { routingStrategy: 'usage-based-routing-v2' });
    let state = recordAttemptStart(cfg, emptyRouterState(), 'a', NOW);
    state = recordSuccess(cfg, state, 'a', { latencyMs: 10, totalTokens: 100 }, NOW);
    const r = pick(cfg, state, { group: 'g', estimatedInputTokens: 10 }, NOW, seeded(1));
    expect(r).toMatchObject({ kind: 'no-deployments', deployments: [{ id: 'a', reason: 'tpm-limit' }] });
    expect(r.kind === 'no-deployments' && r.earliestAvailableAt).toBe(NOW - (NOW % 60_000) + 60_000);
    // The next window resets the counters.
    expect(picked(pick(cfg, state, { group: 'g', estimatedInputTokens: 10 }, NOW + 60_000, seeded(1)))).toBe('a');
  });
});

describe('pre-call checks and order tiers', () => {
  test('deployments whose window cannot hold prompt + max_tokens are skipped', () => {
    const cfg = config([dep('small', 'g', { maxInputTokens: 4096 }), dep('large', 'g', { maxInputTokens: 128_000 })], { enablePreCallChecks: true });
    const r = pick(cfg, emptyRouterState(), { group: 'g', estimatedInputTokens: 4000, maxOutputTokens: 500 }, NOW, seeded(1));
    expect(picked(r)).toBe('large');
    expect(r.kind === 'picked' && r.explanation.skipped).toEqual([{ id: 'small', reason: 'context-window' }]);
  });

  test('rpm limits are ignored by simple-shuffle unless pre-call checks are on', () => {
    const deployments = [dep('a', 'g', { rpm: 1 })];
    const off = config(deployments);
    const state = recordAttemptStart(off, emptyRouterState(), 'a', NOW);
    expect(picked(pick(off, state, { group: 'g' }, NOW, seeded(1)))).toBe('a');
    const on = config(deployments, { enablePreCallChecks: true });
    expect(pick(on, state, { group: 'g' }, NOW, seeded(1)).kind).toBe('no-deployments');
  });

  test('order: the lowest tier serves while any of it is healthy, without any extra flag', () => {
    const cfg = config([dep('p1', 'g', { order: 1 }), dep('p2', 'g', { order: 1 }), dep('b', 'g', { order: 2 }), dep('none', 'g')]);
    const counts = countPicks(cfg, emptyRouterState(), 500);
    expect(Object.keys(counts).sort()).toEqual(['p1', 'p2']);
    let state = emptyRouterState();
    state = recordFailure(cfg, state, 'p1', { errorClass: 'AuthenticationError', status: 401 }, NOW).state;
    expect(countPicks(cfg, state, 50)).toEqual({ p2: 50 });
    state = recordFailure(cfg, state, 'p2', { errorClass: 'AuthenticationError', status: 401 }, NOW).state;
    expect(countPicks(cfg, state, 50)).toEqual({ b: 50 });
    state = recordFailure(cfg, state, 'b', { errorClass: 'AuthenticationError', status: 401 }, NOW).state;
    expect(countPicks(cfg, state, 50)).toEqual({ none: 50 });
  });
});
