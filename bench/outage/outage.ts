// Part 2: failover under an outage. Group "chat" has two deployments (a, b)
// and falls back to group "chat-backup" (one deployment). Constant-rate load;
// deployment a answers 503 for a window, then recovers. Each system gets its
// own routes on the fake provider, so every request it makes is counted, and
// each request carries its sequence number, so we know which requests
// touched more than one deployment (failed over).
import { performance } from 'node:perf_hooks';
import type { BenchContext } from '../lib/context';
import type { Arrival } from '../lib/fake-provider';
import { errorCounts, openLoop, type LoadResult } from '../lib/load';
import type { PortkeyConfig } from '../lib/portkey';
import { cdfPoints, median, percentile, round } from '../lib/stats';
import { durableSystem, loadBenchConfig, portkeySystem, portkeyTarget, routerSystem, type BenchTopology, type System } from '../lib/systems';

export interface OutageSettings {
  rate: number;
  durationMs: number;
  outageStartMs: number;
  outageEndMs: number;
  providerLatencyMs: number;
  binMs: number;
  /** Status the dead deployment returns. */
  outageStatus: number;
}

export function outageSettings(scale: number): OutageSettings {
  const k = Math.max(0.3, Math.min(1, scale));
  return {
    rate: 5,
    durationMs: Math.round(30_000 * k),
    outageStartMs: Math.round(8_000 * k),
    outageEndMs: Math.round(18_000 * k),
    providerLatencyMs: 20,
    binMs: 500,
    outageStatus: 503,
  };
}

const RETRYABLE_STATUSES = [429, 500, 502, 503, 504];

export interface OutageSystemResult {
  requests: number;
  userErrors: number;
  errors: Record<string, number>;
  /** Requests that reached the dead deployment while it was down. */
  wastedOnDead: number;
  /** Provider calls beyond one per user request. */
  extraProviderCalls: number;
  failedOver: number;
  baselineP50: number;
  failedOverP50: number;
  failedOverP99: number;
  addedFailedOverP50: number;
  addedFailedOverP99: number;
  /** From the outage start until a 2 s window in which a gets at most a tenth of its normal traffic; null = never. */
  timeToShiftAwayMs: number | null;
  /** From recovery until its traffic is back to half its normal rate; null = not within the run. */
  timeToBringBackMs: number | null;
  /** Requests per deployment per bin, time from the load start. */
  timeline: Record<string, Array<[number, number]>>;
  cdf: Array<[number, number]>;
  config: unknown;
}

export interface OutageResult {
  settings: OutageSettings;
  outageStartedAtMs: number;
  outageEndedAtMs: number;
  systems: Record<string, OutageSystemResult>;
}

function countIn(times: readonly number[], from: number, to: number): number {
  let n = 0;
  for (const t of times) if (t >= from && t < to) n += 1;
  return n;
}

export interface Plan {
  system: System;
  routes: { a: string; b: string; backup: string };
  config: unknown;
}

