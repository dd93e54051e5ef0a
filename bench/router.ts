/**
 * What does routing cost? Two measurements, both against targets from issue 4:
 *
 * 1. Decision time of the pure core (p50 / p99 of one `pick` per strategy,
 *    the complexity router and one walker step), from bench/router-decisions.ts.
 *    Target: p50 at most 20 µs.
 * 2. Overhead of the in-process Router per call: the same request through the
 *    bare SDK, through the provider registry, and through `Router`, against the
 *    same zero-latency fake server, interleaved call by call with the order
 *    rotated each call. Each round yields a median per side; we report the
 *    median of round medians, and "added" as the median over rounds of
 *    (Router round median - SDK round median). Target (issue 12): added p50 at
 *    most 0.05 ms.
 * 3. Unless --no-durable: bench:durable's part without the batch. Target
 *    (issue 12): standard-mode throughput at least 0.85x the one-no-op-activity
 *    floor's; latency mode's goals are reported, and are bench:durable's to fail.
 *
 * Bounded: fixed call counts and a hard time budget; exits non-zero when one
 * of its own targets is missed. Run: npx tsx bench/router.ts [--rounds 12] [--calls 80]
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { availableParallelism as availableCpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseConfigObject } from '../src/config';
import { createProviderRegistry } from '../src/providers';
import type { ChatRequest, DeploymentParams } from '../src/providers/types';
import { Router, type RouterRequest } from '../src/router';
import { startFakeProviderServer, type FakeProviderServer } from '../src/testing';
import { LATENCY_ADDED_P50_GOAL, LATENCY_THROUGHPUT_GOAL, runDurableThroughput } from './durable-throughput/durable-throughput';
import { durableMarkdown } from './durable-throughput/report';
import { createContext } from './lib/context';
import { formatDecisionTimes, measureDecisionTimes, type DecisionTiming } from './router-decisions';

/** What the Router may add to a JSON call against the direct SDK, at the median (issue 12). */
export const OVERHEAD_P50_TARGET_MS = 0.05;
/** Durable routedCompletion throughput against Temporal's one-no-op-activity floor, measured in the same run. */
export const DURABLE_FLOOR_RATIO_TARGET = 0.85;
/** Hard stop, so a hung server or a regression cannot keep the bench running. */
const TIME_BUDGET_MS = 330_000;
/** The overhead rounds share this; on a busy machine fewer rounds run (never fewer than MIN_ROUNDS). */
const OVERHEAD_BUDGET_MS = 75_000;
const MIN_ROUNDS = 3;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

const ROUNDS = arg('rounds', 12);
const CALLS = arg('calls', 80);
const WARMUP = 150;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const _chunk of iterable) {
    // consume every chunk, as a caller would
  }
}

type Call = () => Promise<unknown>;
const SIDES = ['sdk', 'registry', 'router'] as const;
type Side = (typeof SIDES)[number];

interface Scenario {
  name: string;
  calls: Record<Side, Call>;
}

interface OverheadRow {
  scenario: string;
  sdkMs: number;
  registryMs: number;
  routerMs: number;
  addedMs: number;
  addedOverRegistryMs: number;
  /** The same comparison on process CPU time per call (this process runs client and fake server), which other load on the machine inflates less. */
  addedCpuMs: number;
  rounds: number;
}

const SYSTEM = 'You are a concise assistant.';
const USER = 'Give me a one-line answer about routing requests across model deployments.';

