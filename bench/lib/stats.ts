// Order statistics for latency samples. Percentiles use the nearest-rank
// method, so p99.9 of fewer than 1000 samples is the maximum: callers pool
// rounds before asking for it.

export function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = sorted(values);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1] as number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = sorted(values);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Points of the empirical CDF, thinned to at most `maxPoints` for charts. */
export function cdfPoints(values: readonly number[], maxPoints = 200): Array<[number, number]> {
  const s = sorted(values);
  if (s.length === 0) return [];
  const step = Math.max(1, Math.floor(s.length / maxPoints));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < s.length; i += step) out.push([s[i] as number, (i + 1) / s.length]);
  out.push([s[s.length - 1] as number, 1]);
  return out;
}

export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
