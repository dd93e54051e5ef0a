// Part 3: durable throughput against Temporal's floor. The same dev server
// runs two workers in their own processes: ours (routedCompletion over the
// fake provider at 0 ms) and a baseline whose workflow runs one no-op
// activity. Closed loop at a fixed concurrency, kinds interleaved per round.
import type { BenchContext } from '../lib/context';
import { closedLoop, errorCounts, sequential, type LoadResult } from '../lib/load';
import { ResourceMeter, sampleProcess } from '../lib/process-stats';
import { median, percentile, round } from '../lib/stats';
import { DURABLE_CLIENT_TIMEOUT_MS, DURABLE_EXECUTION_TIMEOUT_MS, durableSystem, loadBenchConfig, type System } from '../lib/systems';
import type { TemporalStack } from '../lib/temporal-stack';
import { runBatch, type BatchResult, type BatchSettings } from './batch';

export interface DurableSettings {
  rounds: number;
  concurrency: number;
  durationMs: number;
  sequentialCalls: number;
  batch: BatchSettings;
}

export function durableSettings(scale: number): DurableSettings {
  return {
    rounds: 2,
    concurrency: 16,
    durationMs: Math.max(2_000, Math.round(10_000 * scale)),
    sequentialCalls: Math.max(10, Math.round(30 * scale)),
    batch: { documents: 10_000, concurrency: 32, timeLimitMs: Math.max(10_000, Math.round(300_000 * scale)) },
  };
}

export interface DurableKindResult {
  /** One workflow at a time: p50 latency, the per-request cost without queueing. */
  sequentialP50: number;
  sequentialP99: number;
  throughput: number;
  p50: number;
  p99: number;
  errors: Record<string, number>;
  eventsPerRun: number;
  workerPeakRssMb: number;
  cpuPercent: number;
}

export interface DurableResult {
  settings: DurableSettings;
  kinds: Record<'routed' | 'noop', DurableKindResult>;
  /** routedCompletion throughput / no-op workflow throughput */
  throughputRatio: number;
  /** Absent when the part ran without the batch (bench:router). */
  batch?: BatchResult;
}

export function noopSystem(stack: TemporalStack, taskQueue: string, workerPid: number, runId: string): System {
  return {
    name: 'noop',
    call: (seq) =>
      stack.client.workflow.execute('noopWorkflow', { taskQueue, workflowId: `bench-noop-${runId}-${seq}`, workflowExecutionTimeout: DURABLE_EXECUTION_TIMEOUT_MS }),
    pids: [process.pid, workerPid, ...(stack.server.pid ? [stack.server.pid] : [])],
    hostPid: workerPid,
    timeoutMs: DURABLE_CLIENT_TIMEOUT_MS,
  };
}

export async function historyLength(stack: TemporalStack, workflowId: string): Promise<number> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  return history.events?.length ?? NaN;
}

