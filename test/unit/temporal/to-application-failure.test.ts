import { RateLimitError, ServiceUnavailableError } from '../../../src/errors';
import { toApplicationFailure } from '../../../src/temporal/to-application-failure';

describe('toApplicationFailure and Retry-After', () => {
  test('a Retry-After of up to a minute becomes the next retry delay', () => {
    const failure = toApplicationFailure(new RateLimitError('slow down', { status: 429, retryAfterMs: 60_000 }));
    expect(failure.nextRetryDelay).toBe(60_000);
    expect(failure.nonRetryable).toBe(false);
  });

  test('a longer one ends the hop (no retry on that deployment now) and travels in the details, so the workflow cools the deployment for it', () => {
    const failure = toApplicationFailure(new RateLimitError('slow down', { status: 429, retryAfterMs: 3_600_000 }));
    expect(failure.nextRetryDelay).toBeUndefined();
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details).toEqual([{ errorClass: 'RateLimitError', status: 429, retryAfterMs: 3_600_000 }]);
  });

  test('a non-retryable error never carries a retry delay', () => {
    const error = new ServiceUnavailableError('down', { status: 503, retryAfterMs: 1_000 });
    Object.defineProperty(error, 'retryable', { value: false });
    expect(toApplicationFailure(error).nextRetryDelay).toBeUndefined();
  });
});
