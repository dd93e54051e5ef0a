import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { ask, counts, deployment, loadTestConfig, makeRouter, recordingSleep } from './helpers';

describe('automatic failover between providers (openai-like -> anthropic-like)', () => {
  let fake: FakeProviderServer;
  beforeAll(async () => {
    fake = await startFakeProviderServer();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  // The OpenAI deployment takes nearly all traffic by weight; the Anthropic one is the spare.
  const config = () =>
    loadTestConfig([
      deployment(fake, 'chat', 'oa', 'openai/gpt-4o-mini', { weight: 1000 }),
      deployment(fake, 'chat', 'an', 'anthropic/claude-3-5-haiku-20241022', { weight: 1 }),
    ]);

  it('moves a failed request to the other provider at once, without backoff', async () => {
    fake.script('oa', [{ status: 503 }]);
    const { sleeps, sleep } = recordingSleep();
    const router = makeRouter(config(), { sleep });
    const response = await router.completion(ask('chat'));
    expect(counts(fake, ['oa', 'an'])).toEqual({ oa: 1, an: 1 });
    expect(response.routing).toMatchObject({ requestedGroup: 'chat', group: 'chat', deployment: 'an', provider: 'anthropic', attempts: 2 });
    expect(response.routing.attemptLog.map((a) => [a.deploymentId, a.outcome, a.errorClass])).toEqual([
      ['oa', 'failure', 'ServiceUnavailableError'],
      ['an', 'success', null],
    ]);
    expect(response.choices[0]?.message.content).toEqual(expect.any(String));
    expect(sleeps).toEqual([]);
  });

  it('cools a rate-limited deployment down so later requests skip it', async () => {
    fake.script('oa', [{ status: 429, headers: { 'retry-after': '30' } }]);
    const router = makeRouter(config());
    const cooled: string[] = [];
    router.on('cooldown', (e) => cooled.push(`${e.deploymentId}:${e.reason.errorClass}`));
    for (let i = 0; i < 5; i++) await router.completion(ask('chat'));
    expect(counts(fake, ['oa', 'an'])).toEqual({ oa: 1, an: 5 });
    expect(cooled).toEqual(['oa:RateLimitError']);
    expect(router.getState().deployments.oa?.cooldownUntil).toBeGreaterThan(Date.now() + 20_000);
  });

  it('cools for a Retry-After longer than a minute, up to max_cooldown_time, instead of dropping it', async () => {
    // Two hours asked; the default max_cooldown_time (300 s) bounds it. Dropping the header would cool for the default 5 s.
    fake.script('oa', [{ status: 429, headers: { 'retry-after': '7200' } }]);
    const router = makeRouter(config());
    const before = Date.now();
    await router.completion(ask('chat'));
    const until = router.getState().deployments.oa?.cooldownUntil ?? 0;
    expect(until - before).toBeGreaterThanOrEqual(295_000);
    expect(until - before).toBeLessThanOrEqual(305_000);
    expect(counts(fake, ['oa', 'an'])).toEqual({ oa: 1, an: 1 });
  });

  it('cools a deployment with a bad key at once and serves from the other provider', async () => {
    fake.script('oa', [{ status: 401 }], { after: { status: 401 } });
    const router = makeRouter(config());
    for (let i = 0; i < 4; i++) {
      const response = await router.completion(ask('chat'));
      expect(response.routing.deployment).toBe('an');
    }
    expect(counts(fake, ['oa', 'an'])).toEqual({ oa: 1, an: 4 });
  });

  it('treats a key variable missing from the environment as an AuthenticationError naming it, and serves from the other provider', async () => {
    const cfg = loadTestConfig([
      deployment(fake, 'chat', 'oa', 'openai/gpt-4o-mini', { weight: 1000, api_key: 'os.environ/MISSING_KEY' }),
      deployment(fake, 'chat', 'an', 'anthropic/claude-3-5-haiku-20241022', { weight: 1 }),
    ]);
    const router = makeRouter(cfg);
    const failures: string[] = [];
    router.on('failure', (e) => failures.push(`${e.deploymentId} ${e.error.name}: ${e.error.message}`));
    for (let i = 0; i < 3; i++) expect((await router.completion(ask('chat'))).routing.deployment).toBe('an');
    // No request ever leaves without a key; the first failure cools the deployment, so later requests skip it.
    expect(counts(fake, ['oa', 'an'])).toEqual({ oa: 0, an: 3 });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^oa AuthenticationError: .*MISSING_KEY/);
    expect(router.getState().deployments.oa?.cooldownReason).toMatchObject({ errorClass: 'AuthenticationError', rule: 'immediate' });
  });

  it('emits attempt, failure, cooldown and success events in order', async () => {
    fake.script('oa', [{ status: 429 }]);
    const router = makeRouter(config());
    const seen: string[] = [];
    router.on('attempt', (e) => seen.push(`attempt ${e.attemptNo} ${e.deploymentId} ${e.reason}`));
    router.on('failure', (e) => seen.push(`failure ${e.deploymentId} ${e.error.name}`));
    router.on('cooldown', (e) => seen.push(`cooldown ${e.deploymentId}`));
    router.on('success', (e) => seen.push(`success ${e.deploymentId}`));
    await router.completion(ask('chat'));
    expect(seen).toEqual(['attempt 1 oa initial', 'failure oa RateLimitError', 'cooldown oa', 'attempt 2 an retry', 'success an']);
  });

  it('puts the in-flight and usage counters back after every request', async () => {
    fake.script('oa', [{ status: 500 }, {}, { status: 502 }]);
    const router = makeRouter(config());
    await Promise.all([router.completion(ask('chat')), router.completion(ask('chat')), router.completion(ask('chat'))]);
    const state = router.getState().deployments;
    expect(state.oa?.inFlight ?? 0).toBe(0);
    expect(state.an?.inFlight ?? 0).toBe(0);
    expect((state.oa?.rpmUsed ?? 0) + (state.an?.rpmUsed ?? 0)).toBe(fake.count('oa') + fake.count('an'));
  });
});
