// router.embedding(): the same driver as completion(), through the real SDKs
// (openai, @google/genai) against the fake providers; cost from the bundled price data.
import { parseConfigObject } from '../../../src/config';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { makeRouter } from './helpers';

describe('router.embedding()', () => {
  let fake: FakeProviderServer;
  beforeAll(async () => {
    fake = await startFakeProviderServer();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const config = () => parseConfigObject({
    model_list: [
      { model_name: 'embed', litellm_params: { model: 'openai/text-embedding-3-small', api_base: fake.openaiBaseUrl('oa1'), api_key: 'os.environ/FAKE_KEY', order: 1 }, model_info: { id: 'oa1' } },
      { model_name: 'embed', litellm_params: { model: 'openai/text-embedding-3-small', api_base: fake.openaiBaseUrl('oa2'), api_key: 'os.environ/FAKE_KEY', order: 2 }, model_info: { id: 'oa2' } },
      { model_name: 'embed-gemini', litellm_params: { model: 'gemini/gemini-embedding-001', api_base: fake.geminiBaseUrl('gm'), api_key: 'os.environ/FAKE_KEY' }, model_info: { id: 'gm' } },
    ],
    router_settings: { num_retries: 1, retry_after: 0, allowed_fails: 0, cooldown_time: 60, fallbacks: [{ embed: ['embed-gemini'] }] },
  });

  it('embeds from the group, priced from the price data', async () => {
    const router = makeRouter(config());
    const response = await router.embedding({ model: 'embed', input: ['alpha beta', 'gamma'] });
    expect(response.data).toHaveLength(2);
    expect(response.routing).toMatchObject({ requestedGroup: 'embed', deployment: 'oa1', attempts: 1, fallbacks: 0 });
    // text-embedding-3-small is listed at $0.02 per million tokens.
    expect(response.routing.costUsd).toBeCloseTo(response.usage.prompt_tokens * 0.00000002, 12);
    expect(response.routing.costUsd).toBeGreaterThan(0);
  });

  it('retries on a peer, cools the failed deployment down, and falls back to another group when the group is spent', async () => {
    const router = makeRouter(config());
    fake.script('oa1', [{ status: 503 }]);
    const first = await router.embedding({ model: 'embed', input: 'alpha' });
    expect(first.routing.attemptLog.map((a) => [a.deploymentId, a.outcome])).toEqual([['oa1', 'failure'], ['oa2', 'success']]);
    // oa1 is cooling: the next request goes straight to oa2.
    const second = await router.embedding({ model: 'embed', input: 'beta' });
    expect(second.routing.attemptLog.map((a) => a.deploymentId)).toEqual(['oa2']);
    expect(fake.count('oa1')).toBe(1);
    fake.script('oa2', [{ status: 500 }, { status: 500 }]);
    const third = await router.embedding({ model: 'embed', input: 'gamma' });
    expect(third.routing).toMatchObject({ group: 'embed-gemini', deployment: 'gm', fallbackPath: ['embed', 'embed-gemini'] });
    expect(fake.requests('gm')[0]?.path).toBe('/gm/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(third.routing.costUsd).toBeGreaterThan(0);
  });

  it('a request error (400) is not retried or held against the deployment', async () => {
    const router = makeRouter(config());
    fake.script('oa1', [{ status: 400, errorMessage: 'input too long' }]);
    await expect(router.embedding({ model: 'embed', input: 'x' })).rejects.toMatchObject({ name: 'BadRequestError' });
    expect(fake.count('oa2') + fake.count('gm')).toBe(0);
  });
});
