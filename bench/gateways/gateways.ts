// Part "gateways": like against like, side by side in one run on the same
// fake provider. In-process: our Router against the direct Node SDK, and
// LiteLLM's Router against the direct Python SDK (each in its own language's
// process). Gateways: ours (`llm-router serve`), Portkey's and LiteLLM's proxy,
// each in its own process, against the direct Node SDK, beside their floor: a
// bare forwarding proxy (bench/lib/forwarding-proxy-process.ts), what one more
// HTTP hop on loopback costs before a gateway does any work. For each: added
// latency p50/p99 sequential (0 ms provider) and with 32 in flight (50 ms
// provider), and the request rate with 32 in flight (0 ms provider): through
// the `openai` client, and for the HTTP systems also through a light client
// (bench/lib/raw-client.ts) that leaves the cores to the gateway.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import OpenAI from 'openai';
import type { BenchContext } from '../lib/context';
import { startForwardingProxy, type ForwardingProxy } from '../lib/forwarding-proxy';
import { startGatewayProcess, type GatewayProcess } from '../lib/gateway-process';
import { runPythonInProcess, startLitellmProxy, type InProcessPythonResult, type LitellmProxy, type PythonRound } from '../lib/litellm';
import { closedLoop, pairedRates, pairedSequential, sequential, type LoadResult, type RateBlock } from '../lib/load';
import { ResourceMeter, sampleProcess } from '../lib/process-stats';
import { portkeyHeaders } from '../lib/portkey';
import { rawChatClient } from '../lib/raw-client';
import { median, percentile, round } from '../lib/stats';
import { BENCH_MODEL, directSystem, litellmConfig, loadBenchConfig, messagesFor, portkeySystem, portkeyTarget, routerSystem, type System } from '../lib/systems';
import { BENCH_KEY_ENV } from '../lib/temporal-stack';

export interface GatewaysSettings {
  rounds: number;
  sequentialCalls: number;
  sequentialBudgetMs: number;
  concurrency: number;
  closedLoopMs: number;
  warmupCalls: number;
  /**
   * Each system's closed loop (32 in flight, 0 ms provider) right before its turn in every round, then
   * `warmupCalls` sequential calls of it and of the direct SDK: a process that sat idle while the
   * others ran comes back slower (see measureRound).
   */
  warmupMs: number;
  slowProviderMs: number;
  /** Our gateway's rate against Portkey's through the light client, in alternating slices (pairedRates): blocks, and each slice's length. */
  pairedBlocks: number;
  pairedSliceMs: number;
}

export function gatewaysSettings(scale: number): GatewaysSettings {
  const s = (n: number, min: number) => Math.max(min, Math.round(n * scale));
  return {
    rounds: Math.max(2, Math.round(3 * Math.min(1, scale * 2))),
    sequentialCalls: s(300, 50),
    sequentialBudgetMs: s(6_000, 2_000),
    concurrency: 32,
    closedLoopMs: s(3_000, 1_000),
    warmupCalls: s(100, 20),
    warmupMs: s(2_000, 500),
    slowProviderMs: 50,
    pairedBlocks: Math.max(2, Math.round(6 * Math.min(1, scale))),
    pairedSliceMs: s(1_500, 750),
  };
}

export interface SystemStats {
  /** Sequential, 0 ms provider. */
  seqP50: number;
  seqP99: number;
  seqAddedP50: number;
  seqAddedP99: number;
  /** 32 in flight, 50 ms provider. */
  concP50: number;
  concP99: number;
  concAddedP50: number;
  concAddedP99: number;
  concThroughput: number;
  /** 32 in flight, 0 ms provider: requests completed per second. */
  rate: number;
  /** The rate of each round, in round order (rounds of all systems interleave, so round r of two systems ran minutes apart at most). */
  roundRates?: number[];
  /** HTTP systems: the same closed loop through the light client (raw-client.ts), median over rounds, and each round's. */
  lightRate?: number;
  lightRoundRates?: number[];
  /** CPU of the load generator and the system's own processes per request, in the light client's rate phase. */
  lightCpuMsPerRequest?: number;
  errors: number;
  /** CPU of the load generator and the system's own processes per request, in the rate phase. */
  cpuMsPerRequest: number | null;
  hostRssMb: number | null;
}

