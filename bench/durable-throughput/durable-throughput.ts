// Part 3: durable requests against Temporal's floors, on one dev server, in
// one run. Workers run in their own processes: ours (routedCompletion over
// the fake provider at 0 ms, in both durability modes) and a baseline worker
// whose workflows run one no-op activity (the floor of standard mode) or one
// no-op local activity (the floor of latency mode), with the same pollers.
// Closed loop at a fixed concurrency (each routed kind right beside its
// floor, ratios paired per round) and one at a time; then where one
// request's time goes (phases from its history), the added latency over a
// direct SDK call to the same fake, and history bytes per request for a 2-
// and a 20-deployment config.
import { temporal as proto } from '@temporalio/proto';
import type { BenchContext } from '../lib/context';
import { closedLoop, errorCounts, sequential, type LoadResult } from '../lib/load';
import { ResourceMeter, sampleProcess } from '../lib/process-stats';
import { median, percentile, round } from '../lib/stats';
import { DURABLE_CLIENT_TIMEOUT_MS, DURABLE_EXECUTION_TIMEOUT_MS, directSystem, durableSystem, loadBenchConfig, type System } from '../lib/systems';
import type { TemporalStack } from '../lib/temporal-stack';
import type { DurabilityMode } from '../../workflows';
import { runBatch, type BatchResult, type BatchSettings } from './batch';
import { measurePhases, type Phase } from './phases';

export const DURABLE_KINDS = ['noop', 'noopLocal', 'standard', 'latency'] as const;
export type DurableKind = (typeof DURABLE_KINDS)[number];
export const DURABLE_KIND_LABELS: Record<DurableKind, string> = {
  noop: 'floor: one no-op activity',
  noopLocal: 'floor: one no-op local activity',
  standard: 'routedCompletion, standard (activity hops)',
  latency: 'routedCompletion, latency (local-activity hops)',
};
/** Issue 17's goals for latency mode. */
export const LATENCY_ADDED_P50_GOAL = 0.5;
export const LATENCY_THROUGHPUT_GOAL = 0.9;

export interface DurableSettings {
  rounds: number;
  concurrency: number;
  durationMs: number;
  sequentialCalls: number;
  phaseCalls: number;
  /** Unmeasured load per kind, at `concurrency`, before the first round. */
  warmupMs: number;
  batch: BatchSettings;
}

export function durableSettings(scale: number): DurableSettings {
  return {
    // Each routed kind runs right beside its floor, the order reversed every other round (A A' B B', B' B A' A),
    // and a ratio is the median of the rounds' own ratios: on this project's 2-core VMs the whole machine's speed
    // moved by up to 2x within minutes (CPU per workflow doubled for every process alike), which a ratio of
    // medians over kinds run a minute apart takes for a difference between them. Six rounds of 6 s: the median
    // of six shrugs off one noisy pair.
    rounds: 6,
    concurrency: 16,
    durationMs: Math.max(2_000, Math.round(6_000 * scale)),
    sequentialCalls: Math.max(10, Math.round(40 * scale)),
    // Steady state, for every kind alike: our worker runs far more code per request than the floor's (the routing
    // core, the provider SDK, the config codec), and its CPU per request was still falling after 1 s at 4 in flight
    // (about 25 ms in round 1, 21 ms by round 4 in a scratch run), so round 1 measured a worker still warming up.
    warmupMs: Math.max(1_000, Math.round(6_000 * scale)),
    phaseCalls: Math.max(5, Math.round(15 * scale)),
    batch: { documents: 10_000, concurrency: 32, timeLimitMs: Math.max(10_000, Math.round(300_000 * scale)) },
  };
}

