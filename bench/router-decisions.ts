// Decision-time benchmark of the pure routing core: p50 / p99 of one `pick`
// per strategy (and the complexity router), plus one full walker step
// (nextAttempt + onAttemptResult), on a warmed-up group of realistic state.
// Run: npx tsx bench/router-decisions.ts. bench/router.ts can import
// `measureDecisionTimes` and fold the figures into its report.
import {
  COMPLEXITY_ROUTER_MODEL,
  buildRouterConfig,
  emptyRouterState,
  nextAttempt,
  onAttemptResult,
  pick,
  recordAttemptStart,
  recordSuccess,
  startWalk,
  type DeploymentInfo,
  type RouterConfig,
  type RouterState,
  type RoutingRequest,
  type RoutingStrategyName,
} from '../src/core';

export interface DecisionTiming {
  name: string;
  iterations: number;
  /** The p50 this case must meet: the decision target, or the complexity router's own 1 ms budget for a long prompt. */
  targetUs: number;
  p50Us: number;
  p99Us: number;
  meanUs: number;
}

export interface DecisionBenchOptions {
  /** Timed calls per case (default 20,000), after as many warm-up calls. */
  iterations?: number;
  /** Deployments in the benchmarked group (default 4). */
  deployments?: number;
}

/** The target from issue 4: decision p50 at most 20 µs. */
export const DECISION_P50_TARGET_US = 20;
/** Issue 4's budget for one complexity-router decision, whatever the prompt length. */
export const COMPLEXITY_DECISION_BUDGET_US = 1000;

const STRATEGIES: RoutingStrategyName[] = [
  'simple-shuffle',
  'least-busy',
  'latency-based-routing',
  'cost-based-routing',
  'usage-based-routing-v2',
];

const MEDIUM_PROMPT =
  'Write a TypeScript function that parses a CSV file with quoted fields and returns an array of objects. ' +
  'First validate the header, then stream the rows; explain the time complexity and how you would test it?';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function group(n: number): DeploymentInfo[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `d${i}`,
    group: 'chat',
    model: i % 2 === 0 ? 'openai/gpt-4o-mini' : 'anthropic/claude-haiku',
    provider: i % 2 === 0 ? 'openai' : 'anthropic',
    weight: i + 1,
    rpm: 10_000,
    tpm: 10_000_000,
    inputCostPerToken: 1.5e-7 * (i + 1),
    outputCostPerToken: 6e-7 * (i + 1),
    maxInputTokens: 128_000,
  }));
}

function benchConfig(strategy: RoutingStrategyName, n: number): RouterConfig {
  return buildRouterConfig(
    [
      ...group(n),
      {
        id: 'auto',
        group: 'auto',
        model: COMPLEXITY_ROUTER_MODEL,
        provider: 'auto_router',
        complexityRouterConfig: { tiers: { SIMPLE: 'chat', MEDIUM: 'chat', COMPLEX: 'chat', REASONING: 'chat' } },
      },
    ],
    { routingStrategy: strategy, enablePreCallChecks: true, fallbacks: { chat: [] } },
  );
}

/** State as after some traffic: every deployment has latency/TTFT samples, usage and calls in flight. */
function warmState(cfg: RouterConfig, n: number, now: number): RouterState {
  let state = emptyRouterState();
  for (let k = 0; k < 12; k++) {
    for (let i = 0; i < n; i++) {
      const id = `d${i}`;
      state = recordAttemptStart(cfg, state, id, now - 60_000 + k * 1000);
      state = recordSuccess(cfg, state, id, { latencyMs: 300 + 40 * i + k, ttftMs: 80 + 10 * i, outputTokens: 120, totalTokens: 400 }, now - 59_000 + k * 1000);
    }
  }
  for (let i = 0; i < n; i++) state = recordAttemptStart(cfg, state, `d${i}`, now - 100);
  return state;
}

function percentile(sorted: Float64Array, p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i] ?? 0;
}

