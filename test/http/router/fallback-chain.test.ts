import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { FallbacksExhaustedError } from '../../../src/core';
import { RouterFallbacksExhaustedError } from '../../../src/router';
import { ask, counts, deployment, loadTestConfig, makeRouter, recordingSleep } from './helpers';

describe('explicit fallback chains', () => {
  let fake: FakeProviderServer;
  beforeAll(async () => {
    fake = await startFakeProviderServer();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const ROUTES = ['p', 's', 't', 'd'];
  const config = (settings: Record<string, unknown> = {}) =>
    loadTestConfig(
      [
        deployment(fake, 'primary', 'p', 'openai/gpt-4o'),
        deployment(fake, 'secondary', 's', 'anthropic/claude-3-5-sonnet-20241022'),
        deployment(fake, 'tertiary', 't', 'openai/gpt-4o-mini'),
        deployment(fake, 'spare', 'd', 'openai/gpt-4o-mini'),
      ],
      { num_retries: 0, fallbacks: [{ primary: ['secondary', 'tertiary'] }], ...settings },
    );

  it('walks the chain in order until a group answers', async () => {
    fake.script('p', [{ status: 500 }]);
    fake.script('s', [{ status: 503 }]);
    const router = makeRouter(config());
    const fallbacks: string[] = [];
    router.on('fallback', (e) => fallbacks.push(`${e.from} -> ${e.to} (${e.errorClass ?? 'unavailable'})`));
    const response = await router.completion(ask('primary'));
    expect(counts(fake, ROUTES)).toEqual({ p: 1, s: 1, t: 1, d: 0 });
    expect(response.routing).toMatchObject({ requestedGroup: 'primary', group: 'tertiary', deployment: 't', attempts: 3, fallbackPath: ['primary', 'secondary', 'tertiary'] });
    expect(fallbacks).toEqual(['primary -> secondary (InternalServerError)', 'secondary -> tertiary (ServiceUnavailableError)']);
  });

  it('retries inside the group first, with backoff on the same deployment, then falls back', async () => {
    fake.script('p', [{ status: 500 }, { status: 500, headers: { 'retry-after-ms': '1500' } }, { status: 500 }]);
    const { sleeps, sleep } = recordingSleep();
    const router = makeRouter(config({ num_retries: 2 }), { sleep });
    const response = await router.completion(ask('primary'));
    expect(counts(fake, ROUTES)).toEqual({ p: 3, s: 1, t: 0, d: 0 });
    expect(response.routing.group).toBe('secondary');
    // Exponential with jitter for the first retry, then the provider's Retry-After.
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(500);
    expect(sleeps[0]).toBeLessThanOrEqual(625);
    // The wait is counted from the failure, so the milliseconds spent recording it come off the Retry-After.
    expect(sleeps[1]).toBeGreaterThanOrEqual(1450);
    expect(sleeps[1]).toBeLessThanOrEqual(1500);
  });

  it('uses default_fallbacks for a group without its own list', async () => {
    fake.script('t', [{ status: 502 }]);
    const router = makeRouter(config({ default_fallbacks: ['spare'] }));
    const response = await router.completion(ask('tertiary'));
    expect(counts(fake, ROUTES)).toEqual({ p: 0, s: 0, t: 1, d: 1 });
    expect(response.routing.fallbackPath).toEqual(['tertiary', 'spare']);
  });

  it('gives up with every attempt listed when the whole chain fails', async () => {
    for (const r of ROUTES) fake.script(r, [], { after: { status: 503 } });
    const router = makeRouter(config());
    const error = await router.completion(ask('primary')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(FallbacksExhaustedError.isInstance(error)).toBe(true);
    const exhausted = error as RouterFallbacksExhaustedError;
    expect(exhausted.data.groupPath).toEqual(['primary', 'secondary', 'tertiary']);
    expect(exhausted.data.reason).toBe('fallbacks-exhausted');
    expect(exhausted.data.attempts.map((a) => `${a.deploymentId}:${a.errorClass}`)).toEqual([
      'p:ServiceUnavailableError',
      's:ServiceUnavailableError',
      't:ServiceUnavailableError',
    ]);
    expect(exhausted.errors.map((e) => e.name)).toEqual(Array(3).fill('ServiceUnavailableError'));
    expect(exhausted.lastError?.deployment).toBe('t');
    expect(exhausted.status).toBe(503);
    expect(exhausted.message).toMatch(/primary → secondary → tertiary/);
    expect(counts(fake, ROUTES)).toEqual({ p: 1, s: 1, t: 1, d: 0 });
  });

  it('never enters a group twice, even when chains overlap', async () => {
    for (const r of ['p', 's', 't']) fake.script(r, [], { after: { status: 500 } });
    const router = makeRouter(config({ fallbacks: [{ primary: ['secondary', 'tertiary'] }, { secondary: ['tertiary'] }] }));
    await expect(router.completion(ask('primary'))).rejects.toMatchObject({ name: 'FallbacksExhaustedError', data: { groupPath: ['primary', 'secondary', 'tertiary'] } });
    expect(counts(fake, ROUTES)).toEqual({ p: 1, s: 1, t: 1, d: 0 });
  });

  it("tries a failed fallback group's own fallbacks before its siblings (depth first, as LiteLLM)", async () => {
    fake.script('p', [{ status: 500 }]);
    fake.script('s', [{ status: 500 }]);
    const router = makeRouter(config({ default_fallbacks: ['spare'] }));
    const response = await router.completion(ask('primary'));
    expect(response.routing.fallbackPath).toEqual(['primary', 'secondary', 'spare']);
    expect(counts(fake, ROUTES)).toEqual({ p: 1, s: 1, t: 0, d: 1 });
  });
});