function routerConfig(fake: FakeProviderServer, strategy: string) {
  const params = (model: string, route: string) => ({
    model,
    api_base: model.startsWith('anthropic/') ? fake.anthropicBaseUrl(route) : fake.openaiBaseUrl(route),
    api_key: 'os.environ/BENCH_KEY',
  });
  // Two deployments per group, so every call makes a real choice; the bundled price data prices each call.
  return parseConfigObject({
    model_list: [
      { model_name: 'chat', litellm_params: params('openai/gpt-4o-mini', 'r-openai-a'), model_info: { id: 'openai-a' } },
      { model_name: 'chat', litellm_params: params('openai/gpt-4o-mini', 'r-openai-b'), model_info: { id: 'openai-b' } },
      { model_name: 'claude', litellm_params: params('anthropic/claude-3-5-haiku-latest', 'r-anthropic-a'), model_info: { id: 'anthropic-a' } },
      { model_name: 'claude', litellm_params: params('anthropic/claude-3-5-haiku-latest', 'r-anthropic-b'), model_info: { id: 'anthropic-b' } },
      { model_name: 'chat-latency', litellm_params: params('openai/gpt-4o-mini', 'r-openai-a'), model_info: { id: 'lat-a' } },
      { model_name: 'chat-latency', litellm_params: params('openai/gpt-4o-mini', 'r-openai-b'), model_info: { id: 'lat-b' } },
    ],
    router_settings: { num_retries: 2, routing_strategy: strategy, fallbacks: [{ chat: ['claude'] }] },
  });
}

async function scenarios(fake: FakeProviderServer): Promise<Scenario[]> {
  const env = { BENCH_KEY: 'sk-bench' };
  const registry = createProviderRegistry({ env });
  // Like with like: the Router calls through the same registry (the same SDK clients and connections) the
  // registry side uses, so "of which routing" is the routing alone; a second set of SDK clients alternating
  // with the first costs some 15-50 µs a call on this machine, whoever owns them.
  const router = new Router(routerConfig(fake, 'simple-shuffle'), { providers: registry });
  const latencyRouter = new Router(routerConfig(fake, 'latency-based-routing'), { providers: registry });

  const request: ChatRequest = { messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: USER }], max_tokens: 64 };
  const ask = (group: string): RouterRequest => ({ ...request, model: group });
  // The Router picks one of two deployments per group, each with its own SDK client: the other sides take
  // turns between the same two endpoints and clients, so switching clients costs every side alike.
  const dep = (id: string, model: string, route: string): DeploymentParams => ({
    id, model, apiBase: model.startsWith('anthropic/') ? fake.anthropicBaseUrl(route) : fake.openaiBaseUrl(route), apiKey: 'os.environ/BENCH_KEY',
  });
  const openaiDeps = [dep('openai-a', 'openai/gpt-4o-mini', 'r-openai-a'), dep('openai-b', 'openai/gpt-4o-mini', 'r-openai-b')];
  const anthropicDeps = [dep('anthropic-a', 'anthropic/claude-3-5-haiku-latest', 'r-anthropic-a'), dep('anthropic-b', 'anthropic/claude-3-5-haiku-latest', 'r-anthropic-b')];
  const turns = <T>(items: readonly T[]): (() => T) => {
    let i = 0;
    return () => items[i++ % items.length] as T;
  };

  // The bare SDKs with the settings our adapters use (one attempt, no SDK retries).
  const openai = turns(['r-openai-a', 'r-openai-b'].map((route) => new OpenAI({ apiKey: 'sk-bench', baseURL: fake.openaiBaseUrl(route), maxRetries: 0 })));
  const anthropic = turns(['r-anthropic-a', 'r-anthropic-b'].map((route) => new Anthropic({ apiKey: 'sk-bench', baseURL: fake.anthropicBaseUrl(route), maxRetries: 0 })));
  const openaiDep = turns(openaiDeps);
  const anthropicDep = turns(anthropicDeps);
  const openaiBody = { model: 'gpt-4o-mini', messages: request.messages as OpenAI.Chat.ChatCompletionMessageParam[], max_tokens: 64 };
  const anthropicBody = { model: 'claude-3-5-haiku-latest', system: SYSTEM, messages: [{ role: 'user' as const, content: USER }], max_tokens: 64 };

  return [
    {
      name: 'openai JSON (simple-shuffle)',
      calls: { sdk: () => openai().chat.completions.create(openaiBody), registry: () => registry.complete(openaiDep(), request), router: () => router.completion(ask('chat')) },
    },
    {
      name: 'openai JSON (latency-based)',
      calls: { sdk: () => openai().chat.completions.create(openaiBody), registry: () => registry.complete(openaiDep(), request), router: () => latencyRouter.completion(ask('chat-latency')) },
    },
    {
      name: 'openai stream',
      calls: {
        sdk: async () => drain(await openai().chat.completions.create({ ...openaiBody, stream: true, stream_options: { include_usage: true } })),
        registry: () => drain(registry.stream(openaiDep(), request)),
        router: () => drain(router.stream(ask('chat'))),
      },
    },
    {
      name: 'anthropic JSON',
      calls: { sdk: () => anthropic().messages.create(anthropicBody), registry: () => registry.complete(anthropicDep(), request), router: () => router.completion(ask('claude')) },
    },
    {
      name: 'anthropic stream',
      calls: {
        sdk: async () => drain(await anthropic().messages.create({ ...anthropicBody, stream: true })),
        registry: () => drain(registry.stream(anthropicDep(), request)),
        router: () => drain(router.stream(ask('claude'))),
      },
    },
  ];
}

