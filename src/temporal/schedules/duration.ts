// Durations in schedule specs: a number of milliseconds, or "<n><unit>" /
// "<n> <unit words>" (5s, 90 seconds, 2m, 1 hour, 1d).
const UNIT_MS: Record<string, number> = {
  ms: 1, millisecond: 1, milliseconds: 1,
  s: 1_000, sec: 1_000, secs: 1_000, second: 1_000, seconds: 1_000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
};
const PATTERN = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i;

/** Milliseconds, or a message saying what is wrong (no path: the caller adds it). */
export function parseDuration(value: unknown): { ms: number } | { problem: string } {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? { ms: value } : { problem: `expected a non-negative number of milliseconds, got ${value}` };
  }
  if (typeof value !== 'string') return { problem: `expected milliseconds or a duration such as "5s" or "10 minutes", got ${typeof value}` };
  const match = PATTERN.exec(value.trim());
  const unit = match ? UNIT_MS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) return { problem: `"${value}" is not a duration; use e.g. "5s", "90 seconds", "2m", "1h", "1d"` };
  return { ms: Math.round(Number(match[1]) * unit) };
}