export interface GatewaysResult {
  settings: GatewaysSettings;
  versions: Record<string, string>;
  /** Measured from this (Node) process against the direct Node SDK. */
  node: Record<string, SystemStats>;
  /** Measured from one Python process against the direct Python SDK. */
  python: Record<string, SystemStats>;
  /** Ours (a) against Portkey (b) through the light client, block by block (absent from results before 2026-12-03 evening). */
  pairedRate?: RateBlock[];
  wallMs: number;
}

const MASTER_KEY = 'sk-bench-gateway-master';

interface Pair {
  name: string;
  /** 0 ms route. */
  fast: System;
  /** 50 ms route. */
  slow: System;
  /** HTTP systems: the 0 ms route through the light client, for the rate. */
  light?: (seq: number) => Promise<void>;
}

/** The light client on the chat completions endpoint under `baseURL`, as the `openai` client would call it. */
function lightClient(baseURL: string, apiKey: string, model: string, headers?: Record<string, string>): Pair['light'] {
  return rawChatClient({ url: `${baseURL}/chat/completions`, apiKey, model, ...(headers ? { headers } : {}) });
}

function clientSystem(name: string, baseURL: string, apiKey: string, model: string, pid: number): System {
  const client = new OpenAI({ apiKey, baseURL, maxRetries: 0 });
  return {
    name,
    call: (seq) => client.chat.completions.create({ model, messages: messagesFor(seq) as OpenAI.Chat.ChatCompletionMessageParam[], max_tokens: 64 }),
    pids: [process.pid, pid],
    hostPid: pid,
  };
}

interface RoundRun {
  seq: LoadResult;
  /** The direct SDK's sequential calls interleaved with this system's (absent for the direct SDK itself). */
  seqDirect?: LoadResult;
  conc: LoadResult;
  rate: LoadResult;
  cpuMsPerRequest: number;
  light?: { rate: LoadResult; cpuMsPerRequest: number };
  hostRssMb: number | null;
}

const ok = (r: LoadResult) => r.samples.filter((s) => s.ok).map((s) => s.latencyMs);
const errorsOf = (r: LoadResult) => r.samples.filter((s) => !s.ok).length;

/** A closed loop of `durationMs`, then sequential calls of the direct SDK and of the system (the ones measured sequentially next). */
async function warm(pair: Pair, direct: Pair, settings: GatewaysSettings, base: number, durationMs = settings.warmupMs): Promise<void> {
  await closedLoop({ concurrency: settings.concurrency, durationMs, call: (i) => pair.fast.call(base + i) });
  if (pair !== direct) await sequential(settings.warmupCalls, (i) => direct.fast.call(base + 30_000 + i));
  await sequential(settings.warmupCalls, (i) => pair.fast.call(base + 35_000 + i));
}

