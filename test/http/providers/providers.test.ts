import { createProviderRegistry, DEFAULT_AZURE_API_VERSION } from '../../../src/providers';
import type { ChatRequest } from '../../../src/providers/types';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { deploymentOn, TEST_ENV } from './helpers';

let fake: FakeProviderServer;
beforeAll(async () => {
  fake = await startFakeProviderServer();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const REQUEST: ChatRequest = { messages: [{ role: 'user', content: 'ping' }] };

describe('OpenAI-compatible providers over HTTP', () => {
  const registry = createProviderRegistry({ env: TEST_ENV });

  it('addresses an Azure deployment by name with api-version and the api-key header', async () => {
    await registry.complete(deploymentOn(fake, 'az', 'azure/my-gpt4o-deployment', { apiVersion: '2024-06-01' }), REQUEST);
    const [request] = fake.requests('az');
    expect(request?.path).toBe('/az/openai/deployments/my-gpt4o-deployment/chat/completions');
    expect(request?.query['api-version']).toBe('2024-06-01');
    expect(request?.headers['api-key']).toBe('sk-fake-test');
  });

  it('falls back to AZURE_API_VERSION, then to the default api version', async () => {
    const withEnv = createProviderRegistry({ env: { ...TEST_ENV, AZURE_API_VERSION: '2025-01-01-preview' } });
    await withEnv.complete(deploymentOn(fake, 'az-env', 'azure/dep'), REQUEST);
    await registry.complete(deploymentOn(fake, 'az-env', 'azure/dep'), REQUEST);
    expect(fake.requests('az-env').map((r) => r.query['api-version'])).toEqual(['2025-01-01-preview', DEFAULT_AZURE_API_VERSION]);
  });

  it.each([
    ['groq/llama-3.3-70b-versatile', 'llama-3.3-70b-versatile'],
    ['deepseek/deepseek-chat', 'deepseek-chat'],
    ['together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo', 'meta-llama/Llama-3.3-70B-Instruct-Turbo'],
    ['fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct', 'accounts/fireworks/models/llama-v3p1-8b-instruct'],
    ['openrouter/anthropic/claude-3.5-sonnet', 'anthropic/claude-3.5-sonnet'],
    ['xai/grok-3', 'grok-3'],
    ['ollama/llama3.2', 'llama3.2'],
    ['hosted_vllm/Qwen/Qwen2.5-7B-Instruct', 'Qwen/Qwen2.5-7B-Instruct'],
    ['lm_studio/qwen2.5-7b-instruct', 'qwen2.5-7b-instruct'],
    ['openai_compatible/my-model', 'my-model'],
    ['gpt-4o-mini', 'gpt-4o-mini'],
  ])('%s sends model "%s" over the OpenAI wire', async (model, providerModel) => {
    const response = await registry.complete(deploymentOn(fake, 'compat', model), REQUEST);
    expect(response.choices[0]?.message.content).toContain('Hello from fake deployment');
    expect(fake.requests('compat')[0]?.body).toMatchObject({ model: providerModel });
    expect(fake.requests('compat')[0]?.path).toBe('/compat/v1/chat/completions');
  });

  it('renames seed to random_seed for Mistral', async () => {
    await registry.complete(deploymentOn(fake, 'mistral', 'mistral/mistral-large-latest'), { ...REQUEST, seed: 5 });
    const body = fake.requests('mistral')[0]?.body as Record<string, unknown>;
    expect(body.random_seed).toBe(5);
    expect(body).not.toHaveProperty('seed');
  });

  it('sends max_completion_tokens to OpenAI reasoning models and rejects a non-default temperature', async () => {
    await registry.complete(deploymentOn(fake, 'o-series', 'openai/o3-mini'), { ...REQUEST, max_tokens: 50 });
    expect(fake.requests('o-series')[0]?.body).toMatchObject({ max_completion_tokens: 50 });
    expect(fake.requests('o-series')[0]?.body).not.toHaveProperty('max_tokens');
    await expect(registry.complete(deploymentOn(fake, 'o-series', 'openai/o3-mini'), { ...REQUEST, temperature: 0.2 })).rejects.toMatchObject({
      name: 'UnsupportedParamsError',
      params: ['temperature'],
    });
    await registry.complete(deploymentOn(fake, 'o-series', 'openai/o3-mini', { dropParams: true }), { ...REQUEST, temperature: 0.2 });
    expect(fake.requests('o-series')[1]?.body).not.toHaveProperty('temperature');
  });

  it('calls a keyless local server without failing on the missing key variable', async () => {
    const keyless = createProviderRegistry({ env: {} });
    const { apiKey: _none, ...deployment } = deploymentOn(fake, 'local', 'ollama/llama3.2');
    const response = await keyless.complete(deployment, REQUEST);
    expect(response.choices[0]?.message.content).toContain('Hello');
  });
});

describe('keys and retries', () => {
  it('fails with an AuthenticationError naming a missing os.environ variable, without any HTTP request', async () => {
    const registry = createProviderRegistry({ env: {} });
    for (const model of ['openai/gpt-4o-mini', 'anthropic/claude-3-5-haiku-latest']) {
      const deployment = { ...deploymentOn(fake, 'missing', model), apiKey: 'os.environ/MISSING_KEY' };
      const error = await registry.complete(deployment, REQUEST).then(
        () => undefined,
        (e: unknown) => e as Record<string, unknown>,
      );
      expect(error).toMatchObject({ name: 'AuthenticationError', retryable: false, deployment: 'missing' });
      expect(String(error?.message)).toContain('MISSING_KEY');
      await expect(registry.stream(deployment, REQUEST)[Symbol.asyncIterator]().next()).rejects.toMatchObject({ name: 'AuthenticationError' });
    }
    expect(fake.count('missing')).toBe(0);
  });

  it("names the provider's default key variable when the deployment gives no key", async () => {
    const registry = createProviderRegistry({ env: {} });
    const { apiKey: _none, ...deployment } = deploymentOn(fake, 'nokey', 'groq/llama-3.3-70b-versatile');
    await expect(registry.complete(deployment, REQUEST)).rejects.toMatchObject({ name: 'AuthenticationError', message: expect.stringContaining('GROQ_API_KEY') });
  });

  it('reads the key at call time, so a rotated key takes effect without a new registry', async () => {
    const env: Record<string, string | undefined> = { ROTATING: 'key-1' };
    const registry = createProviderRegistry({ env });
    const deployment = { ...deploymentOn(fake, 'rotate', 'openai/gpt-4o-mini'), apiKey: 'os.environ/ROTATING' };
    await registry.complete(deployment, REQUEST);
    env.ROTATING = 'key-2';
    await registry.complete(deployment, REQUEST);
    expect(fake.requests('rotate').map((r) => r.headers.authorization)).toEqual(['Bearer key-1', 'Bearer key-2']);
  });

  it.each([
    ['openai/gpt-4o-mini', 503],
    ['anthropic/claude-3-5-haiku-latest', 503],
    ['openai/gpt-4o-mini', 429],
    ['anthropic/claude-3-5-haiku-latest', 529],
  ])('%s makes exactly one HTTP request on a %i (SDK retries are off)', async (model, status) => {
    const registry = createProviderRegistry({ env: TEST_ENV });
    fake.script('once', [], { after: { status } });
    await expect(registry.complete(deploymentOn(fake, 'once', model), REQUEST)).rejects.toMatchObject({ status, retryable: true });
    await expect(registry.complete(deploymentOn(fake, 'once', model), REQUEST)).rejects.toMatchObject({ status });
    expect(fake.count('once')).toBe(2);
  });

  it('rejects an unknown provider prefix with a BadRequestError listing the known ones', async () => {
    const registry = createProviderRegistry({ env: TEST_ENV });
    await expect(registry.complete({ id: 'x', model: 'nosuch/model' }, REQUEST)).rejects.toMatchObject({
      name: 'BadRequestError',
      message: expect.stringContaining('anthropic'),
    });
  });
});
