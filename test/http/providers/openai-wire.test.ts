import { createProviderRegistry } from '../../../src/providers';
import type { ChatChunk, ChatMessage, ChatRequest, FunctionTool } from '../../../src/providers/types';
import { fakeSummary, startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { collect, deploymentOn, TEST_ENV } from './helpers';

let fake: FakeProviderServer;
beforeAll(async () => {
  fake = await startFakeProviderServer();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const registry = createProviderRegistry({ env: TEST_ENV });
const WEATHER: FunctionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
  },
};

describe('openai wire, JSON', () => {
  it('returns an OpenAI-shaped completion with usage, cached tokens and routing metadata', async () => {
    fake.script('json', [{ cachedTokens: 3 }]);
    const text = 'The committee met on Tuesday and agreed the budget for next year after a long debate.';
    const response = await registry.complete(deploymentOn(fake, 'json', 'openai/gpt-4o-mini'), {
      messages: [
        { role: 'system', content: 'Summarize the user text in one line.' },
        { role: 'user', content: text },
      ],
      temperature: 0.2,
      seed: 7,
      user: 'u-1',
      stop: ['\n\n'],
    });
    expect(response.object).toBe('chat.completion');
    expect(response.choices[0]?.message.content).toBe(fakeSummary(text));
    expect(response.choices[0]?.finish_reason).toBe('stop');
    expect(response.usage?.prompt_tokens_details?.cached_tokens).toBe(3);
    expect(response.routing).toMatchObject({ provider: 'openai', deployment: 'json', model: 'gpt-4o-mini', attempts: 1 });
    expect(response.routing?.costUsd).toBeGreaterThan(0);
    expect(response.routing?.latencyMs).toBeGreaterThanOrEqual(0);

    const [request] = fake.requests('json');
    expect(request?.headers.authorization).toBe('Bearer sk-fake-test');
    expect(request?.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2, seed: 7, user: 'u-1', stop: ['\n\n'] });
    // SDK retries are off: the SDK marks its attempt count, and it is the first.
    expect(request?.headers['x-stainless-retry-count']).toBe('0');
  });

  it('applies the deployment max_tokens default and extra headers', async () => {
    await registry.complete(deploymentOn(fake, 'defaults', 'openai/gpt-4o-mini', { maxTokens: 77, headers: { 'x-team': 'search' } }), {
      messages: [{ role: 'user', content: 'hi' }],
    });
    const [request] = fake.requests('defaults');
    expect(request?.body).toMatchObject({ max_tokens: 77 });
    expect(request?.headers['x-team']).toBe('search');
  });

  it('round-trips a tool call', async () => {
    const deployment = deploymentOn(fake, 'tools', 'openai/gpt-4o-mini');
    const messages: ChatMessage[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await registry.complete(deployment, { messages, tools: [WEATHER], tool_choice: 'auto' });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.function.name).toBe('get_weather');
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ city: 'fake', days: 1 });

    messages.push({ role: 'assistant', content: null, tool_calls: first.choices[0]?.message.tool_calls });
    messages.push({ role: 'tool', tool_call_id: call?.id ?? '', content: 'sunny, 21C' });
    const second = await registry.complete(deployment, { messages, tools: [WEATHER] });
    expect(second.choices[0]?.message.content).toBe('Tool result received: sunny, 21C');
    const sent = fake.requests('tools')[1]?.body as { messages: Array<{ role: string; tool_call_id?: string }> };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(sent.messages[2]?.tool_call_id).toBe(call?.id);
  });

  it.each([
    ['json_object', { type: 'json_object' } as const, (v: unknown) => expect(v).toHaveProperty('reply')],
    [
      'json_schema',
      { type: 'json_schema', json_schema: { name: 'person', schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } } } } } as const,
      (v: unknown) => expect(v).toEqual({ name: 'fake', age: 1 }),
    ],
  ])('supports JSON mode (%s)', async (_label, format, check) => {
    const response = await registry.complete(deploymentOn(fake, 'json-mode', 'openai/gpt-4o-mini'), {
      messages: [{ role: 'user', content: 'Describe a person.' }],
      response_format: format,
    });
    check(JSON.parse(response.choices[0]?.message.content ?? ''));
    expect(fake.requests('json-mode')[0]?.body).toMatchObject({ response_format: format });
  });

  it('turns a reply withheld by a content filter into ContentPolicyViolationError', async () => {
    fake.script('filtered', [{ text: '', finishReason: 'content_filter' }]);
    await expect(registry.complete(deploymentOn(fake, 'filtered', 'openai/gpt-4o-mini'), { messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      name: 'ContentPolicyViolationError',
      retryable: false,
    });
  });
});

