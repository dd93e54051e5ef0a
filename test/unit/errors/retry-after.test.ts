import { MAX_RETRY_AFTER_MS, parseRetryAfterMs, parseShouldRetry } from '../../../src/errors';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const now = (): number => NOW;

describe('parseRetryAfterMs', () => {
  it.each([
    ['retry-after seconds', { 'retry-after': '2' }, 2000],
    ['retry-after fractional seconds', { 'retry-after': '0.5' }, 500],
    ['retry-after-ms wins over retry-after', { 'retry-after-ms': '150', 'retry-after': '9' }, 150],
    ['retry-after as an HTTP date', { 'retry-after': new Date(NOW + 3000).toUTCString() }, 3000],
    ['header names are case-insensitive', { 'Retry-After': '4' }, 4000],
    ['zero is allowed', { 'retry-after': '0' }, 0],
    ['an hour is kept (it cools the deployment)', { 'retry-after': '3600' }, 3_600_000],
    ['exactly the bound', { 'retry-after': String(MAX_RETRY_AFTER_MS / 1000) }, MAX_RETRY_AFTER_MS],
  ])('%s', (_label, headers, expected) => {
    expect(parseRetryAfterMs(headers, now)).toBe(expected);
  });

  it.each([
    ['no header', {}],
    ['beyond the bound', { 'retry-after': String(MAX_RETRY_AFTER_MS / 1000 + 1) }],
    ['a date in the past', { 'retry-after': new Date(NOW - 5000).toUTCString() }],
    ['negative ms', { 'retry-after-ms': '-1' }],
    ['garbage', { 'retry-after': 'soon' }],
  ])('ignores %s', (_label, headers) => {
    expect(parseRetryAfterMs(headers, now)).toBeUndefined();
  });

  it('reads a fetch Headers object', () => {
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '1' }), now)).toBe(1000);
  });

  it('falls back to retry-after when retry-after-ms is unparsable', () => {
    expect(parseRetryAfterMs({ 'retry-after-ms': 'x', 'retry-after': '1' }, now)).toBe(1000);
  });
});

describe('parseShouldRetry', () => {
  it('reads x-should-retry', () => {
    expect(parseShouldRetry({ 'x-should-retry': 'true' })).toBe(true);
    expect(parseShouldRetry({ 'x-should-retry': 'false' })).toBe(false);
    expect(parseShouldRetry({})).toBeUndefined();
  });
});