async function measureRound(pair: Pair, direct: Pair, settings: GatewaysSettings, base: number): Promise<RoundRun> {
  // Every system warm when measured, alike. A gateway that sat idle for the minute the other systems took came
  // back slower at every quantile: without this, ours added 0.62-1.43 ms sequentially round by round and Portkey's
  // 1.62-1.92 ms; with it, 0.47-0.58 and 0.98-1.25 ms (2026-12-04, docs/benchmarks.md).
  await warm(pair, direct, settings, base + 80_000);
  let seq: LoadResult;
  let seqDirect: LoadResult | undefined;
  if (pair === direct) {
    seq = await sequential(settings.sequentialCalls, (i) => pair.fast.call(base + i), undefined, settings.sequentialBudgetMs);
  } else {
    // Sequential "added" is a fraction of a millisecond: measured against direct calls of the same seconds, not of another minute.
    const paired = await pairedSequential(settings.sequentialCalls, (i) => direct.fast.call(base + 10_000 + i), (i) => pair.fast.call(base + i), undefined, 2 * settings.sequentialBudgetMs);
    seq = paired.b;
    seqDirect = paired.a;
  }
  const conc = await closedLoop({ concurrency: settings.concurrency, durationMs: settings.closedLoopMs, call: (i) => pair.slow.call(base + 20_000 + i) });
  // The 0 ms route's closed loop through `call`, with the CPU the load generator and the system spent per request.
  const ratePhase = async (call: (seq: number) => Promise<unknown>, from: number) => {
    const meter = new ResourceMeter(pair.fast.pids);
    const rate = await closedLoop({ concurrency: settings.concurrency, durationMs: settings.closedLoopMs, call: (i) => call(from + i) });
    return { rate, cpuMsPerRequest: meter.stop().cpuMs / Math.max(1, rate.samples.length) };
  };
  const { rate, cpuMsPerRequest } = await ratePhase(pair.fast.call, base + 40_000);
  const light = pair.light === undefined ? undefined : await ratePhase(pair.light, base + 60_000);
  const host = pair.fast.hostPid === process.pid ? null : (sampleProcess(pair.fast.hostPid)?.rssMb ?? null);
  return { seq, ...(seqDirect ? { seqDirect } : {}), conc, rate, cpuMsPerRequest, ...(light ? { light } : {}), hostRssMb: host };
}

function stats(rounds: RoundRun[], direct: RoundRun[]): SystemStats {
  const each = (f: (r: RoundRun, d: RoundRun) => number) => round(median(rounds.map((r, i) => f(r, direct[i] as RoundRun))), 3);
  const p = (r: LoadResult, q: number) => percentile(ok(r), q);
  return {
    seqP50: each((r) => p(r.seq, 50)),
    seqP99: each((r) => p(r.seq, 99)),
    seqAddedP50: each((r, d) => p(r.seq, 50) - p(r.seqDirect ?? d.seq, 50)),
    seqAddedP99: each((r, d) => p(r.seq, 99) - p(r.seqDirect ?? d.seq, 99)),
    concP50: each((r) => p(r.conc, 50)),
    concP99: each((r) => p(r.conc, 99)),
    concAddedP50: each((r, d) => p(r.conc, 50) - p(d.conc, 50)),
    concAddedP99: each((r, d) => p(r.conc, 99) - p(d.conc, 99)),
    concThroughput: each((r) => r.conc.throughput),
    rate: each((r) => r.rate.throughput),
    roundRates: rounds.map((r) => round(r.rate.throughput, 0)),
    ...(rounds.every((r) => r.light !== undefined) ? {
      lightRate: each((r) => r.light?.rate.throughput ?? NaN),
      lightRoundRates: rounds.map((r) => round(r.light?.rate.throughput ?? NaN, 0)),
      lightCpuMsPerRequest: round(median(rounds.map((r) => r.light?.cpuMsPerRequest ?? NaN)), 3),
    } : {}),
    errors: rounds.reduce((a, r) => a + errorsOf(r.seq) + errorsOf(r.conc) + errorsOf(r.rate) + (r.light ? errorsOf(r.light.rate) : 0), 0),
    cpuMsPerRequest: round(median(rounds.map((r) => r.cpuMsPerRequest)), 3),
    hostRssMb: rounds[0]?.hostRssMb === null ? null : round(Math.max(...rounds.map((r) => r.hostRssMb ?? 0)), 0),
  };
}