async function warmUp(list: readonly Scenario[]): Promise<void> {
  // Every path is compiled and every connection open before any timing starts,
  // so the first scenario does not pay the JIT's tier-up for the others.
  for (let i = 0; i < WARMUP; i++) for (const scenario of list) for (const side of SIDES) await scenario.calls[side]();
}

async function measureScenario(scenario: Scenario, deadline: number): Promise<OverheadRow> {
  const roundMedians: Record<Side, number[]> = { sdk: [], registry: [], router: [] };
  const added: number[] = [];
  const addedOverRegistry: number[] = [];
  const addedCpu: number[] = [];
  let rounds = 0;
  for (let round = 0; round < ROUNDS; round++) {
    if (round >= MIN_ROUNDS && performance.now() > deadline) break;
    rounds++;
    const samples: Record<Side, number[]> = { sdk: [], registry: [], router: [] };
    const cpu: Record<Side, number[]> = { sdk: [], registry: [], router: [] };
    for (let i = 0; i < CALLS; i++) {
      // Rotate which side goes first, so drift and GC pauses hit every side alike.
      for (let k = 0; k < SIDES.length; k++) {
        const side = SIDES[(i + round + k) % SIDES.length] as Side;
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        await scenario.calls[side]();
        samples[side].push(performance.now() - start);
        const used = process.cpuUsage(cpuStart);
        cpu[side].push((used.user + used.system) / 1000);
      }
    }
    const m = { sdk: median(samples.sdk), registry: median(samples.registry), router: median(samples.router) };
    for (const side of SIDES) roundMedians[side].push(m[side]);
    // Paired by call: the three sides of call i ran back to back, under the same load.
    added.push(median(samples.router.map((t, i) => t - (samples.sdk[i] as number))));
    addedOverRegistry.push(median(samples.router.map((t, i) => t - (samples.registry[i] as number))));
    addedCpu.push(median(cpu.router.map((t, i) => t - (cpu.sdk[i] as number))));
  }
  return {
    scenario: scenario.name,
    sdkMs: median(roundMedians.sdk),
    registryMs: median(roundMedians.registry),
    routerMs: median(roundMedians.router),
    addedMs: median(added),
    addedOverRegistryMs: median(addedOverRegistry),
    addedCpuMs: median(addedCpu),
    rounds,
  };
}