export interface DurableKindResult {
  /** One workflow at a time: p50 latency, the per-request cost without queueing. */
  sequentialP50: number;
  sequentialP99: number;
  throughput: number;
  /** Workflows/s of each round, in run order (the median is `throughput`). */
  roundThroughputs: number[];
  p50: number;
  p99: number;
  errors: Record<string, number>;
  eventsPerRun: number;
  workerPeakRssMb: number;
  cpuPercent: number;
  /** CPU ms per completed workflow at 16 in flight, median over rounds: the kind's worker process alone, and the dev server (absent from results written before 2026-12-02). */
  workerCpuMsPerWorkflow?: number;
  serverCpuMsPerWorkflow?: number;
  /** Medians of one request's phases, one at a time. */
  phases: Record<Phase, number>;
}

export interface HistorySizeRow {
  deployments: number;
  mode: DurabilityMode;
  events: number;
  bytes: number;
}

export interface DurableResult {
  settings: DurableSettings;
  kinds: Record<DurableKind, DurableKindResult>;
  /** A direct SDK call to the same fake route, one at a time: what a request costs without any router. */
  directSequentialP50: number;
  /** Latency mode, one at a time: p50 minus the direct call's p50. */
  latencyAddedP50: number;
  /** latencyAddedP50 / the one-no-op-activity floor's sequential p50 (goal <= 0.5). */
  latencyAddedRatio: number;
  /** Standard mode's throughput over the one-no-op-activity floor's: the median of the rounds' paired ratios (results before 2026-12-03: the ratio of the medians). */
  throughputRatio: number;
  /** Latency mode's over the one-no-op-local-activity floor's, the same way (goal >= 0.9). */
  latencyThroughputRatio: number;
  /** Each round's ratios, in run order (absent from results written before 2026-12-03). */
  roundRatios?: { standard: number[]; latency: number[] };
  historySizes: HistorySizeRow[];
  /** Absent when the part ran without the batch (bench:router). */
  batch?: BatchResult;
}

function noopSystem(stack: TemporalStack, workflowType: string, taskQueue: string, workerPid: number, runId: string): System {
  return {
    name: workflowType,
    call: (seq) => stack.client.workflow.execute(workflowType, { taskQueue, workflowId: `bench-${workflowType}-${runId}-${seq}`, workflowExecutionTimeout: DURABLE_EXECUTION_TIMEOUT_MS }),
    pids: [process.pid, workerPid, ...(stack.server.pid ? [stack.server.pid] : [])],
    hostPid: workerPid,
    timeoutMs: DURABLE_CLIENT_TIMEOUT_MS,
  };
}

export async function historyOf(stack: TemporalStack, workflowId: string): Promise<{ events: number; bytes: number }> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  return { events: history.events?.length ?? NaN, bytes: proto.api.history.v1.History.encode(history).finish().length };
}

/** The floor each routed kind is measured against. */
const FLOOR_OF = { standard: 'noop', latency: 'noopLocal' } as const;
/** Each routed kind right after its floor; every other round reversed, so neither side of a pair always goes first. */
const PAIRED_ORDER: readonly DurableKind[] = ['noop', 'standard', 'noopLocal', 'latency'];
const order = (round: number): readonly DurableKind[] => (round % 2 === 0 ? PAIRED_ORDER : [...PAIRED_ORDER].reverse());

