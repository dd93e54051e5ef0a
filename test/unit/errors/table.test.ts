// The one error table: the classifier (provider side), the core (class names
// after a boundary) and the classes' retryability must all read it the same way.
import { classifyErrorName } from '../../../src/core/error-kinds';
import {
  ERROR_BEHAVIOUR,
  ERROR_CLASS_NAMES,
  classForStatus,
  createError,
  errorFromData,
  errorFromStatus,
  isRetryableError,
} from '../../../src/errors';

const ctx = { provider: 'openai', deployment: 'd1' };

describe('error table', () => {
  test('every class has a row, and every row a class', () => {
    expect(Object.keys(ERROR_BEHAVIOUR).sort()).toEqual([...ERROR_CLASS_NAMES].sort());
  });

  test.each([400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 501, 502, 503, 504, 529, 599])(
    'status %i gets the same class from the provider classifier and from the core',
    (status) => {
      const fromProvider = errorFromStatus(status, { error: { message: 'x' } }, undefined, ctx);
      expect(classifyErrorName('SomeNewError', status)).toBe(fromProvider.name);
      expect(classForStatus(status)).toBe(fromProvider.name);
    },
  );

  test('504 is a Timeout and 529 a ServiceUnavailableError on both sides', () => {
    expect(errorFromStatus(504, {}, undefined, ctx).name).toBe('Timeout');
    expect(classifyErrorName('Unknown', 504)).toBe('Timeout');
    expect(errorFromStatus(529, {}, undefined, ctx).name).toBe('ServiceUnavailableError');
    expect(classifyErrorName('Unknown', 529)).toBe('ServiceUnavailableError');
  });

  test("an error's retryability is its row's retrySame unless the server overrode it", () => {
    for (const name of ERROR_CLASS_NAMES) {
      // APIError depends on its status (below); the router's own give-up errors are built by the core.
      if (name === 'APIError' || name === 'FallbacksExhaustedError' || name === 'NoDeploymentsAvailableError') continue;
      expect(createError(name, 'm').retryable).toBe(ERROR_BEHAVIOUR[name].retrySame);
    }
    expect(createError('APIError', 'm', { status: 413 }).retryable).toBe(false);
    expect(createError('APIError', 'm', { status: 409 }).retryable).toBe(true);
    const told = errorFromStatus(503, {}, { 'x-should-retry': 'false' }, ctx);
    expect(told.name).toBe('ServiceUnavailableError');
    expect(isRetryableError(told)).toBe(false);
  });

  test('errorFromData rebuilds the class, status, retryability and partial text', () => {
    const original = errorFromStatus(429, { error: { message: 'slow down' } }, { 'retry-after': '2', 'x-request-id': 'r1' }, ctx);
    const rebuilt = errorFromData(JSON.parse(JSON.stringify(original)));
    expect(rebuilt.name).toBe('RateLimitError');
    expect(rebuilt.message).toBe(original.message);
    expect(rebuilt.status).toBe(429);
    expect(rebuilt.retryAfterMs).toBe(2000);
    expect(rebuilt.requestId).toBe('r1');
    expect(rebuilt.retryable).toBe(true);
    const cut = errorFromData({ name: 'MidStreamError', message: 'cut', retryable: false, partialText: 'Hello' });
    expect((cut as unknown as { partialText: string }).partialText).toBe('Hello');
  });
});
