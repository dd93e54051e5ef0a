import { createProviderRegistry } from '../../../src/providers';
import type { DeploymentParams } from '../../../src/providers/types';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { collect, deploymentOn, TEST_AWS, TEST_ENV } from './helpers';

let fake: FakeProviderServer;
beforeAll(async () => {
  fake = await startFakeProviderServer({ aws: TEST_AWS });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const registry = createProviderRegistry({ env: { ...TEST_ENV, FAKE_AWS_SECRET: TEST_AWS.secretAccessKey } });
const ANTHROPIC = 'anthropic/claude-3-5-haiku-latest';
const PDF = Buffer.from('%PDF-1.4 fake').toString('base64');
const body = (route: string, n = 0): Record<string, unknown> => fake.requests(route)[n]?.body as Record<string, unknown>;

describe('Anthropic request features on the wire', () => {
  it('keeps cache_control on parts, on messages (their last block) and on system blocks, which stay an array', async () => {
    await registry.complete(deploymentOn(fake, 'cache', ANTHROPIC), {
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Policy manual…', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Today is Monday.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Document:', cache_control: { type: 'ephemeral', ttl: '1h' } }, { type: 'text', text: 'question' }] },
        { role: 'assistant', content: 'Noted.', cache_control: { type: 'ephemeral' } },
        { role: 'user', content: 'And?' },
      ],
    });
    expect(body('cache').system).toEqual([
      { type: 'text', text: 'Policy manual…', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Today is Monday.' },
    ]);
    expect(body('cache').messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Document:', cache_control: { type: 'ephemeral', ttl: '1h' } }, { type: 'text', text: 'question' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Noted.', cache_control: { type: 'ephemeral' } }] },
      { role: 'user', content: [{ type: 'text', text: 'And?' }] },
    ]);
  });

  it('keeps two system messages as two blocks, and one plain string as a string', async () => {
    await registry.complete(deploymentOn(fake, 'sys', ANTHROPIC), { messages: [{ role: 'system', content: 'A.' }, { role: 'developer', content: 'B.' }, { role: 'user', content: 'q' }] });
    await registry.complete(deploymentOn(fake, 'sys', ANTHROPIC), { messages: [{ role: 'system', content: 'Only.' }, { role: 'user', content: 'q' }] });
    expect(body('sys', 0).system).toEqual([{ type: 'text', text: 'A.' }, { type: 'text', text: 'B.' }]);
    expect(body('sys', 1).system).toBe('Only.');
  });

  it('maps thinking and reasoning_effort to a thinking budget above which max_tokens sits, and returns thinking as reasoning_content', async () => {
    fake.script('think', [
      {},
      {
        body: {
          id: 'msg_t', type: 'message', role: 'assistant', model: 'claude-3-5-haiku-latest', stop_reason: 'end_turn', stop_sequence: null,
          content: [{ type: 'thinking', thinking: 'Let me think.', signature: 'sig' }, { type: 'text', text: 'Done.' }],
          usage: { input_tokens: 5, output_tokens: 9 },
        },
      },
    ]);
    await registry.complete(deploymentOn(fake, 'think', ANTHROPIC), { messages: [{ role: 'user', content: 'q' }], reasoning_effort: 'low' });
    const second = await registry.complete(deploymentOn(fake, 'think', ANTHROPIC, { maxTokens: 9000 }), { messages: [{ role: 'user', content: 'q' }], thinking: { type: 'enabled', budget_tokens: 5000 } });
    expect(body('think', 0)).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 4096 + 1024 });
    expect(body('think', 1)).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 5000 }, max_tokens: 9000 });
    expect(second.choices[0]?.message).toMatchObject({ content: 'Done.', reasoning_content: 'Let me think.' });
  });

  it('sends PDFs as document blocks and images as image blocks', async () => {
    await registry.complete(deploymentOn(fake, 'docs', ANTHROPIC), {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'file', file: { file_data: `data:application/pdf;base64,${PDF}`, filename: 'r.pdf' }, cache_control: { type: 'ephemeral' } },
            { type: 'image_url', image_url: { url: 'https://example.com/x.png' } },
            { type: 'text', text: 'Summarize.' },
          ],
        },
      ],
    });
    expect((body('docs').messages as Array<{ content: unknown[] }>)[0]?.content).toEqual([
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, cache_control: { type: 'ephemeral' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/x.png' } },
      { type: 'text', text: 'Summarize.' },
    ]);
  });
});

describe('the same request on an OpenAI-shaped wire', () => {
  it('drops cache_control (OpenAI caches by itself), passes file parts, and refuses thinking unless drop_params', async () => {
    const messages = [
      { role: 'system' as const, content: [{ type: 'text' as const, text: 'Policy.', cache_control: { type: 'ephemeral' as const } }] },
      { role: 'user' as const, content: [{ type: 'file' as const, file: { file_data: `data:application/pdf;base64,${PDF}`, filename: 'r.pdf' } }], cache_control: { type: 'ephemeral' as const } },
    ];
    await registry.complete(deploymentOn(fake, 'oa', 'openai/gpt-4o'), { messages, reasoning_effort: 'low' });
    expect(body('oa').messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Policy.' }] },
      { role: 'user', content: [{ type: 'file', file: { file_data: `data:application/pdf;base64,${PDF}`, filename: 'r.pdf' } }] },
    ]);
    expect(body('oa').reasoning_effort).toBe('low');
    await expect(registry.complete(deploymentOn(fake, 'oa', 'openai/gpt-4o'), { messages, thinking: { type: 'enabled', budget_tokens: 2000 } })).rejects.toMatchObject({
      name: 'UnsupportedParamsError',
      params: ['thinking'],
    });
    await registry.complete(deploymentOn(fake, 'oa', 'openai/gpt-4o', { dropParams: true }), { messages, thinking: { type: 'enabled', budget_tokens: 2000 } });
    expect(body('oa', 1)).not.toHaveProperty('thinking');
  });
});