function formatOverhead(rows: readonly OverheadRow[]): string {
  return [
    `| scenario | rounds | direct SDK ms | registry ms | Router ms | Router added vs SDK ms | of which routing (Router - registry) ms | added CPU ms | added ≤ ${OVERHEAD_P50_TARGET_MS} ms |`,
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.rounds} | ${r.sdkMs.toFixed(3)} | ${r.registryMs.toFixed(3)} | ${r.routerMs.toFixed(3)} | ${r.addedMs.toFixed(3)} | ${r.addedOverRegistryMs.toFixed(3)} | ${r.addedCpuMs.toFixed(3)} | ${r.addedMs <= OVERHEAD_P50_TARGET_MS ? 'yes' : 'NO'} |`,
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = loadavg();
  let missed = false;
  let latencyVerdict: string | undefined;

  const decisions: DecisionTiming[][] = [];
  for (const deployments of [4, 16]) {
    const results = measureDecisionTimes({ deployments, iterations: 10_000 });
    decisions.push(results);
    console.log(`\n## Routing decision time: ${results[0]?.iterations ?? 0} timed calls per case, ${deployments} deployments in the group, node ${process.version}\n`);
    console.log(formatDecisionTimes(results));
    if (results.some((r) => r.p50Us > r.targetUs)) missed = true;
  }

  const fake = await startFakeProviderServer();
  try {
    const list = await scenarios(fake);
    const overheadStart = performance.now();
    await warmUp(list);
    fake.reset();
    const rows: OverheadRow[] = [];
    for (const [i, scenario] of list.entries()) {
      // Each scenario gets an equal share of what is left of the budget.
      const remaining = OVERHEAD_BUDGET_MS - (performance.now() - overheadStart);
      rows.push(await measureScenario(scenario, performance.now() + remaining / (list.length - i)));
      // The fake server keeps every request for assertions; a bench does not need them.
      fake.reset();
    }
    console.log(`\n## In-process Router overhead per call: up to ${ROUNDS} rounds (time-boxed) x ${CALLS} calls per side, after ${WARMUP} warm-up calls per side, zero-latency fake server on 127.0.0.1\n`);
    console.log(formatOverhead(rows));
    console.log('\n"added" is the median over rounds of the median paired difference (Router call - SDK call made right before or after it); "of which routing" compares the Router with the provider registry alone;');
    console.log('"added CPU" is the same on process CPU time per call. Wall-clock figures grow with other load on the machine: compare the load averages below.');
    // The target is for a JSON call; streams are reported beside it.
    if (rows.some((r) => !r.scenario.includes('stream') && r.addedMs > OVERHEAD_P50_TARGET_MS)) missed = true;
  } finally {
    await fake.close();
  }
  if (!process.argv.includes('--no-durable')) {
    // The durable path against Temporal's own floor, on one dev server, in this same run.
    // Six rounds of 6 s, each routed kind beside its floor (bench/durable-throughput/durable-throughput.ts, durableSettings).
    const ctx = await createContext(Number(process.env.BENCH_SCALE ?? 1));
    try {
      const durable = await runDurableThroughput(ctx, { batch: false });
      console.log(`\n## Durable routedCompletion in both modes (shared health on, as by default) against Temporal's floors, ${durable.settings.concurrency} in flight\n`);
      console.log(durableMarkdown(durable));
      console.log(`\nstandard throughput ratio ${durable.throughputRatio.toFixed(2)}x (target >= ${DURABLE_FLOOR_RATIO_TARGET}x)`);
      if (durable.throughputRatio < DURABLE_FLOOR_RATIO_TARGET) missed = true;
      const latencyMissed = durable.latencyAddedRatio > LATENCY_ADDED_P50_GOAL || durable.latencyThroughputRatio < LATENCY_THROUGHPUT_GOAL;
      // Latency mode's goals are bench:durable's (its exit code); the last line reports them beside this bench's own.
      latencyVerdict = `latency mode's goals (bench:durable): added ${durable.latencyAddedRatio.toFixed(2)}x (<= ${LATENCY_ADDED_P50_GOAL}x), throughput ${durable.latencyThroughputRatio.toFixed(2)}x (>= ${LATENCY_THROUGHPUT_GOAL}x): ${latencyMissed ? 'MISSED' : 'met'}`;
    } finally {
      await ctx.close();
    }
  }
  const fmt = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  console.log(`\nload average (1 / 5 / 15 min) at start ${fmt(loadBefore)}, at end ${fmt(loadavg())}, on ${availableCpus()} CPUs`);
  console.log(`finished in ${((performance.now() - started) / 1000).toFixed(1)} s; targets (decision time, Router added latency, standard-mode throughput) ${missed ? 'MISSED' : 'met'}${latencyVerdict === undefined ? '' : `; ${latencyVerdict}`}`);
  if (missed) process.exitCode = 1;
}

const budget = setTimeout(() => {
  console.error(`bench/router.ts: time budget of ${TIME_BUDGET_MS / 1000} s exceeded, stopping`);
  process.exit(2);
}, TIME_BUDGET_MS);
budget.unref();

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
