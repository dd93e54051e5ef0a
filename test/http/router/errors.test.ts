import { NoDeploymentsAvailableError } from '../../../src/core';
import type { FakeStep } from '../../../src/testing';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { routingOfError, type RouterFallbacksExhaustedError } from '../../../src/router';
import { ask, deployment, loadTestConfig, makeRouter, recordingSleep } from './helpers';

function caught(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  return promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (e: unknown) => e as Error & Record<string, unknown>,
  );
}

describe('every error class reaches the caller', () => {
  let fake: FakeProviderServer;
  beforeAll(async () => {
    fake = await startFakeProviderServer();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const solo = (model = 'openai/gpt-4o-mini', settings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
    loadTestConfig([deployment(fake, 'solo', 'e', model, extra)], { num_retries: 0, ...settings });

  const openaiError = (status: number, message: string, code: string | null = null): FakeStep => ({
    status,
    body: { error: { message, type: 'invalid_request_error', param: null, code } },
  });

  // One deployment, no retries: the caller gets the provider's error itself, classified once.
  it.each<[string, FakeStep, string, number | undefined]>([
    ['400', { status: 400 }, 'BadRequestError', 400],
    ['400 context length', openaiError(400, "This model's maximum context length is 128000 tokens.", 'context_length_exceeded'), 'ContextWindowExceededError', 400],
    ['400 content policy', openaiError(400, 'Your request was rejected by the safety system.', 'content_policy_violation'), 'ContentPolicyViolationError', 400],
    ['401', { status: 401 }, 'AuthenticationError', 401],
    ['403', { status: 403 }, 'PermissionDeniedError', 403],
    ['404', { status: 404 }, 'NotFoundError', 404],
    ['408', { status: 408 }, 'Timeout', 408],
    ['409', { status: 409 }, 'APIError', 409],
    ['422', { status: 422 }, 'UnprocessableEntityError', 422],
    ['429', { status: 429 }, 'RateLimitError', 429],
    ['500', { status: 500 }, 'InternalServerError', 500],
    ['502', { status: 502 }, 'BadGatewayError', 502],
    ['503', { status: 503 }, 'ServiceUnavailableError', 503],
    ['connection reset', { reset: true }, 'APIConnectionError', undefined],
  ])('%s -> %s', async (_label, step, name, status) => {
    fake.script('e', [step]);
    const error = await caught(makeRouter(solo()).completion(ask('solo')));
    expect(error.name).toBe(name);
    expect(error.status).toBe(status);
    expect(error.deployment).toBe('e');
    expect(routingOfError(error)?.attemptLog.map((a) => a.errorClass)).toEqual([name]);
    expect(fake.count('e')).toBe(1);
  });

  it("529 (Anthropic's overloaded) -> ServiceUnavailableError", async () => {
    fake.script('e', [{ status: 529 }]);
    const error = await caught(makeRouter(solo('anthropic/claude-3-5-haiku-20241022')).completion(ask('solo')));
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.status).toBe(529);
    expect(error.provider).toBe('anthropic');
    expect(fake.count('e')).toBe(1);
  });

  it('a deployment timeout -> Timeout', async () => {
    fake.script('e', [{ hang: true }]);
    const error = await caught(makeRouter(solo('openai/gpt-4o-mini', {}, { timeout: 0.2 })).completion(ask('solo')));
    expect(error.name).toBe('Timeout');
    expect(fake.count('e')).toBe(1);
  });

  it('a parameter the provider cannot honour -> UnsupportedParamsError, before any HTTP call', async () => {
    const error = await caught(makeRouter(solo('anthropic/claude-3-5-haiku-20241022')).completion({ ...ask('solo'), seed: 42 }));
    expect(error.name).toBe('UnsupportedParamsError');
    expect(fake.count('e')).toBe(0);
  });

  it('a stream cut after content, with nowhere to continue -> MidStreamError with the text delivered', async () => {
    fake.script('e', [{ text: 'alpha beta gamma delta', cutAfterChunks: 3 }]);
    let delivered = '';
    const error = await caught(
      (async () => {
        for await (const chunk of makeRouter(solo()).stream(ask('solo'))) for (const c of chunk.choices) delivered += c.delta.content ?? '';
      })(),
    );
    expect(error.name).toBe('MidStreamError');
    expect(delivered.length).toBeGreaterThan(0);
    expect(String(error.partialText).startsWith(delivered)).toBe(true);
    expect(fake.count('e')).toBe(1);
  });

  it('the caller aborting -> RequestAbortedError, never retried', async () => {
    fake.script('e', [{ hang: true }]);
    const controller = new AbortController();
    const pending = caught(makeRouter(solo('openai/gpt-4o-mini', { num_retries: 3 })).completion(ask('solo'), { signal: controller.signal }));
    await fake.waitForRequests('e', 1);
    controller.abort();
    const error = await pending;
    expect(error.name).toBe('RequestAbortedError');
    expect(fake.count('e')).toBe(1);
  });

  it('an unknown group -> NoDeploymentsAvailableError saying the group has no deployments', async () => {
    const error = await caught(makeRouter(solo()).completion(ask('nope')));
    expect(NoDeploymentsAvailableError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/"nope": the group has no deployments/);
    expect(error.status).toBe(503);
  });

  it('everything cooling down -> NoDeploymentsAvailableError naming each cooldown and when it ends', async () => {
    fake.script('e', [{ status: 401 }]);
    const router = makeRouter(solo());
    await caught(router.completion(ask('solo')));
    const error = await caught(router.completion(ask('solo')));
    expect(error.name).toBe('NoDeploymentsAvailableError');
    expect(error.message).toMatch(/e: cooling down after AuthenticationError 401/);
    expect(error.retryAfterMs).toEqual(expect.any(Number));
    expect(fake.count('e')).toBe(1);
  });

  it('several failed attempts -> FallbacksExhaustedError keeping every original error', async () => {
    fake.script('e', [], { after: { status: 503 } });
    const { sleeps, sleep } = recordingSleep();
    const error = (await caught(makeRouter(solo('openai/gpt-4o-mini', { num_retries: 2 }), { sleep }).completion(ask('solo')))) as unknown as RouterFallbacksExhaustedError;
    expect(error.name).toBe('FallbacksExhaustedError');
    expect(error.errors.map((e) => e.name)).toEqual(['ServiceUnavailableError', 'ServiceUnavailableError', 'ServiceUnavailableError']);
    expect(error.data.attempts).toHaveLength(3);
    expect(fake.count('e')).toBe(3);
    // No peer to move to, so the same deployment is retried with exponential backoff.
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]).toBeGreaterThan(sleeps[0] ?? Infinity);
  });

  it('non-retryable errors are never retried, whatever num_retries says', async () => {
    fake.script('e', [{ status: 400 }], { after: { status: 400 } });
    const error = await caught(makeRouter(solo('openai/gpt-4o-mini', { num_retries: 3 })).completion(ask('solo')));
    expect(error.name).toBe('BadRequestError');
    expect(fake.count('e')).toBe(1);
  });

  it('retry_policy sets retries per error class', async () => {
    fake.script('e', [], { after: { status: 429 } });
    const error = await caught(
      makeRouter(solo('openai/gpt-4o-mini', { num_retries: 3, retry_policy: { RateLimitErrorRetries: 0 } }), { sleep: () => Promise.resolve() }).completion(ask('solo')),
    );
    expect(error.name).toBe('RateLimitError');
    expect(fake.count('e')).toBe(1);
  });

  it('a request without a model group is refused before routing', async () => {
    const error = await caught(makeRouter(solo()).completion({ model: '', messages: [{ role: 'user', content: 'hi' }] }));
    expect(error.name).toBe('BadRequestError');
    expect(fake.count('e')).toBe(0);
  });
});