function pythonStats(rounds: PythonRound[], direct: PythonRound[]): SystemStats {
  const each = (f: (r: PythonRound, d: PythonRound) => number) => round(median(rounds.map((r, i) => f(r, direct[i] as PythonRound))), 3);
  const n = (v: number | null) => v ?? NaN;
  return {
    seqP50: each((r) => n(r.sequential.p50)),
    seqP99: each((r) => n(r.sequential.p99)),
    seqAddedP50: each((r, d) => n(r.sequential.p50) - n(d.sequential.p50)),
    seqAddedP99: each((r, d) => n(r.sequential.p99) - n(d.sequential.p99)),
    concP50: each((r) => n(r.concurrent.p50)),
    concP99: each((r) => n(r.concurrent.p99)),
    concAddedP50: each((r, d) => n(r.concurrent.p50) - n(d.concurrent.p50)),
    concAddedP99: each((r, d) => n(r.concurrent.p99) - n(d.concurrent.p99)),
    concThroughput: each((r) => r.concurrent.throughput),
    rate: each((r) => r.rate.throughput),
    errors: rounds.reduce((a, r) => a + r.sequential.errors + r.concurrent.errors + r.rate.errors, 0),
    cpuMsPerRequest: null,
    hostRssMb: null,
  };
}

export async function runGateways(ctx: BenchContext): Promise<GatewaysResult> {
  const started = performance.now();
  const settings = gatewaysSettings(ctx.scale);
  const { fake } = ctx;
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateways-'));
  const fastRoute = 'gateways-0ms';
  const slowRoute = `gateways-${settings.slowProviderMs}ms`;
  await fake.set(fastRoute, { latencyMs: 0 });
  await fake.set(slowRoute, { latencyMs: settings.slowProviderMs });
  const topology = { groups: { fast: [fastRoute], slow: [slowRoute] } };

  // Python first: it has the machine to itself, as each Node system does in its turn.
  ctx.log('gateways: LiteLLM in-process Router vs the direct Python SDK (venv built on first use)');
  const py: InProcessPythonResult = await runPythonInProcess(
    {
      fast_url: fake.openaiBaseUrl(fastRoute),
      slow_url: fake.openaiBaseUrl(slowRoute),
      rounds: settings.rounds,
      sequential_calls: settings.sequentialCalls,
      concurrency: settings.concurrency,
      duration_s: settings.closedLoopMs / 1000,
      warmup: settings.warmupCalls,
    },
    ctx.log,
    10 * 60_000,
  );

  const portkey = await ctx.portkey();
  const proxy: ForwardingProxy = await startForwardingProxy(fake.url);
  const gateway: GatewayProcess = await startGatewayProcess({ ...litellmConfig(fake, topology), general_settings: { master_key: MASTER_KEY } }, dir, 'gateway');
  const litellm: LitellmProxy = await startLitellmProxy(
    {
      model_list: [
        { model_name: 'fast', litellm_params: { model: `openai/${BENCH_MODEL}`, api_base: fake.openaiBaseUrl(fastRoute), api_key: process.env[BENCH_KEY_ENV] ?? 'sk-bench-fake' } },
        { model_name: 'slow', litellm_params: { model: `openai/${BENCH_MODEL}`, api_base: fake.openaiBaseUrl(slowRoute), api_key: process.env[BENCH_KEY_ENV] ?? 'sk-bench-fake' } },
      ],
      general_settings: { master_key: MASTER_KEY },
      litellm_settings: { telemetry: false },
    },
    dir,
    ctx.log,
  );
  try {
    const config = loadBenchConfig(fake, topology);
    const pairs: Pair[] = [
      { name: 'direct', fast: directSystem(fake, fastRoute), slow: directSystem(fake, slowRoute) },
      { name: 'router', fast: routerSystem(config, 'fast').system, slow: routerSystem(config, 'slow').system },
      {
        name: 'forwarding-proxy',
        fast: clientSystem('forwarding-proxy', `${proxy.url}/${fastRoute}/v1`, 'sk-bench-fake', BENCH_MODEL, proxy.pid),
        slow: clientSystem('forwarding-proxy', `${proxy.url}/${slowRoute}/v1`, 'sk-bench-fake', BENCH_MODEL, proxy.pid),
        light: lightClient(`${proxy.url}/${fastRoute}/v1`, 'sk-bench-fake', BENCH_MODEL),
      },
      {
        name: 'gateway',
        fast: clientSystem('gateway', `${gateway.baseURL}/v1`, MASTER_KEY, 'fast', gateway.pid),
        slow: clientSystem('gateway', `${gateway.baseURL}/v1`, MASTER_KEY, 'slow', gateway.pid),
        light: lightClient(`${gateway.baseURL}/v1`, MASTER_KEY, 'fast'),
      },
      {
        name: 'portkey',
        fast: portkeySystem(portkey, portkeyTarget(fake, fastRoute)),
        slow: portkeySystem(portkey, portkeyTarget(fake, slowRoute)),
        light: lightClient(portkey.baseURL, 'sk-bench-fake', BENCH_MODEL, portkeyHeaders(portkeyTarget(fake, fastRoute))),
      },
      {
        name: 'litellm-proxy',
        fast: clientSystem('litellm-proxy', `${litellm.baseURL}/v1`, MASTER_KEY, 'fast', litellm.pid),
        slow: clientSystem('litellm-proxy', `${litellm.baseURL}/v1`, MASTER_KEY, 'slow', litellm.pid),
        light: lightClient(`${litellm.baseURL}/v1`, MASTER_KEY, 'fast'),
      },
    ];
    let seqBase = 0;
    for (const pair of pairs) {
      // A process's first thousands of calls run before its JIT has settled: longer than a round's warm-up.
      await warm(pair, pairs[0] as Pair, settings, seqBase, 3 * settings.warmupMs);
      await sequential(10, (i) => pair.slow.call(seqBase + i));
      seqBase += 100_000;
    }
    const runs = new Map<string, RoundRun[]>();
    for (let r = 0; r < settings.rounds; r += 1) {
      for (const pair of pairs.map((_, i) => pairs[(i + r) % pairs.length] as Pair)) {
        const run = await measureRound(pair, pairs[0] as Pair, settings, (seqBase += 100_000));
        runs.set(pair.name, [...(runs.get(pair.name) ?? []), run]);
        ctx.log(
          `gateways round ${r + 1}/${settings.rounds}, ${pair.name}: sequential p50 ${round(percentile(ok(run.seq), 50), 3)} ms` +
            (run.seqDirect ? ` (direct beside it ${round(percentile(ok(run.seqDirect), 50), 3)} ms)` : '') + ', ' +
            `32 in flight p50 ${round(percentile(ok(run.conc), 50), 2)} ms, ${round(run.rate.throughput, 0)} req/s` +
            (run.light ? `, ${round(run.light.rate.throughput, 0)} req/s through the light client` : ''),
        );
        await fake.set(fastRoute, { latencyMs: 0 });
        await fake.set(slowRoute, { latencyMs: settings.slowProviderMs });
      }
    }
    // The goal's comparison once more, in slices seconds apart rather than one system's whole round apart.
    const ours = pairs.find((p) => p.name === 'gateway')?.light;
    const theirs = pairs.find((p) => p.name === 'portkey')?.light;
    const pairedRate = ours && theirs ? await pairedRates(settings.pairedBlocks, settings.pairedSliceMs, settings.concurrency, ours, theirs) : undefined;
    if (pairedRate) ctx.log(`gateways: ours over Portkey's through the light client, A B B A blocks: ${pairedRate.map((b) => `${round(b.ratio, 2)}x (${round(b.a, 0)} / ${round(b.b, 0)} req/s)`).join(', ')}`);
    const direct = runs.get('direct') as RoundRun[];
    const node: Record<string, SystemStats> = {};
    for (const pair of pairs) node[pair.name] = stats(runs.get(pair.name) as RoundRun[], direct);
    const python: Record<string, SystemStats> = {
      'python-direct': pythonStats(py.rounds['python-direct'], py.rounds['python-direct']),
      'litellm-router': pythonStats(py.rounds['litellm-router'], py.rounds['python-direct']),
    };
    return {
      settings,
      versions: { portkey: portkey.version, litellm: py.litellm_version, 'openai (Python)': py.openai_version },
      node,
      python,
      ...(pairedRate ? { pairedRate } : {}),
      wallMs: Math.round(performance.now() - started),
    };
  } finally {
    await Promise.allSettled([gateway.stop(), litellm.stop(), proxy.stop()]);
  }
}