describe('openai wire, streaming', () => {
  const request: ChatRequest = { messages: [{ role: 'user', content: 'Tell me something short' }] };

  it('streams content deltas and ends with a usage chunk carrying routing metadata', async () => {
    const chunks = await collect(registry.stream(deploymentOn(fake, 'stream', 'openai/gpt-4o-mini'), request));
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Hello from fake deployment "stream". You said: Tell me something short');
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    const last = chunks[chunks.length - 1] as ChatChunk;
    expect(last.usage?.completion_tokens).toBeGreaterThan(0);
    expect(last.routing?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(last.routing?.deployment).toBe('stream');
    expect(fake.requests('stream')[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('streams tool-call deltas that reassemble into the arguments', async () => {
    const chunks = await collect(registry.stream(deploymentOn(fake, 'stream-tools', 'openai/gpt-4o-mini'), { ...request, tools: [WEATHER] }));
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse(deltas.map((d) => d.function?.arguments ?? '').join(''))).toEqual({ city: 'fake', days: 1 });
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
  });

  it('round-trips a streamed tool call: the reassembled call goes back with its result, and the answer streams as text', async () => {
    const deployment = deploymentOn(fake, 'stream-roundtrip', 'openai/gpt-4o-mini');
    const messages: ChatMessage[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await collect(registry.stream(deployment, { messages, tools: [WEATHER], tool_choice: 'auto' }));
    const deltas = first.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    const id = deltas.find((d) => d.id !== undefined)?.id ?? '';
    const name = deltas.find((d) => d.function?.name !== undefined)?.function?.name ?? '';
    const args = deltas.map((d) => d.function?.arguments ?? '').join('');
    expect(id).not.toBe('');
    expect(name).toBe('get_weather');

    messages.push({ role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: args } }] });
    messages.push({ role: 'tool', tool_call_id: id, content: 'sunny, 21C' });
    const second = await collect(registry.stream(deployment, { messages, tools: [WEATHER] }));
    expect(second.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Tool result received: sunny, 21C');
    expect(second.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    const sent = fake.requests('stream-roundtrip')[1]?.body as { stream: boolean; messages: Array<{ role: string; tool_call_id?: string; tool_calls?: Array<{ id: string; function: { arguments: string } }> }> };
    expect(sent.stream).toBe(true);
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(sent.messages[1]?.tool_calls?.[0]).toMatchObject({ id, function: { arguments: args } });
    expect(sent.messages[2]?.tool_call_id).toBe(id);
    expect(fake.count('stream-roundtrip')).toBe(2);
  });

  it.each([
    ['json_object', { type: 'json_object' } as const, (v: unknown) => expect(v).toHaveProperty('reply')],
    [
      'json_schema',
      { type: 'json_schema', json_schema: { name: 'person', schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } } } } } as const,
      (v: unknown) => expect(v).toEqual({ name: 'fake', age: 1 }),
    ],
  ])('streams JSON mode (%s) as content', async (_label, format, check) => {
    const chunks = await collect(registry.stream(deploymentOn(fake, 'stream-json', 'openai/gpt-4o-mini'), { messages: [{ role: 'user', content: 'Describe a person.' }], response_format: format }));
    check(JSON.parse(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')));
    expect(chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])).toEqual([]);
    expect(fake.requests('stream-json')[0]?.body).toMatchObject({ stream: true, response_format: format });
  });

  it('closes the HTTP stream when the caller aborts', async () => {
    fake.script('abort', [{ chunkDelayMs: 30 }]);
    const controller = new AbortController();
    const seen: string[] = [];
    const run = (async () => {
      for await (const chunk of registry.stream(deploymentOn(fake, 'abort', 'openai/gpt-4o-mini'), request, { signal: controller.signal })) {
        const text = chunk.choices[0]?.delta.content ?? '';
        if (text !== '') seen.push(text);
        if (seen.length === 2) controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'RequestAbortedError', retryable: false });
    expect(seen).toHaveLength(2);
    // The server saw the connection go before its reply was complete.
    await expect(fake.responseEnd('abort')).resolves.toBe('closed-by-client');
  });

  it('closes the HTTP stream when the consumer stops early', async () => {
    fake.script('early', [{ chunkDelayMs: 20 }]);
    let count = 0;
    for await (const _chunk of registry.stream(deploymentOn(fake, 'early', 'openai/gpt-4o-mini'), request)) {
      count += 1;
      if (count === 2) break;
    }
    expect(count).toBe(2);
    await expect(fake.responseEnd('early')).resolves.toBe('closed-by-client');
    // The next call on the same route still works: nothing is left hanging.
    const response = await registry.complete(deploymentOn(fake, 'early', 'openai/gpt-4o-mini'), request);
    expect(response.choices[0]?.message.content).toContain('Hello from fake deployment');
  });
});
