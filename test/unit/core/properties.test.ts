// Property-based tests of the pure core. Seeds are fixed, so a failure
// reproduces exactly; fast-check prints the counterexample.
import fc from 'fast-check';
import {
  emptyRouterState,
  pick,
  recordAttemptStart,
  recordFailure,
  recordSuccess,
  startWalk,
  type AttemptResult,
  type DeploymentInfo,
  type DeploymentState,
  type RouterConfig,
  type RouterState,
  type RoutingStrategyName,
} from '../../../src/core';
import { freshDeploymentState } from '../../../src/core/state';
import { NOW, config, dep, drive, seeded } from './helpers';

const STRATEGY_NAMES: RoutingStrategyName[] = [
  'simple-shuffle',
  'least-busy',
  'latency-based-routing',
  'cost-based-routing',
  'usage-based-routing-v2',
];
const ERROR_CASES: { errorClass: string; status?: number }[] = [
  { errorClass: 'RateLimitError', status: 429 },
  { errorClass: 'InternalServerError', status: 500 },
  { errorClass: 'ServiceUnavailableError', status: 503 },
  { errorClass: 'Timeout', status: 408 },
  { errorClass: 'APIConnectionError' },
  { errorClass: 'AuthenticationError', status: 401 },
  { errorClass: 'NotFoundError', status: 404 },
  { errorClass: 'BadRequestError', status: 400 },
  { errorClass: 'ContextWindowExceededError', status: 400 },
  { errorClass: 'ContentPolicyViolationError', status: 400 },
  { errorClass: 'UnsupportedParamsError', status: 400 },
];

const arbStrategy = fc.constantFrom(...STRATEGY_NAMES);
const arbDeploymentExtras = fc.record(
  {
    weight: fc.integer({ min: 1, max: 10 }),
    rpm: fc.integer({ min: 1, max: 1000 }),
    order: fc.integer({ min: 1, max: 3 }),
    inputCostPerToken: fc.double({ min: 1e-7, max: 1e-4, noNaN: true }),
    outputCostPerToken: fc.double({ min: 1e-7, max: 1e-4, noNaN: true }),
  },
  { requiredKeys: [] },
);
const arbSample = fc.record({ at: fc.integer({ min: NOW - 3_600_000, max: NOW }), value: fc.integer({ min: 0, max: 5000 }) });
const arbDeploymentState = fc.record({
  cooled: fc.boolean(),
  cooldownMs: fc.integer({ min: 1, max: 300_000 }),
  inFlight: fc.integer({ min: 0, max: 20 }),
  tpmUsed: fc.integer({ min: 0, max: 10_000 }),
  latency: fc.array(arbSample, { maxLength: 10 }),
  ttft: fc.array(arbSample, { maxLength: 10 }),
});

type DsSpec = {
  cooled: boolean;
  cooldownMs: number;
  inFlight: number;
  tpmUsed: number;
  latency: { at: number; value: number }[];
  ttft: { at: number; value: number }[];
};

function stateFrom(ids: string[], specs: DsSpec[], window: number): RouterState {
  const deployments: Record<string, DeploymentState> = {};
  ids.forEach((id, i) => {
    const s = specs[i] as DsSpec;
    deployments[id] = {
      ...freshDeploymentState(window),
      cooldownUntil: s.cooled ? NOW + s.cooldownMs : 0,
      cooldownReason: s.cooled ? { errorClass: 'RateLimitError', status: 429, rule: 'immediate' } : null,
      inFlight: s.inFlight,
      tpmUsed: s.tpmUsed,
      latency: s.latency,
      ttft: s.ttft,
    };
  });
  return { deployments };
}

const arbScenario = fc
  .integer({ min: 1, max: 8 })
  .chain((n) =>
    fc.record({
      strategy: arbStrategy,
      extras: fc.array(arbDeploymentExtras, { minLength: n, maxLength: n }),
      specs: fc.array(arbDeploymentState, { minLength: n, maxLength: n }),
      stream: fc.boolean(),
      seed: fc.integer(),
    }),
  );

/**
 * Runs `fn` with the ambient clock and randomness replaced by functions that
 * throw, so a core call that reads either (instead of the `now` and `random`
 * it is given) fails the property rather than passing by luck.
 */
function withoutAmbientClockOrRandomness<T>(fn: () => T): T {
  const random = Math.random;
  const dateNow = Date.now;
  const perfNow = performance.now;
  const forbidden = (what: string) => () => {
    throw new Error(`the routing core read ${what}; it must use the value passed in`);
  };
  Math.random = forbidden('Math.random');
  Date.now = forbidden('Date.now');
  performance.now = forbidden('performance.now');
  try {
    return fn();
  } finally {
    Math.random = random;
    Date.now = dateNow;
    performance.now = perfNow;
  }
}

