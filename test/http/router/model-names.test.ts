// Config parity in routing, through the real SDKs against the fake providers:
// wildcard deployments, model_group_alias (hidden too) and tag routing.
import { NoDeploymentsAvailableError } from '../../../src/core/errors';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { ask, counts, deployment, loadTestConfig, makeRouter } from './helpers';

type Json = Record<string, unknown>;

describe('config parity in routing', () => {
  let fake: FakeProviderServer;
  beforeAll(async () => {
    fake = await startFakeProviderServer();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const bodyModel = (route: string, i = 0) => (fake.requests(route)[i]?.body as Json | undefined)?.model;

  describe('wildcard deployments', () => {
    const config = () => loadTestConfig([
      deployment(fake, 'openai/*', 'oa-wild', 'openai/*'),
      deployment(fake, 'anthropic/*', 'an-wild', 'anthropic/*'),
      deployment(fake, 'gpt-4o', 'exact', 'openai/gpt-4o'),
    ]);

    it('route any model name of the provider, sending the requested model', async () => {
      const router = makeRouter(config());
      const a = await router.completion(ask('openai/gpt-4o-mini'));
      const b = await router.completion(ask('anthropic/claude-3-5-haiku-latest'));
      expect(bodyModel('oa-wild')).toBe('gpt-4o-mini');
      expect(bodyModel('an-wild')).toBe('claude-3-5-haiku-latest');
      expect(a.routing).toMatchObject({ requestedGroup: 'openai/gpt-4o-mini', model: 'openai/gpt-4o-mini', provider: 'openai' });
      expect(b.routing).toMatchObject({ model: 'anthropic/claude-3-5-haiku-latest', provider: 'anthropic' });
      expect(counts(fake, ['oa-wild', 'an-wild', 'exact'])).toEqual({ 'oa-wild': 1, 'an-wild': 1, exact: 0 });
    });

    it('an exact group wins over a wildcard, and each model keeps its own health', async () => {
      const router = makeRouter(loadTestConfig([deployment(fake, 'openai/*', 'oa-wild', 'openai/*'), deployment(fake, 'gpt-4o', 'exact', 'openai/gpt-4o')], { num_retries: 0 }));
      await router.completion(ask('gpt-4o'));
      expect(counts(fake, ['oa-wild', 'exact'])).toEqual({ 'oa-wild': 0, exact: 1 });
      fake.script('oa-wild', [{ status: 429 }]);
      await expect(router.completion(ask('openai/gpt-4.1'))).rejects.toMatchObject({ name: 'RateLimitError' });
      const ok = await router.completion(ask('openai/gpt-4.1-mini'));
      expect(ok.routing.model).toBe('openai/gpt-4.1-mini');
      // Each model keeps its own health: the failure is held against gpt-4.1 only.
      const state = router.getState().deployments;
      expect(Object.keys(state).sort()).toEqual(['exact', 'oa-wild|openai/gpt-4.1', 'oa-wild|openai/gpt-4.1-mini']);
      expect(state['oa-wild|openai/gpt-4.1']).toMatchObject({ failures: 1, successes: 0 });
      expect(state['oa-wild|openai/gpt-4.1-mini']).toMatchObject({ failures: 0, successes: 1 });
    });

    it('a name no group, alias or wildcard serves is still an unknown group', async () => {
      const router = makeRouter(config());
      await expect(router.completion(ask('mistral/small'))).rejects.toThrow('No deployments available for model group "mistral/small": the group has no deployments');
    });
  });

  describe('model_group_alias', () => {
    const config = () => loadTestConfig(
      [deployment(fake, 'gpt-4o-mini', 'mini', 'openai/gpt-4o-mini'), deployment(fake, 'claude-haiku', 'haiku', 'anthropic/claude-3-5-haiku-latest')],
      { model_group_alias: { 'gpt-3.5-turbo': 'gpt-4o-mini', 'claude-instant': { model: 'claude-haiku', hidden: true } } },
    );

    it('routes both forms to their group', async () => {
      const router = makeRouter(config());
      const a = await router.completion(ask('gpt-3.5-turbo'));
      const b = await router.completion(ask('claude-instant'));
      expect(a.routing).toMatchObject({ requestedGroup: 'gpt-3.5-turbo', group: 'gpt-4o-mini', deployment: 'mini' });
      expect(b.routing).toMatchObject({ requestedGroup: 'claude-instant', group: 'claude-haiku', deployment: 'haiku' });
      expect(counts(fake, ['mini', 'haiku'])).toEqual({ mini: 1, haiku: 1 });
    });

    it('an alias to no group, or one that would replace a group, is a config error naming it', () => {
      expect(() => loadTestConfig([deployment(fake, 'a', 'a', 'openai/gpt-4o')], { model_group_alias: { old: 'b' } })).toThrow('router_settings.model_group_alias.old: no model group "b"');
      expect(() => loadTestConfig([deployment(fake, 'a', 'a', 'openai/gpt-4o'), deployment(fake, 'b', 'b', 'openai/gpt-4o')], { model_group_alias: { a: 'b' } })).toThrow('"a" is already a model group');
      expect(() => loadTestConfig([deployment(fake, 'a', 'a', 'openai/gpt-4o')], { model_group_alias: { old: { model: 'a', hiden: true } } })).toThrow('did you mean "hidden"');
    });
  });

  describe('tags', () => {
    const config = (withDefault = true) => loadTestConfig([
      deployment(fake, 'gpt-4o', 'free', 'openai/gpt-4o-mini', { tags: ['free'] }),
      deployment(fake, 'gpt-4o', 'paid', 'openai/gpt-4o', { tags: ['paid', 'teamA'] }),
      ...(withDefault ? [deployment(fake, 'gpt-4o', 'fallback', 'openai/gpt-4o', { tags: ['default'] })] : []),
    ], { enable_tag_filtering: true });
    const tagged = (tags: string[]) => ({ ...ask('gpt-4o'), metadata: { tags } });

    it('send a tagged request to a deployment with one of its tags, and untagged ones to default', async () => {
      const router = makeRouter(config());
      for (let i = 0; i < 3; i++) await router.completion(tagged(['free']));
      for (let i = 0; i < 2; i++) await router.completion(tagged(['teamA', 'x']));
      for (let i = 0; i < 4; i++) await router.completion(ask('gpt-4o'));
      await router.completion(tagged(['nobody']));
      expect(counts(fake, ['free', 'paid', 'fallback'])).toEqual({ free: 3, paid: 2, fallback: 5 });
      // metadata is routing data, never sent to the provider.
      expect((fake.requests('free')[0]?.body as Json).metadata).toBeUndefined();
    });

    it('a tag no deployment has, with no default, is a clear error and no call', async () => {
      const router = makeRouter(config(false));
      const error = await router.completion(tagged(['enterprise'])).catch((e: unknown) => e);
      expect(NoDeploymentsAvailableError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe('No deployment of model group "gpt-4o" matches the request\'s tags ["enterprise"], and none is tagged "default" (deployments: free, paid)');
      expect(counts(fake, ['free', 'paid'])).toEqual({ free: 0, paid: 0 });
      // Untagged requests with no default deployment go anywhere.
      await router.completion(ask('gpt-4o'));
      expect(fake.count('free') + fake.count('paid')).toBe(1);
    });

    it('tags in a config without enable_tag_filtering load with a warning saying routing ignores them', () => {
      const loaded = loadTestConfig([deployment(fake, 'g', 'x', 'openai/gpt-4o', { tags: ['free'] })]);
      expect(loaded.warnings.map((w) => w.message)).toContain('deployments have tags, but tag routing is off: set router_settings.enable_tag_filtering: true to route on metadata.tags');
    });
  });
});