describe('litellm_params sampling defaults', () => {
  const defaults = { temperature: 0.25, top_p: 0.5, stop: ['STOP'] };
  const cases: Array<[string, string, (b: Record<string, unknown>) => unknown, unknown, unknown]> = [
    ['openai', 'openai/gpt-4o-mini', (b) => ({ temperature: b.temperature, top_p: b.top_p, stop: b.stop, seed: b.seed, presence_penalty: b.presence_penalty }), { temperature: 0.25, top_p: 0.5, stop: ['STOP'], seed: 11, presence_penalty: 0.3 }, { temperature: 0.9, top_p: 0.5, stop: ['STOP'], seed: 11, presence_penalty: 0.3 }],
    ['anthropic', ANTHROPIC, (b) => ({ temperature: b.temperature, top_p: b.top_p, stop_sequences: b.stop_sequences }), { temperature: 0.25, top_p: 0.5, stop_sequences: ['STOP'] }, { temperature: 0.9, top_p: 0.5, stop_sequences: ['STOP'] }],
    ['gemini', 'gemini/gemini-2.5-flash', (b) => b.generationConfig, { temperature: 0.25, topP: 0.5, stopSequences: ['STOP'], seed: 11, presencePenalty: 0.3 }, { temperature: 0.9, topP: 0.5, stopSequences: ['STOP'], seed: 11, presencePenalty: 0.3 }],
    ['bedrock', 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0', (b) => b.inferenceConfig, { temperature: 0.25, topP: 0.5, stopSequences: ['STOP'] }, { temperature: 0.9, topP: 0.5, stopSequences: ['STOP'] }],
  ];

  it.each(cases)('%s: sent unless the request sets its own value', async (route, model, pick, withDefaults, overridden) => {
    // seed and presence_penalty only where the provider takes them; elsewhere they would be UnsupportedParamsError.
    const extra = route === 'openai' || route === 'gemini' ? { seed: 11, presence_penalty: 0.3 } : {};
    const deployment: DeploymentParams = deploymentOn(fake, route, model, { defaults: { ...defaults, ...extra } });
    await registry.complete(deployment, { messages: [{ role: 'user', content: 'q' }] });
    await collect(registry.stream(deployment, { messages: [{ role: 'user', content: 'q' }], temperature: 0.9 }));
    expect(pick(body(route, 0))).toEqual(withDefaults);
    expect(pick(body(route, 1))).toEqual(overridden);
  });
});

describe('OpenAI-compatible embeddings', () => {
  it('posts /v1/embeddings and prices the prompt tokens from the data', async () => {
    const response = await registry.embed(deploymentOn(fake, 'emb', 'openai/text-embedding-3-small'), { input: ['one two', 'three'], dimensions: 12, user: 'u1' });
    expect(fake.requests('emb')[0]?.path).toBe('/emb/v1/embeddings');
    expect(body('emb')).toEqual({ model: 'text-embedding-3-small', input: ['one two', 'three'], encoding_format: 'float', dimensions: 12, user: 'u1' });
    expect(response.data.map((d) => d.embedding.length)).toEqual([12, 12]);
    expect(response.usage.prompt_tokens).toBe(2 + 2);
    // text-embedding-3-small: $0.02 per million tokens.
    expect(response.routing?.costUsd).toBeCloseTo(4 * 0.02e-6, 14);
  });

  it('addresses an Azure embeddings deployment by name', async () => {
    await registry.embed(deploymentOn(fake, 'az-emb', 'azure/embed-small', { apiVersion: '2024-10-21' }), { input: 'x' });
    expect(fake.requests('az-emb')[0]?.path).toBe('/az-emb/openai/deployments/embed-small/embeddings');
    expect(fake.requests('az-emb')[0]?.query['api-version']).toBe('2024-10-21');
  });

  it('refuses embeddings on a provider that serves none, before any request', async () => {
    await expect(registry.embed(deploymentOn(fake, 'noemb', ANTHROPIC), { input: 'x' })).rejects.toMatchObject({ name: 'BadRequestError', status: 400 });
    expect(fake.count('noemb')).toBe(0);
  });

  it('classifies an embeddings failure like any other call', async () => {
    fake.script('emb-fail', [{ status: 429, headers: { 'retry-after': '3' } }]);
    await expect(registry.embed(deploymentOn(fake, 'emb-fail', 'openai/text-embedding-3-small'), { input: 'x' })).rejects.toMatchObject({ name: 'RateLimitError', retryAfterMs: 3000 });
    expect(fake.count('emb-fail')).toBe(1);
  });
});