export async function runDurableThroughput(ctx: BenchContext, options: { batch?: boolean } = {}): Promise<DurableResult> {
  const settings = durableSettings(ctx.scale);
  const temporal = await ctx.temporal();
  const route = 'durable-0ms';
  await ctx.fake.set(route, { latencyMs: 0 });
  const config = loadBenchConfig(ctx.fake, { groups: { chat: [route] } });
  const routerWorker = await temporal.startWorker('router', 'bench-durable');
  const noopWorker = await temporal.startWorker('noop', 'bench-noop');
  const runTag = Date.now().toString(36);
  const systems: Record<'routed' | 'noop', System> = {
    routed: durableSystem(temporal, config, { group: 'chat', taskQueue: 'bench-durable', workerPids: [routerWorker.pid], runId: `${runTag}-tp` }),
    noop: noopSystem(temporal, 'bench-noop', noopWorker.pid, runTag),
  };
  const runs: Record<string, Array<{ load: LoadResult; cpuPercent: number; base: number }>> = { routed: [], noop: [] };
  let seq = 0;
  for (const system of Object.values(systems)) await closedLoop({ concurrency: 4, durationMs: 1_000, call: (i) => system.call(900_000 + i) });
  for (let round = 0; round < settings.rounds; round += 1) {
    const order = round % 2 === 0 ? (['noop', 'routed'] as const) : (['routed', 'noop'] as const);
    for (const kind of order) {
      const system = systems[kind];
      const base = (seq += 100_000);
      const meter = new ResourceMeter(system.pids);
      const load = await closedLoop({ concurrency: settings.concurrency, durationMs: settings.durationMs, call: (i) => system.call(base + i), timeoutMs: DURABLE_CLIENT_TIMEOUT_MS });
      const usage = meter.stop();
      runs[kind]?.push({ load, cpuPercent: usage.cpuPercent, base });
      ctx.log(`durable ${kind} round ${round + 1}: ${load.throughput.toFixed(1)} workflows/s at concurrency ${settings.concurrency}`);
    }
  }
  const sequentialRuns: Record<string, number[]> = { routed: [], noop: [] };
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const kind of round % 2 === 0 ? (['noop', 'routed'] as const) : (['routed', 'noop'] as const)) {
      const base = (seq += 100_000);
      const load = await sequential(Math.ceil(settings.sequentialCalls / settings.rounds), (i) => systems[kind].call(base + i), DURABLE_CLIENT_TIMEOUT_MS);
      sequentialRuns[kind]?.push(...load.samples.filter((s) => s.ok).map((s) => s.latencyMs));
    }
  }
  const kinds = {} as Record<'routed' | 'noop', DurableKindResult>;
  for (const kind of ['routed', 'noop'] as const) {
    const list = runs[kind] ?? [];
    const oks = list.map((r) => r.load.samples.filter((s) => s.ok).map((s) => s.latencyMs));
    const errors: Record<string, number> = {};
    for (const r of list) for (const [k, v] of Object.entries(errorCounts(r.load.samples))) errors[k] = (errors[k] ?? 0) + v;
    const firstOk = list[0]?.load.samples.find((s) => s.ok);
    const id = (list[0]?.base ?? 0) + (firstOk?.seq ?? 0);
    const workflowId = kind === 'routed' ? `bench-${runTag}-tp-${id}` : `bench-noop-${runTag}-${id}`;
    kinds[kind] = {
      sequentialP50: round(percentile(sequentialRuns[kind] ?? [], 50), 2),
      sequentialP99: round(percentile(sequentialRuns[kind] ?? [], 99), 2),
      throughput: round(median(list.map((r) => r.load.throughput)), 2),
      p50: round(median(oks.map((o) => percentile(o, 50))), 2),
      p99: round(median(oks.map((o) => percentile(o, 99))), 2),
      errors,
      eventsPerRun: firstOk ? await historyLength(temporal, workflowId) : NaN,
      workerPeakRssMb: round(sampleProcess(kind === 'routed' ? routerWorker.pid : noopWorker.pid)?.peakRssMb ?? NaN, 1),
      cpuPercent: round(median(list.map((r) => r.cpuPercent)), 1),
    };
  }
  await noopWorker.stop();
  let batch: BatchResult | undefined;
  if (options.batch !== false) {
    ctx.log(`durable batch: ${settings.batch.documents} documents, concurrency ${settings.batch.concurrency}, at most ${settings.batch.timeLimitMs / 1000} s`);
    batch = await runBatch(temporal, config, 'chat', 'bench-durable', routerWorker, settings.batch);
    ctx.log(`durable batch: ${batch.done} documents in ${(batch.elapsedMs / 1000).toFixed(1)} s = ${batch.docsPerSecond} docs/s (${batch.status})`);
  }
  await routerWorker.stop();
  return {
    settings,
    kinds,
    throughputRatio: round(kinds.routed.throughput / kinds.noop.throughput, 3),
    batch,
  };
}
