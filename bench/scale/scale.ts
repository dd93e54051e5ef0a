// Part 4: scale. routedCompletion throughput with 1, 2 and 4 worker
// processes on one task queue, then a concurrency sweep with one worker.
// On a 2-core machine shared with the dev server, more workers mostly show
// where the server, not the worker, becomes the limit.
import type { BenchContext } from '../lib/context';
import { closedLoop, errorCounts } from '../lib/load';
import { ResourceMeter, sampleProcess } from '../lib/process-stats';
import { percentile, round } from '../lib/stats';
import { DURABLE_CLIENT_TIMEOUT_MS, durableSystem, loadBenchConfig } from '../lib/systems';

export interface ScaleSettings {
  workerCounts: number[];
  workersConcurrency: number;
  concurrencies: number[];
  durationMs: number;
}

export function scaleSettings(scale: number): ScaleSettings {
  return { workerCounts: [1, 2, 4], workersConcurrency: 16, concurrencies: [1, 4, 16, 32], durationMs: Math.max(2_000, Math.round(6_000 * scale)) };
}

export interface ScalePoint {
  workers: number;
  concurrency: number;
  throughput: number;
  p50: number;
  p99: number;
  errors: Record<string, number>;
  cpuPercent: number;
  workersPeakRssMb: number;
}

export interface ScaleResult {
  settings: ScaleSettings;
  byWorkers: ScalePoint[];
  byConcurrency: ScalePoint[];
}

export async function runScale(ctx: BenchContext): Promise<ScaleResult> {
  const settings = scaleSettings(ctx.scale);
  const temporal = await ctx.temporal();
  const route = 'scale-0ms';
  await ctx.fake.set(route, { latencyMs: 0 });
  const config = loadBenchConfig(ctx.fake, { groups: { chat: [route] } });
  const runTag = Date.now().toString(36);
  let seq = 0;

  async function point(workers: number, concurrency: number, taskQueue: string, workerPids: number[]): Promise<ScalePoint> {
    const system = durableSystem(temporal, config, { group: 'chat', taskQueue, workerPids, runId: `${runTag}-scale` });
    const base = (seq += 1_000_000);
    const meter = new ResourceMeter(system.pids);
    const load = await closedLoop({ concurrency, durationMs: settings.durationMs, call: (i) => system.call(base + i), timeoutMs: DURABLE_CLIENT_TIMEOUT_MS });
    const usage = meter.stop();
    const ok = load.samples.filter((s) => s.ok).map((s) => s.latencyMs);
    const result: ScalePoint = {
      workers,
      concurrency,
      throughput: round(load.throughput, 2),
      p50: round(percentile(ok, 50), 2),
      p99: round(percentile(ok, 99), 2),
      errors: errorCounts(load.samples),
      cpuPercent: round(usage.cpuPercent, 1),
      workersPeakRssMb: round(workerPids.reduce((a, pid) => a + (sampleProcess(pid)?.peakRssMb ?? 0), 0), 1),
    };
    ctx.log(`scale: ${workers} worker(s), concurrency ${concurrency}: ${result.throughput} workflows/s, p50 ${result.p50} ms`);
    return result;
  }

  const byWorkers: ScalePoint[] = [];
  const byConcurrency: ScalePoint[] = [];
  for (const n of settings.workerCounts) {
    const taskQueue = `bench-scale-${n}`;
    const workers = [];
    for (let i = 0; i < n; i += 1) workers.push(await temporal.startWorker('router', taskQueue));
    // Warm every worker's workflow cache before timing.
    const warm = durableSystem(temporal, config, { group: 'chat', taskQueue, workerPids: [], runId: `${runTag}-warm-${n}` });
    await closedLoop({ concurrency: 4 * n, durationMs: 1_000, call: (i) => warm.call(i) });
    byWorkers.push(await point(n, settings.workersConcurrency, taskQueue, workers.map((w) => w.pid)));
    if (n === 1) for (const c of settings.concurrencies) byConcurrency.push(await point(1, c, taskQueue, workers.map((w) => w.pid)));
    await Promise.all(workers.map((w) => w.stop()));
  }
  return { settings, byWorkers, byConcurrency };
}