export async function runDurableThroughput(ctx: BenchContext, options: { batch?: boolean } = {}): Promise<DurableResult> {
  const settings = durableSettings(ctx.scale);
  const temporal = await ctx.temporal();
  const route = 'durable-0ms';
  await ctx.fake.set(route, { latencyMs: 0 });
  const config = loadBenchConfig(ctx.fake, { groups: { chat: [route] } });
  const routerWorker = await temporal.startWorker('router', 'bench-durable');
  const noopWorker = await temporal.startWorker('noop', 'bench-noop');
  const runTag = Date.now().toString(36);
  const ids: Record<DurableKind, (seq: number) => string> = {
    noop: (seq) => `bench-noopWorkflow-${runTag}-${seq}`,
    noopLocal: (seq) => `bench-noopLocalWorkflow-${runTag}-${seq}`,
    standard: (seq) => `bench-${runTag}-standard-${seq}`,
    latency: (seq) => `bench-${runTag}-latency-${seq}`,
  };
  const routed = (durability: DurabilityMode) => durableSystem(temporal, config, { group: 'chat', taskQueue: 'bench-durable', workerPids: [routerWorker.pid], runId: `${runTag}-${durability}`, durability });
  const systems: Record<DurableKind, System> = {
    noop: noopSystem(temporal, 'noopWorkflow', 'bench-noop', noopWorker.pid, runTag),
    noopLocal: noopSystem(temporal, 'noopLocalWorkflow', 'bench-noop', noopWorker.pid, runTag),
    standard: routed('standard'),
    latency: routed('latency'),
  };
  const runs: Record<DurableKind, Array<{ load: LoadResult; cpuPercent: number; workerCpuMs: number; serverCpuMs: number }>> = { noop: [], noopLocal: [], standard: [], latency: [] };
  const workerPidOf = (kind: DurableKind) => (kind === 'noop' || kind === 'noopLocal' ? noopWorker.pid : routerWorker.pid);
  let seq = 0;
  // Warm every path (SDK clients, workflow caches, the health entity, the config, the JIT) before measuring.
  // Its ids come from the same counter as the rounds', so no measured run starts a workflow id the warm-up used.
  for (const system of Object.values(systems)) {
    const base = (seq += 100_000);
    await closedLoop({ concurrency: settings.concurrency, durationMs: settings.warmupMs, call: (i) => system.call(base + i), timeoutMs: DURABLE_CLIENT_TIMEOUT_MS });
  }
  for (let r = 0; r < settings.rounds; r += 1) {
    for (const kind of order(r)) {
      const system = systems[kind];
      const base = (seq += 100_000);
      // One meter over this process, the kind's worker and the dev server (system.pids): the sum, and each apart.
      const meter = new ResourceMeter(system.pids);
      const load = await closedLoop({ concurrency: settings.concurrency, durationMs: settings.durationMs, call: (i) => system.call(base + i), timeoutMs: DURABLE_CLIENT_TIMEOUT_MS });
      const { cpuPercent, cpuMsByPid } = meter.stop();
      const completed = Math.max(1, load.samples.filter((s) => s.ok).length);
      const perWorkflow = (pid: number | undefined) => (pid === undefined ? NaN : (cpuMsByPid.get(pid) ?? NaN) / completed);
      runs[kind].push({ load, cpuPercent, workerCpuMs: perWorkflow(workerPidOf(kind)), serverCpuMs: perWorkflow(temporal.server.pid) });
      ctx.log(`durable ${kind} round ${r + 1}: ${load.throughput.toFixed(1)} workflows/s at concurrency ${settings.concurrency}`);
    }
  }
  const direct = directSystem(ctx.fake, route);
  const sequentialRuns: Record<DurableKind | 'direct', number[]> = { noop: [], noopLocal: [], standard: [], latency: [], direct: [] };
  for (let r = 0; r < settings.rounds; r += 1) {
    for (const kind of [...order(r), 'direct' as const]) {
      const base = (seq += 100_000);
      const call = kind === 'direct' ? direct.call : systems[kind].call;
      const load = await sequential(Math.ceil(settings.sequentialCalls / settings.rounds), (i) => call(base + i), DURABLE_CLIENT_TIMEOUT_MS);
      sequentialRuns[kind].push(...load.samples.filter((s) => s.ok).map((s) => s.latencyMs));
    }
  }
  const phases = {} as Record<DurableKind, Record<Phase, number>>;
  const phaseBase = {} as Record<DurableKind, number>;
  for (const kind of DURABLE_KINDS) {
    const base = (seq += 100_000);
    phaseBase[kind] = base;
    phases[kind] = await measurePhases(temporal, settings.phaseCalls, (i) => systems[kind].call(base + i), (i) => ids[kind](base + i));
  }
  const kinds = {} as Record<DurableKind, DurableKindResult>;
  for (const kind of DURABLE_KINDS) {
    const list = runs[kind];
    const oks = list.map((r) => r.load.samples.filter((s) => s.ok).map((s) => s.latencyMs));
    const errors: Record<string, number> = {};
    for (const r of list) for (const [k, v] of Object.entries(errorCounts(r.load.samples))) errors[k] = (errors[k] ?? 0) + v;
    const pid = workerPidOf(kind);
    kinds[kind] = {
      sequentialP50: round(percentile(sequentialRuns[kind], 50), 2),
      sequentialP99: round(percentile(sequentialRuns[kind], 99), 2),
      throughput: round(median(list.map((r) => r.load.throughput)), 2),
      roundThroughputs: list.map((r) => round(r.load.throughput, 1)),
      p50: round(median(oks.map((o) => percentile(o, 50))), 2),
      p99: round(median(oks.map((o) => percentile(o, 99))), 2),
      errors,
      eventsPerRun: (await historyOf(temporal, ids[kind](phaseBase[kind]))).events,
      workerPeakRssMb: round(sampleProcess(pid)?.peakRssMb ?? NaN, 1),
      cpuPercent: round(median(list.map((r) => r.cpuPercent)), 1),
      workerCpuMsPerWorkflow: round(median(list.map((r) => r.workerCpuMs)), 2),
      serverCpuMsPerWorkflow: round(median(list.map((r) => r.serverCpuMs)), 2),
      phases: phases[kind],
    };
  }
  await noopWorker.stop();

  // History per request: one call each, configs of 2 and 20 deployments (carried by reference).
  const historySizes: HistorySizeRow[] = [];
  for (const n of [2, 20]) {
    const routes = Array.from({ length: n }, (_, i) => `history-${n}-${i + 1}`);
    for (const r of routes) await ctx.fake.set(r, { latencyMs: 0 });
    const sized = loadBenchConfig(ctx.fake, { groups: { chat: routes } });
    for (const mode of ['standard', 'latency'] as const) {
      const runId = `${runTag}-history-${n}-${mode}`;
      await durableSystem(temporal, sized, { group: 'chat', taskQueue: 'bench-durable', workerPids: [routerWorker.pid], runId, durability: mode }).call(1);
      historySizes.push({ deployments: n, mode, ...(await historyOf(temporal, `bench-${runId}-1`)) });
    }
  }

  let batch: BatchResult | undefined;
  if (options.batch !== false) {
    ctx.log(`durable batch: ${settings.batch.documents} documents, concurrency ${settings.batch.concurrency}, at most ${settings.batch.timeLimitMs / 1000} s`);
    batch = await runBatch(temporal, config, 'chat', 'bench-durable', routerWorker, settings.batch);
    ctx.log(`durable batch: ${batch.done} documents in ${(batch.elapsedMs / 1000).toFixed(1)} s = ${batch.docsPerSecond} docs/s (${batch.status})`);
  }
  await routerWorker.stop();
  const directSequentialP50 = round(percentile(sequentialRuns.direct, 50), 2);
  const latencyAddedP50 = round(kinds.latency.sequentialP50 - directSequentialP50, 2);
  // Per round, the routed kind's workflows/s over its floor's in the same round.
  const ratiosOf = (kind: keyof typeof FLOOR_OF) => runs[kind].map((r, i) => round(r.load.throughput / (runs[FLOOR_OF[kind]][i]?.load.throughput ?? NaN), 3));
  const roundRatios = { standard: ratiosOf('standard'), latency: ratiosOf('latency') };
  return {
    settings,
    kinds,
    directSequentialP50,
    latencyAddedP50,
    latencyAddedRatio: round(latencyAddedP50 / kinds.noop.sequentialP50, 3),
    throughputRatio: round(median(roundRatios.standard), 3),
    latencyThroughputRatio: round(median(roundRatios.latency), 3),
    roundRatios,
    historySizes,
    batch,
  };
}