export async function runOutage(ctx: BenchContext): Promise<OutageResult> {
  const settings = outageSettings(ctx.scale);
  const { fake } = ctx;
  const portkey = await ctx.portkey();
  const temporal = await ctx.temporal();
  const worker = await temporal.startWorker('router', 'bench-outage');
  const runTag = Date.now().toString(36);

  const routesFor = (name: string) => ({ a: `${name}-a`, b: `${name}-b`, backup: `${name}-backup` });
  const topology = (r: { a: string; b: string; backup: string }): BenchTopology => ({
    groups: { chat: [r.a, r.b], 'chat-backup': [r.backup] },
    fallbacks: { chat: ['chat-backup'] },
    routerSettings: { num_retries: 2 },
  });
  const portkeyConfig = (r: { a: string; b: string; backup: string }, retry: boolean): PortkeyConfig => {
    const leaf = (route: string) => ({ ...portkeyTarget(fake, route), ...(retry ? { retry: { attempts: 2, on_status_codes: RETRYABLE_STATUSES } } : {}) }) as PortkeyConfig;
    return {
      strategy: { mode: 'fallback', on_status_codes: RETRYABLE_STATUSES },
      targets: [{ strategy: { mode: 'loadbalance' }, targets: [leaf(r.a), leaf(r.b)] }, portkeyTarget(fake, r.backup)],
    };
  };

  const plans: Plan[] = [];
  {
    const r = routesFor('outage-router');
    const config = loadBenchConfig(fake, topology(r));
    plans.push({ system: routerSystem(config, 'chat').system, routes: r, config: { router_settings: { num_retries: 2, fallbacks: [{ chat: ['chat-backup'] }] }, note: 'cooldown defaults: allowed_fails 3, cooldown_time 5 s' } });
  }
  {
    const r = routesFor('outage-durable');
    const config = loadBenchConfig(fake, topology(r));
    plans.push({
      system: durableSystem(temporal, config, { group: 'chat', taskQueue: 'bench-outage', workerPids: [worker.pid], runId: `${runTag}-outage`, chainState: true }),
      routes: r,
      config: { sameAs: 'router', note: 'each request passes the routing state returned by the latest finished run' },
    });
  }
  for (const retry of [true, false]) {
    const name = retry ? 'portkey' : 'portkey-no-retry';
    const r = routesFor(`outage-${name}`);
    const config = portkeyConfig(r, retry);
    plans.push({ system: portkeySystem(portkey, config, name), routes: r, config });
  }

  const systems: Record<string, OutageSystemResult> = {};
  let outageStartedAtMs = 0;
  let outageEndedAtMs = 0;
  for (const plan of plans) {
    const measured = await measureOutage(ctx, settings, plan);
    systems[plan.system.name] = measured.result;
    outageStartedAtMs = measured.outageStartedAtMs;
    outageEndedAtMs = measured.outageEndedAtMs;
  }
  await worker.stop();
  return { settings, outageStartedAtMs, outageEndedAtMs, systems };
}

/** One system through the outage: warm-up, then the constant-rate load while deployment a is down for the window. */
export async function measureOutage(ctx: BenchContext, settings: OutageSettings, plan: Plan): Promise<{ result: OutageSystemResult; outageStartedAtMs: number; outageEndedAtMs: number }> {
  const { fake } = ctx;
  const { system, routes } = plan;
  const count = Math.round((settings.rate * settings.durationMs) / 1000);
  for (const route of Object.values(routes)) await fake.set(route, { latencyMs: settings.providerLatencyMs });
  // A short warm-up so connection set-up is not mistaken for the outage's cost.
  await openLoop({ rate: settings.rate, count: settings.rate, call: (i) => system.call(1_000_000 + i) });
  await fake.reset();
  for (const route of Object.values(routes)) await fake.set(route, { latencyMs: settings.providerLatencyMs });

  const t0 = Date.now();
  const startTimer = new Promise<number>((resolve) =>
    setTimeout(() => void fake.set(routes.a, { latencyMs: settings.providerLatencyMs, status: settings.outageStatus, errorMessage: 'deployment down' }).then(() => resolve(Date.now())), settings.outageStartMs),
  );
  const endTimer = new Promise<number>((resolve) =>
    setTimeout(() => void fake.set(routes.a, { latencyMs: settings.providerLatencyMs }).then(() => resolve(Date.now())), settings.outageEndMs),
  );
  const started = performance.now();
  const load: LoadResult = await openLoop({
    rate: settings.rate,
    count,
    call: (i) => system.call(i),
    ...(system.maxInFlight ? { maxInFlight: system.maxInFlight } : {}),
    ...(system.timeoutMs ? { timeoutMs: system.timeoutMs } : {}),
  });
  const downAt = await startTimer;
  const upAt = await endTimer;
  const arrivals = await fake.arrivals(Object.values(routes));
  const result = analyse(settings, plan, load, arrivals, t0, downAt, upAt);
  ctx.log(
    `outage ${system.name}: ${result.userErrors} user errors, ${result.wastedOnDead} wasted on the dead deployment, ` +
      `shift away ${result.timeToShiftAwayMs} ms, back ${result.timeToBringBackMs} ms (${Math.round(performance.now() - started)} ms)`,
  );
  await fake.reset();
  return { result, outageStartedAtMs: downAt - t0, outageEndedAtMs: upAt - t0 };
}

