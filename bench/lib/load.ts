// Load generation: open loop at a fixed rate (each request is sent at its
// scheduled time whether or not earlier ones finished, and its latency counts
// from that scheduled time, so a system that falls behind is not flattered),
// or closed loop at a fixed concurrency. Both stop by themselves: a bounded
// count or duration, a cap on requests in flight and a per-request timeout.
import { performance } from 'node:perf_hooks';

export const DEFAULT_MAX_IN_FLIGHT = 256;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export type Call = (seq: number) => Promise<unknown>;

export interface Sample {
  seq: number;
  /** epoch ms when the request was due */
  at: number;
  latencyMs: number;
  ok: boolean;
  error?: string;
}

export interface LoadResult {
  samples: Sample[];
  /** requests not sent because too many were in flight */
  dropped: number;
  wallMs: number;
  /** completed requests per second over the wall time */
  throughput: number;
}

function errorName(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; constructor?: { name?: string }; status?: unknown; cause?: { type?: unknown } };
    const causeType = typeof e.cause?.type === 'string' ? `:${e.cause.type}` : '';
    const name = typeof e.name === 'string' && e.name !== 'Error' ? e.name : (e.constructor?.name ?? 'Error');
    return `${name}${typeof e.status === 'number' ? ` ${e.status}` : ''}${causeType}`;
  }
  return String(err);
}

class TimeoutError extends Error {
  override name = 'BenchTimeout';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export interface OpenLoopOptions {
  rate: number;
  count: number;
  call: Call;
  maxInFlight?: number;
  timeoutMs?: number;
}

export async function openLoop(options: OpenLoopOptions): Promise<LoadResult> {
  const { rate, count, call } = options;
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const intervalMs = 1000 / rate;
  const samples: Sample[] = [];
  const inFlight = new Set<Promise<void>>();
  let dropped = 0;
  const t0 = performance.now();
  const epoch0 = Date.now();
  for (let seq = 0; seq < count; seq += 1) {
    const due = t0 + seq * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (inFlight.size >= maxInFlight) {
      dropped += 1;
      continue;
    }
    const at = epoch0 + (due - t0);
    const p = withTimeout(call(seq), timeoutMs).then(
      () => {
        samples.push({ seq, at, latencyMs: performance.now() - due, ok: true });
      },
      (err: unknown) => {
        samples.push({ seq, at, latencyMs: performance.now() - due, ok: false, error: errorName(err) });
      },
    );
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }
  await Promise.all(inFlight);
  const wallMs = performance.now() - t0;
  return { samples, dropped, wallMs, throughput: (samples.filter((s) => s.ok).length * 1000) / wallMs };
}

export interface ClosedLoopOptions {
  concurrency: number;
  durationMs: number;
  call: Call;
  timeoutMs?: number;
}

export async function closedLoop(options: ClosedLoopOptions): Promise<LoadResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const samples: Sample[] = [];
  const t0 = performance.now();
  const stopAt = t0 + options.durationMs;
  let seq = 0;
  async function lane(): Promise<void> {
    while (performance.now() < stopAt) {
      const n = seq++;
      const start = performance.now();
      const at = Date.now();
      try {
        await withTimeout(options.call(n), timeoutMs);
        samples.push({ seq: n, at, latencyMs: performance.now() - start, ok: true });
      } catch (err) {
        samples.push({ seq: n, at, latencyMs: performance.now() - start, ok: false, error: errorName(err) });
      }
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, () => lane()));
  const wallMs = performance.now() - t0;
  return { samples, dropped: 0, wallMs, throughput: (samples.filter((s) => s.ok).length * 1000) / wallMs };
}

/** Sequential: one request at a time, `count` of them or until `budgetMs` has passed. */
export async function sequential(count: number, call: Call, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, budgetMs = Infinity): Promise<LoadResult> {
  const samples: Sample[] = [];
  const t0 = performance.now();
  for (let seq = 0; seq < count && performance.now() - t0 < budgetMs; seq += 1) {
    const start = performance.now();
    const at = Date.now();
    try {
      await withTimeout(call(seq), timeoutMs);
      samples.push({ seq, at, latencyMs: performance.now() - start, ok: true });
    } catch (err) {
      samples.push({ seq, at, latencyMs: performance.now() - start, ok: false, error: errorName(err) });
    }
  }
  const wallMs = performance.now() - t0;
  return { samples, dropped: 0, wallMs, throughput: (samples.filter((s) => s.ok).length * 1000) / wallMs };
}

/**
 * Two systems called one at a time, interleaved A B B A, so each call of one
 * has a call of the other within milliseconds: on a machine whose speed
 * drifts over seconds, their difference is then the systems', not the
 * minute's. `count` calls each; the budget covers both.
 */
export async function pairedSequential(count: number, a: Call, b: Call, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, budgetMs = Infinity): Promise<{ a: LoadResult; b: LoadResult }> {
  const both = await sequential(2 * count, (i) => ((i % 4 === 0 || i % 4 === 3 ? a : b)(i >> 1)), timeoutMs, budgetMs);
  const part = (mine: (i: number) => boolean): LoadResult => {
    const samples = both.samples.filter((s) => mine(s.seq)).map((s) => ({ ...s, seq: s.seq >> 1 }));
    return { samples, dropped: 0, wallMs: both.wallMs, throughput: (samples.filter((s) => s.ok).length * 1000) / both.wallMs };
  };
  return { a: part((i) => i % 4 === 0 || i % 4 === 3), b: part((i) => i % 4 === 1 || i % 4 === 2) };
}

/** One block of pairedRates: each side's rate over its two slices, and a's over b's. */
export interface RateBlock {
  a: number;
  b: number;
  ratio: number;
  errors: number;
}

/**
 * Two systems' rates in alternating slices of one closed loop each, A B B A
 * then B A A B, so a drift of the machine's speed over a block falls on both
 * sides alike; each block gives a ratio. For rates of systems that would
 * otherwise be measured tens of seconds apart.
 */
export async function pairedRates(blocks: number, sliceMs: number, concurrency: number, a: Call, b: Call): Promise<RateBlock[]> {
  let seq = 0;
  const slice = async (call: Call): Promise<LoadResult> => {
    const base = seq;
    const load = await closedLoop({ concurrency, durationMs: sliceMs, call: (i) => call(base + i) });
    seq += load.samples.length;
    return load;
  };
  // One unmeasured slice each first: a system idle since its last phase warms its pools and code again.
  await slice(a);
  await slice(b);
  const out: RateBlock[] = [];
  for (let k = 0; k < blocks; k += 1) {
    const side = { a: { ok: 0, ms: 0 }, b: { ok: 0, ms: 0 } };
    let errors = 0;
    for (const name of k % 2 === 0 ? (['a', 'b', 'b', 'a'] as const) : (['b', 'a', 'a', 'b'] as const)) {
      const load = await slice(name === 'a' ? a : b);
      const ok = load.samples.filter((s) => s.ok).length;
      errors += load.samples.length - ok;
      side[name].ok += ok;
      side[name].ms += load.wallMs;
    }
    const rateA = (side.a.ok * 1000) / side.a.ms;
    const rateB = (side.b.ok * 1000) / side.b.ms;
    out.push({ a: rateA, b: rateB, ratio: rateA / rateB, errors });
  }
  return out;
}

export function errorCounts(samples: readonly Sample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) if (!s.ok) out[s.error ?? 'error'] = (out[s.error ?? 'error'] ?? 0) + 1;
  return out;
}
