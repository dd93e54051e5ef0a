// Part 1: what each system adds to a request. Same fake provider (0 ms and
// 50 ms), same request, the same modes: sequential, then open loop at fixed
// rates. Systems take turns within each round (the order rotates per round),
// and every figure is the median over rounds of that round's value; the
// added latency is taken against the direct call of the same round.
import { performance } from 'node:perf_hooks';
import type { BenchContext } from '../lib/context';
import { closedLoop, errorCounts, openLoop, sequential, type LoadResult } from '../lib/load';
import { ResourceMeter, sampleProcess } from '../lib/process-stats';
import { cdfPoints, median, percentile, round } from '../lib/stats';
import { directSystem, durableSystem, loadBenchConfig, portkeySystem, portkeyTarget, routerSystem, type System } from '../lib/systems';

export interface OverheadSettings {
  rounds: number;
  providerLatenciesMs: number[];
  sequentialCalls: Record<string, number>;
  rates: number[];
  rateDurationMs: number;
  saturationConcurrency: number;
  saturationDurationMs: number;
  warmupCalls: number;
  /** A sequential run stops after this long even if it made fewer calls (the durable path is slow under load). */
  sequentialBudgetMs: number;
}

export function overheadSettings(scale: number): OverheadSettings {
  const s = (n: number, min = 1) => Math.max(min, Math.round(n * scale));
  return {
    rounds: Math.max(2, Math.round(3 * Math.min(1, scale * 2))),
    providerLatenciesMs: [0, 50],
    sequentialCalls: { '0': s(100, 10), '50': s(40, 10) },
    sequentialBudgetMs: s(8_000, 2_000),
    rates: [50, 500],
    rateDurationMs: s(2_000, 500),
    saturationConcurrency: 32,
    saturationDurationMs: s(3_000, 1_000),
    warmupCalls: s(40, 10),
  };
}

export interface SystemCell {
  samples: number;
  errors: Record<string, number>;
  dropped: number;
  p50: number;
  p99: number;
  p999: number;
  addedP50: number;
  addedP99: number;
  addedP999: number;
  throughput: number;
  sustained: boolean;
  cpuMsPerRequest: number;
  cpuPercent: number;
  hostPeakRssMb: number;
  cdf: Array<[number, number]>;
}

export interface OverheadCell {
  providerLatencyMs: number;
  mode: string;
  rate?: number;
  systems: Record<string, SystemCell>;
}

export interface OverheadResult {
  settings: OverheadSettings;
  portkeyVersion: string;
  cells: OverheadCell[];
  saturation: Record<string, { throughput: number; errors: number; p50: number; cpuPercent: number }>;
  wallMs: number;
}

interface RoundRun {
  result: LoadResult;
  cpuMs: number;
  cpuPercent: number;
  peakRssMb: number;
}

async function measure(system: System, run: () => Promise<LoadResult>): Promise<RoundRun> {
  const meter = new ResourceMeter(system.pids);
  const hostStart = sampleProcess(system.hostPid)?.rssMb ?? 0;
  const result = await run();
  const usage = meter.stop();
  const hostNow = sampleProcess(system.hostPid)?.rssMb ?? 0;
  return { result, cpuMs: usage.cpuMs, cpuPercent: usage.cpuPercent, peakRssMb: Math.max(hostStart, hostNow) };
}

const latencies = (r: LoadResult) => r.samples.filter((s) => s.ok).map((s) => s.latencyMs);