function time(name: string, iterations: number, fn: (i: number) => unknown, targetUs = DECISION_P50_TARGET_US): DecisionTiming {
  let sink = 0;
  for (let i = 0; i < iterations; i++) if (fn(i) !== undefined) sink++;
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    const r = fn(i);
    const t1 = process.hrtime.bigint();
    if (r !== undefined) sink++;
    samples[i] = Number(t1 - t0) / 1000;
  }
  if (sink < 0) console.log(sink);
  const sorted = samples.slice().sort();
  let total = 0;
  for (const s of samples) total += s;
  return { name, iterations, targetUs, p50Us: percentile(sorted, 0.5), p99Us: percentile(sorted, 0.99), meanUs: total / iterations };
}

export function measureDecisionTimes(options: DecisionBenchOptions = {}): DecisionTiming[] {
  const iterations = options.iterations ?? 20_000;
  const n = options.deployments ?? 4;
  const now = 1_700_000_030_000;
  const results: DecisionTiming[] = [];
  const request: RoutingRequest = { group: 'chat', estimatedInputTokens: 500, maxOutputTokens: 256 };

  for (const strategy of STRATEGIES) {
    const cfg = benchConfig(strategy, n);
    const state = warmState(cfg, n, now);
    const random = mulberry32(1);
    results.push(time(`pick ${strategy}`, iterations, (i) => pick(cfg, state, request, now + i, random)));
  }
  {
    const cfg = benchConfig('latency-based-routing', n);
    const state = warmState(cfg, n, now);
    const random = mulberry32(2);
    results.push(time('pick latency-based-routing (stream, TTFT)', iterations, (i) => pick(cfg, state, { ...request, stream: true }, now + i, random)));
  }
  {
    const cfg = benchConfig('simple-shuffle', n);
    const state = warmState(cfg, n, now);
    const random = mulberry32(3);
    const auto: RoutingRequest = { group: 'auto', text: MEDIUM_PROMPT };
    results.push(time('pick complexity router (score + pick)', iterations, (i) => pick(cfg, state, auto, now + i, random)));
  }
  {
    const cfg = benchConfig('simple-shuffle', n);
    const state = warmState(cfg, n, now);
    const random = mulberry32(5);
    // Worst case for the scorer: keyword scanning stops at 8,000 characters.
    const long: RoutingRequest = { group: 'auto', text: MEDIUM_PROMPT.repeat(Math.ceil(8_000 / MEDIUM_PROMPT.length)) };
    results.push(
      time('pick complexity router (8,000-char prompt)', Math.max(1000, Math.floor(iterations / 10)), (i) => pick(cfg, state, long, now + i, random), COMPLEXITY_DECISION_BUDGET_US),
    );
  }
  {
    const cfg = benchConfig('simple-shuffle', n);
    const state = warmState(cfg, n, now);
    const random = mulberry32(4);
    results.push(
      time('walker: startWalk + nextAttempt + onAttemptResult', iterations, (i) => {
        const walk = startWalk(cfg, request, now + i);
        const next = nextAttempt(cfg, state, walk, now + i, random);
        return onAttemptResult(cfg, next.state, next.walk, { ok: true, latencyMs: 300, outputTokens: 100, totalTokens: 600 }, now + i + 300);
      }),
    );
  }
  return results;
}

export function formatDecisionTimes(results: readonly DecisionTiming[]): string {
  const rows = results.map(
    (r) => `| ${r.name} | ${r.p50Us.toFixed(2)} | ${r.p99Us.toFixed(2)} | ${r.meanUs.toFixed(2)} | ${r.targetUs} | ${r.p50Us <= r.targetUs ? 'yes' : 'NO'} |`,
  );
  return [
    '| case | p50 µs | p99 µs | mean µs | target p50 µs | met |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

if (require.main === module) {
  let missed = false;
  for (const deployments of [4, 16]) {
    const results = measureDecisionTimes({ deployments });
    console.log(`\nRouting decision time, ${results[0]?.iterations ?? 0} timed calls per case, ${deployments} deployments in the group, node ${process.version}\n`);
    console.log(formatDecisionTimes(results));
    if (results.some((r) => r.p50Us > r.targetUs)) missed = true;
  }
  if (missed) process.exitCode = 1;
}