function scenarioConfig(strategy: RoutingStrategyName, extras: Partial<DeploymentInfo>[]): RouterConfig {
  return config(
    extras.map((e, i) => dep(`d${i}`, 'g', e)),
    { routingStrategy: strategy },
  );
}

describe('core properties', () => {
  test('a cooled-down deployment is never picked while a healthy one exists', () => {
    fc.assert(
      fc.property(arbScenario, ({ strategy, extras, specs, stream, seed }) => {
        const cfg = scenarioConfig(strategy, extras);
        const ids = extras.map((_, i) => `d${i}`);
        const state = stateFrom(ids, specs, Math.floor(NOW / 60_000));
        const result = pick(cfg, state, { group: 'g', stream }, NOW, seeded(seed));
        const healthy = specs.some((s) => !s.cooled);
        if (healthy) {
          expect(result.kind).toBe('picked');
          if (result.kind === 'picked') {
            expect(state.deployments[result.deployment.id]?.cooldownUntil ?? 0).toBeLessThanOrEqual(NOW);
          }
        } else {
          expect(result.kind).toBe('no-deployments');
          if (result.kind === 'no-deployments') {
            const earliest = Math.min(...specs.map((s) => NOW + s.cooldownMs));
            expect(result.earliestAvailableAt).toBe(earliest);
            expect(result.deployments.map((d) => d.id).sort()).toEqual([...ids].sort());
          }
        }
      }),
      { seed: 4242, numRuns: 500 },
    );
  });

  test('weights are honoured within tolerance over 10k seeded picks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 2, maxLength: 5 }),
        fc.constantFrom<'weight' | 'rpm' | 'tpm'>('weight', 'rpm', 'tpm'),
        fc.integer(),
        (weights, field, seed) => {
          const cfg = config(weights.map((w, i) => dep(`d${i}`, 'g', { [field]: w })));
          const counts = new Array<number>(weights.length).fill(0);
          const random = seeded(seed);
          const state = emptyRouterState();
          const picks = 10_000;
          for (let i = 0; i < picks; i++) {
            const r = pick(cfg, state, { group: 'g' }, NOW, random);
            if (r.kind !== 'picked') throw new Error('expected a pick');
            const idx = Number(r.deployment.id.slice(1));
            counts[idx] = (counts[idx] ?? 0) + 1;
          }
          const total = weights.reduce((a, b) => a + b, 0);
          weights.forEach((w, i) => {
            // ±0.025 is over 4 standard deviations of a binomial share at n = 10k.
            expect(Math.abs((counts[i] ?? 0) / picks - w / total)).toBeLessThan(0.025);
          });
        },
      ),
      { seed: 77, numRuns: 20 },
    );
  });

  test('the same state, inputs and seed give the same decisions', () => {
    fc.assert(
      fc.property(arbScenario, fc.array(fc.integer({ min: 0, max: ERROR_CASES.length }), { maxLength: 12 }), (sc, script) => {
        const cfg = scenarioConfig(sc.strategy, sc.extras);
        const ids = sc.extras.map((_, i) => `d${i}`);
        const state = stateFrom(ids, sc.specs, Math.floor(NOW / 60_000));
        const request = { group: 'g', stream: sc.stream };
        const before = JSON.stringify(state);
        const [first, second] = withoutAmbientClockOrRandomness(() => [pick(cfg, state, request, NOW, seeded(sc.seed)), pick(cfg, state, request, NOW, seeded(sc.seed))]);
        expect(first).toEqual(second);
        const outcome = (_: unknown, n: number): AttemptResult => {
          const code = script[n - 1] ?? 0;
          const err = ERROR_CASES[code];
          return err === undefined ? { ok: true, latencyMs: 50 } : { ok: false, ...err };
        };
        const a = withoutAmbientClockOrRandomness(() => drive(cfg, state, request, outcome, { random: seeded(sc.seed) }));
        const b = withoutAmbientClockOrRandomness(() => drive(cfg, state, request, outcome, { random: seeded(sc.seed) }));
        expect(a).toEqual(b);
        // The decisions came from the inputs alone: the state they were given is untouched.
        expect(JSON.stringify(state)).toBe(before);
      }),
      { seed: 99, numRuns: 300 },
    );
  });

  test('router state and walk state survive a JSON round trip', () => {
    const arbOp = fc.record({
      kind: fc.constantFrom('start', 'success', 'failure'),
      deployment: fc.integer({ min: 0, max: 3 }),
      dtMs: fc.integer({ min: 0, max: 90_000 }),
      latencyMs: fc.integer({ min: 1, max: 10_000 }),
      ttftMs: fc.option(fc.integer({ min: 1, max: 5_000 }), { nil: undefined }),
      outputTokens: fc.option(fc.integer({ min: 0, max: 4_000 }), { nil: undefined }),
      error: fc.integer({ min: 0, max: ERROR_CASES.length - 1 }),
      retryAfterMs: fc.option(fc.integer({ min: 0, max: 600_000 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(arbStrategy, fc.array(arbOp, { maxLength: 60 }), fc.integer(), (strategy, ops, seed) => {
        const cfg = config(
          [dep('d0', 'g'), dep('d1', 'g', { rpm: 5, tpm: 1000 }), dep('d2', 'g', { order: 1 }), dep('d3', 'solo')],
          { routingStrategy: strategy, fallbacks: { g: ['solo'] } },
        );
        let state = emptyRouterState();
        let now = NOW;
        for (const op of ops) {
          now += op.dtMs;
          const id = `d${op.deployment}`;
          if (op.kind === 'start') state = recordAttemptStart(cfg, state, id, now);
          else if (op.kind === 'success') {
            state = recordSuccess(cfg, state, id, { latencyMs: op.latencyMs, ttftMs: op.ttftMs, outputTokens: op.outputTokens, totalTokens: op.outputTokens }, now);
          } else {
            const err = ERROR_CASES[op.error] as { errorClass: string; status?: number };
            state = recordFailure(cfg, state, id, { ...err, retryAfterMs: op.retryAfterMs }, now).state;
          }
        }
        const copy = JSON.parse(JSON.stringify(state)) as RouterState;
        expect(copy).toStrictEqual(state);
        expect(pick(cfg, copy, { group: 'g' }, now, seeded(seed))).toEqual(pick(cfg, state, { group: 'g' }, now, seeded(seed)));
        const walk = startWalk(cfg, { group: 'g', estimatedInputTokens: 10 }, now);
        expect(JSON.parse(JSON.stringify(walk))).toStrictEqual(walk);
        const cfgCopy = JSON.parse(JSON.stringify(cfg)) as RouterConfig;
        expect(cfgCopy).toStrictEqual(cfg);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  test('the walker never exceeds its attempt budget, and never enters a group twice', () => {
    const groups = ['a', 'b', 'c', 'd', 'e'];
    const arbChains = fc.dictionary(fc.constantFrom(...groups), fc.array(fc.constantFrom(...groups, 'missing'), { maxLength: 4 }));
    fc.assert(
      fc.property(
        fc.record({
          maxAttempts: fc.integer({ min: 1, max: 8 }),
          maxFallbacks: fc.integer({ min: 0, max: 6 }),
          numRetries: fc.integer({ min: 0, max: 5 }),
          perGroup: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: groups.length, maxLength: groups.length }),
          fallbacks: arbChains,
          contextWindowFallbacks: arbChains,
          defaultFallbacks: fc.array(fc.constantFrom(...groups), { maxLength: 3 }),
          maxCooldownWaitMs: fc.constantFrom(0, 10_000),
          requestTimeoutMs: fc.option(fc.integer({ min: 1, max: 120_000 }), { nil: undefined }),
          script: fc.array(fc.integer({ min: 0, max: ERROR_CASES.length + 2 }), { minLength: 1, maxLength: 40 }),
          seed: fc.integer(),
        }),
        (p) => {
          const deployments: DeploymentInfo[] = [];
          groups.forEach((g, gi) => {
            for (let i = 0; i < (p.perGroup[gi] ?? 1); i++) deployments.push(dep(`${g}${i}`, g, { maxInputTokens: 1000 * (gi + 1) }));
          });
          const cfg = config(deployments, {
            maxAttempts: p.maxAttempts,
            maxFallbacks: p.maxFallbacks,
            numRetries: p.numRetries,
            fallbacks: p.fallbacks,
            contextWindowFallbacks: p.contextWindowFallbacks,
            defaultFallbacks: p.defaultFallbacks,
            maxCooldownWaitMs: p.maxCooldownWaitMs,
            requestTimeoutMs: p.requestTimeoutMs,
          });
          const run = drive(
            cfg,
            emptyRouterState(),
            { group: 'a' },
            (_, n) => {
              const err = ERROR_CASES[p.script[(n - 1) % p.script.length] ?? 0];
              return err === undefined ? { ok: true, latencyMs: 5 } : { ok: false, ...err };
            },
            { random: seeded(p.seed), callMs: 1000 },
          );
          expect(run.calls.length).toBeLessThanOrEqual(p.maxAttempts);
          expect(run.walk.attempts.length).toBe(run.calls.length);
          expect(new Set(run.walk.groupPath).size).toBe(run.walk.groupPath.length);
          expect(run.walk.fallbacksUsed).toBeLessThanOrEqual(p.maxFallbacks);
          expect(run.walk.waitedMs).toBeLessThanOrEqual(p.maxCooldownWaitMs);
          if (run.end.kind === 'give-up' && run.end.error.name === 'FallbacksExhaustedError') {
            expect(run.end.error.attempts).toHaveLength(run.calls.length);
          }
        },
      ),
      { seed: 2026, numRuns: 500 },
    );
  });
});
