import {
  BAD_REQUEST_FAMILY,
  ERROR_CLASS_NAMES,
  classifyProviderError,
  errorClassOf,
  errorFromStatus,
  isLlmRouterError,
  isRetryableError,
  RateLimitError,
  type ErrorClassName,
} from '../../../src/errors';

const ctx = { provider: 'openai', deployment: 'dep-a' };

describe('errorFromStatus', () => {
  it.each<[number, ErrorClassName, boolean]>([
    [400, 'BadRequestError', false],
    [401, 'AuthenticationError', false],
    [403, 'PermissionDeniedError', false],
    [404, 'NotFoundError', false],
    [408, 'Timeout', true],
    [409, 'APIError', true],
    [413, 'APIError', false],
    [422, 'UnprocessableEntityError', false],
    [429, 'RateLimitError', true],
    [500, 'InternalServerError', true],
    [501, 'InternalServerError', true],
    [502, 'BadGatewayError', true],
    [503, 'ServiceUnavailableError', true],
    [504, 'Timeout', true],
    [529, 'ServiceUnavailableError', true],
  ])('%i → %s (retryable %s)', (status, name, retryable) => {
    const err = errorFromStatus(status, { error: { message: 'boom' } }, new Headers(), ctx);
    expect(err.name).toBe(name);
    expect(err.status).toBe(status);
    expect(err.retryable).toBe(retryable);
    expect(err.provider).toBe('openai');
    expect(err.deployment).toBe('dep-a');
    expect(err.message).toContain('boom');
    expect(isRetryableError(err)).toBe(retryable);
  });

  it('lets x-should-retry override the status rule', () => {
    expect(errorFromStatus(503, {}, new Headers({ 'x-should-retry': 'false' }), ctx).retryable).toBe(false);
    expect(errorFromStatus(400, {}, new Headers({ 'x-should-retry': 'true' }), ctx).retryable).toBe(true);
  });

  it('does not read context-window wording on a 429', () => {
    const err = errorFromStatus(429, { error: { message: 'maximum context length is 5' } }, new Headers(), ctx);
    expect(err.name).toBe('RateLimitError');
  });

  it('carries retry-after and the request id', () => {
    const err = errorFromStatus(429, {}, new Headers({ 'retry-after': '2', 'x-request-id': 'req_1' }), ctx);
    expect(err.retryAfterMs).toBe(2000);
    expect(err.requestId).toBe('req_1');
  });
});

describe('classifyProviderError on transport failures', () => {
  it('maps socket resets to APIConnectionError', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const err = classifyProviderError(new TypeError('fetch failed', { cause: reset }), ctx);
    expect(err.name).toBe('APIConnectionError');
    expect(err.retryable).toBe(true);
    expect(err.status).toBeUndefined();
  });

  it('maps our own deadline to Timeout with status 408', () => {
    const err = classifyProviderError(new DOMException('aborted', 'AbortError'), { ...ctx, timedOut: true });
    expect(err.name).toBe('Timeout');
    expect(err.status).toBe(408);
    expect(err.retryable).toBe(true);
  });

  it('maps a caller abort to a non-retryable RequestAbortedError', () => {
    const err = classifyProviderError(new DOMException('aborted', 'AbortError'), ctx);
    expect(err.name).toBe('RequestAbortedError');
    expect(err.retryable).toBe(false);
  });

  it('maps malformed JSON to a retryable InternalServerError', () => {
    let syntax: unknown;
    try {
      JSON.parse('{"id": ');
    } catch (e) {
      syntax = e;
    }
    const err = classifyProviderError(syntax, ctx);
    expect(err.name).toBe('InternalServerError');
    expect(err.retryable).toBe(true);
  });

  it('wraps any failure after streamed text as MidStreamError keeping the text and the cause class', () => {
    const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const err = classifyProviderError(new TypeError('terminated', { cause: reset }), { ...ctx, partialText: 'Hello, wor' });
    expect(err.name).toBe('MidStreamError');
    // The deployment that cut the stream is not asked again; a peer continues.
    expect(err.retryable).toBe(false);
    expect((err as unknown as { partialText: string }).partialText).toBe('Hello, wor');
    expect((err as unknown as { causeClass: string }).causeClass).toBe('APIConnectionError');
  });

  it('returns an already classified error unchanged', () => {
    const original = new RateLimitError('x', { status: 429 });
    expect(classifyProviderError(original, ctx)).toBe(original);
  });

  it('treats unknown failures as non-retryable', () => {
    const err = classifyProviderError(new RangeError('bug'), ctx);
    expect(err.name).toBe('APIError');
    expect(err.retryable).toBe(false);
  });
});

describe('identity helpers', () => {
  it('recognise errors by marker and by name, not instanceof', () => {
    const err = errorFromStatus(503, {}, undefined, ctx);
    expect(isLlmRouterError(err)).toBe(true);
    expect(isLlmRouterError({ name: 'ServiceUnavailableError' })).toBe(false);
    expect(errorClassOf(err)).toBe('ServiceUnavailableError');
    expect(errorClassOf(JSON.parse(JSON.stringify(err)))).toBe('ServiceUnavailableError');
    expect(errorClassOf({ type: 'RateLimitError' })).toBe('RateLimitError');
    expect(errorClassOf({ name: 'TypeError' })).toBeUndefined();
  });

  it('isRetryableError judges bare values by status only', () => {
    expect(isRetryableError({ status: 429 })).toBe(true);
    expect(isRetryableError({ status: 409 })).toBe(true);
    expect(isRetryableError({ status: 404 })).toBe(false);
    expect(isRetryableError(new Error('x'))).toBe(false);
  });

  it('lists the bad-request family inside the class names', () => {
    for (const name of BAD_REQUEST_FAMILY) expect(ERROR_CLASS_NAMES).toContain(name);
    expect(BAD_REQUEST_FAMILY).toContain('ContextWindowExceededError');
  });
});