function analyse(
  settings: OutageSettings,
  plan: Plan,
  load: LoadResult,
  arrivals: Record<string, Arrival[]>,
  t0: number,
  downAt: number,
  upAt: number,
): OutageSystemResult {
  const { routes } = plan;
  const timesOf = (route: string) => (arrivals[route] ?? []).map(([t]) => t);
  const deadTimes = timesOf(routes.a);
  const routesBySeq = new Map<number, Set<string>>();
  let providerCalls = 0;
  for (const [route, list] of Object.entries(arrivals)) {
    providerCalls += list.length;
    for (const [, tag] of list) {
      if (tag === null) continue;
      const set = routesBySeq.get(tag) ?? new Set<string>();
      set.add(route);
      routesBySeq.set(tag, set);
    }
  }
  // Calls per request, not distinct routes: a retry on the same deployment also counts.
  const callsBySeq = new Map<number, number>();
  for (const list of Object.values(arrivals)) for (const [, tag] of list) if (tag !== null) callsBySeq.set(tag, (callsBySeq.get(tag) ?? 0) + 1);
  const ok = load.samples.filter((s) => s.ok);
  const baseline = ok.filter((s) => s.at < downAt && (callsBySeq.get(s.seq) ?? 1) === 1).map((s) => s.latencyMs);
  const failedOver = ok.filter((s) => (callsBySeq.get(s.seq) ?? 1) > 1).map((s) => s.latencyMs);
  const baselineP50 = median(baseline);

  // Normal traffic to deployment a: its rate before the outage.
  const normalRate = countIn(deadTimes, t0, downAt) / Math.max(1, (downAt - t0) / 1000);
  const stepMs = 100;
  // Two seconds hold about five requests to a at this rate, so a window with none
  // (or only a tenth of normal) is a shift, not a random lull of load balancing.
  const windowMs = 2000;
  let timeToShiftAwayMs: number | null = null;
  for (let t = downAt; t + windowMs <= upAt; t += stepMs) {
    if (countIn(deadTimes, t, t + windowMs) <= 0.1 * normalRate * (windowMs / 1000)) {
      timeToShiftAwayMs = t - downAt;
      break;
    }
  }
  let timeToBringBackMs: number | null = null;
  const endOfRun = t0 + settings.durationMs + 2_000;
  for (let t = upAt; t + windowMs <= endOfRun; t += stepMs) {
    if (countIn(deadTimes, t, t + windowMs) >= 0.5 * normalRate * (windowMs / 1000)) {
      // The first call in that window is when traffic came back.
      const first = deadTimes.filter((x) => x >= t).sort((x, y) => x - y)[0] ?? t;
      timeToBringBackMs = first - upAt;
      break;
    }
  }
  const timeline: Record<string, Array<[number, number]>> = {};
  const bins = Math.ceil((settings.durationMs + 2_000) / settings.binMs);
  for (const [key, route] of Object.entries(routes)) {
    const times = timesOf(route);
    timeline[key] = Array.from({ length: bins }, (_, i) => [round((i * settings.binMs) / 1000, 2), countIn(times, t0 + i * settings.binMs, t0 + (i + 1) * settings.binMs) * (1000 / settings.binMs)] as [number, number]);
  }
  const errors = errorCounts(load.samples);
  return {
    requests: load.samples.length + load.dropped,
    userErrors: load.samples.length - ok.length + load.dropped,
    errors: load.dropped ? { ...errors, 'not sent (too many in flight)': load.dropped } : errors,
    wastedOnDead: countIn(deadTimes, downAt, upAt),
    extraProviderCalls: providerCalls - ok.length,
    failedOver: failedOver.length,
    baselineP50: round(baselineP50, 2),
    failedOverP50: round(percentile(failedOver, 50), 2),
    failedOverP99: round(percentile(failedOver, 99), 2),
    addedFailedOverP50: round(percentile(failedOver, 50) - baselineP50, 2),
    addedFailedOverP99: round(percentile(failedOver, 99) - baselineP50, 2),
    timeToShiftAwayMs,
    timeToBringBackMs,
    timeline,
    cdf: cdfPoints(ok.map((s) => s.latencyMs)).map(([x, y]) => [round(x, 3), round(y, 4)]),
    config: plan.config,
  };
}
