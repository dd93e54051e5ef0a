/**
 * Longest provider-suggested delay we keep: a day. What it is used for is
 * bounded where it is used: a deployment cools for at most
 * `max_cooldown_time`, and a retry on the same deployment waits for it only up
 * to a minute (beyond that the caller's own backoff applies, as openai-node
 * does), so a long Retry-After cools the deployment instead of being dropped.
 */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60_000;

export type HeadersLike =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: HeadersLike, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() !== name) continue;
    const value = record[key];
    return typeof value === 'string' ? value : value?.[0];
  }
  return undefined;
}

/**
 * Reads `retry-after-ms`, then `retry-after` as seconds or as an HTTP date.
 * Values outside 0..MAX_RETRY_AFTER_MS (negative, or longer than a day) are
 * ignored rather than clamped: they are more likely a broken header than advice.
 */
export function parseRetryAfterMs(headers: HeadersLike | undefined | null, now: () => number = Date.now): number | undefined {
  if (!headers) return undefined;
  let ms: number | undefined;
  const msHeader = header(headers, 'retry-after-ms');
  if (msHeader !== undefined && msHeader.trim() !== '') {
    const value = Number(msHeader);
    if (Number.isFinite(value)) ms = value;
  }
  if (ms === undefined) {
    const raw = header(headers, 'retry-after');
    if (raw !== undefined && raw.trim() !== '') {
      const seconds = Number(raw);
      if (Number.isFinite(seconds)) {
        ms = seconds * 1000;
      } else {
        const at = Date.parse(raw);
        if (!Number.isNaN(at)) ms = at - now();
      }
    }
  }
  if (ms === undefined || ms < 0 || ms > MAX_RETRY_AFTER_MS) return undefined;
  return Math.round(ms);
}

/** `x-should-retry: true|false` lets a server override status-based retryability. */
export function parseShouldRetry(headers: HeadersLike | undefined | null): boolean | undefined {
  if (!headers) return undefined;
  const value = header(headers, 'x-should-retry');
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}