export async function runOverhead(ctx: BenchContext): Promise<OverheadResult> {
  const started = performance.now();
  const settings = overheadSettings(ctx.scale);
  const { fake } = ctx;
  const portkey = await ctx.portkey();
  const temporal = await ctx.temporal();
  const worker = await temporal.startWorker('router', 'bench-overhead');
  const runTag = Date.now().toString(36);
  const cells: OverheadCell[] = [];
  const saturation: OverheadResult['saturation'] = {};

  for (const providerLatencyMs of settings.providerLatenciesMs) {
    const route = `overhead-${providerLatencyMs}ms`;
    await fake.set(route, { latencyMs: providerLatencyMs });
    const config = loadBenchConfig(fake, { groups: { chat: [route] } });
    const systems: System[] = [
      directSystem(fake, route),
      routerSystem(config, 'chat').system,
      durableSystem(temporal, config, { group: 'chat', taskQueue: 'bench-overhead', workerPids: [worker.pid], runId: `${runTag}-${providerLatencyMs}` }),
      portkeySystem(portkey, portkeyTarget(fake, route)),
    ];
    ctx.log(`overhead ${providerLatencyMs} ms provider: warm-up`);
    let seqBase = 0;
    for (const system of systems) {
      await sequential(settings.warmupCalls, (i) => system.call(seqBase + i));
      seqBase += settings.warmupCalls;
    }
    const modes: Array<{ mode: string; rate?: number }> = [{ mode: 'sequential' }, ...settings.rates.map((rate) => ({ mode: `${rate} rps`, rate }))];
    // runs[mode][system] = one entry per round
    const runs = new Map<string, Map<string, RoundRun[]>>();
    for (let round = 0; round < settings.rounds; round += 1) {
      for (const { mode, rate } of modes) {
        const order = systems.map((_, i) => systems[(i + round) % systems.length] as System);
        for (const system of order) {
          const base = (seqBase += 100_000);
          const run = await measure(system, () =>
            rate === undefined
              ? sequential(settings.sequentialCalls[String(providerLatencyMs)] ?? 50, (i) => system.call(base + i), system.timeoutMs, settings.sequentialBudgetMs)
              : openLoop({
                  rate,
                  count: Math.round((rate * settings.rateDurationMs) / 1000),
                  call: (i) => system.call(base + i),
                  ...(system.maxInFlight ? { maxInFlight: system.maxInFlight } : {}),
                  ...(system.timeoutMs ? { timeoutMs: system.timeoutMs } : {}),
                }),
          );
          const byMode = runs.get(mode) ?? new Map<string, RoundRun[]>();
          runs.set(mode, byMode);
          byMode.set(system.name, [...(byMode.get(system.name) ?? []), run]);
          ctx.log(`overhead ${providerLatencyMs} ms, ${mode}, round ${round + 1}/${settings.rounds}, ${system.name}: p50 ${round2(percentile(latencies(run.result), 50))} ms, ${run.result.samples.filter((s) => !s.ok).length} errors`);
        }
        await fake.set(route, { latencyMs: providerLatencyMs }); // drop recorded requests, keep the behaviour
      }
    }
    for (const { mode, rate } of modes) {
      const byMode = runs.get(mode) as Map<string, RoundRun[]>;
      const direct = byMode.get('direct') as RoundRun[];
      const directPooled = direct.flatMap((r) => latencies(r.result));
      const cell: OverheadCell = { providerLatencyMs, mode, ...(rate !== undefined ? { rate } : {}), systems: {} };
      for (const system of systems) {
        const rounds = byMode.get(system.name) as RoundRun[];
        const pooled = rounds.flatMap((r) => latencies(r.result));
        const p50s = rounds.map((r) => percentile(latencies(r.result), 50));
        const p99s = rounds.map((r) => percentile(latencies(r.result), 99));
        const added50 = rounds.map((r, i) => percentile(latencies(r.result), 50) - percentile(latencies((direct[i] as RoundRun).result), 50));
        const added99 = rounds.map((r, i) => percentile(latencies(r.result), 99) - percentile(latencies((direct[i] as RoundRun).result), 99));
        const errors: Record<string, number> = {};
        for (const r of rounds) for (const [k, v] of Object.entries(errorCounts(r.result.samples))) errors[k] = (errors[k] ?? 0) + v;
        const dropped = rounds.reduce((a, r) => a + r.result.dropped, 0);
        const requests = rounds.reduce((a, r) => a + r.result.samples.length, 0);
        const throughput = median(rounds.map((r) => r.result.throughput));
        const errorTotal = Object.values(errors).reduce((a, b) => a + b, 0);
        cell.systems[system.name] = {
          samples: pooled.length,
          errors,
          dropped,
          p50: round2(median(p50s)),
          p99: round2(median(p99s)),
          p999: round2(percentile(pooled, 99.9)),
          addedP50: round2(median(added50)),
          addedP99: round2(median(added99)),
          addedP999: round2(percentile(pooled, 99.9) - percentile(directPooled, 99.9)),
          throughput: round2(throughput),
          sustained: rate === undefined ? errorTotal === 0 : errorTotal === 0 && dropped === 0 && throughput >= 0.9 * rate,
          cpuMsPerRequest: round(rounds.reduce((a, r) => a + r.cpuMs, 0) / Math.max(1, requests), 3),
          cpuPercent: round2(median(rounds.map((r) => r.cpuPercent))),
          hostPeakRssMb: round2(Math.max(...rounds.map((r) => r.peakRssMb))),
          cdf: cdfPoints(pooled).map(([x, y]) => [round(x, 3), round(y, 4)]),
        };
      }
      cells.push(cell);
    }
    if (providerLatencyMs === 0) {
      // Max sustainable rate: closed loop at a fixed concurrency on the 0 ms provider, in rotated rounds like the rest.
      const sat = new Map<string, RoundRun[]>();
      for (let round = 0; round < settings.rounds; round += 1) {
        for (const system of systems.map((_, i) => systems[(i + round) % systems.length] as System)) {
          const base = (seqBase += 100_000);
          const run = await measure(system, () =>
            closedLoop({ concurrency: settings.saturationConcurrency, durationMs: settings.saturationDurationMs, call: (i) => system.call(base + i), ...(system.timeoutMs ? { timeoutMs: system.timeoutMs } : {}) }),
          );
          sat.set(system.name, [...(sat.get(system.name) ?? []), run]);
          ctx.log(`saturation round ${round + 1}, ${system.name}: ${round2(run.result.throughput)} req/s at concurrency ${settings.saturationConcurrency}`);
        }
      }
      for (const [name, rounds] of sat) {
        saturation[name] = {
          throughput: round2(median(rounds.map((r) => r.result.throughput))),
          errors: rounds.reduce((a, r) => a + r.result.samples.filter((s) => !s.ok).length, 0),
          p50: round2(median(rounds.map((r) => percentile(latencies(r.result), 50)))),
          cpuPercent: round2(median(rounds.map((r) => r.cpuPercent))),
        };
      }
      await fake.set(route, { latencyMs: providerLatencyMs });
    }
  }
  await worker.stop();
  return { settings, portkeyVersion: portkey.version, cells, saturation, wallMs: Math.round(performance.now() - started) };
}

function round2(v: number): number {
  return round(v, 2);
}
