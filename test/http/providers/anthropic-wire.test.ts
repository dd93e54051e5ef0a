import { createProviderRegistry, DEFAULT_ANTHROPIC_MAX_TOKENS } from '../../../src/providers';
import type { ChatChunk, ChatMessage, FunctionTool } from '../../../src/providers/types';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
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
const MODEL = 'anthropic/claude-3-5-haiku-latest';
const LOOKUP: FunctionTool = {
  type: 'function',
  function: { name: 'lookup_order', description: 'Find an order', parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] } },
};

type SentBody = Record<string, unknown> & { messages: Array<{ role: string; content: Array<Record<string, unknown>> }> };
const sent = (route: string, n = 0): SentBody => fake.requests(route)[n]?.body as SentBody;

describe('anthropic wire, JSON', () => {
  it('extracts the system prompt, merges same-role turns and maps the reply to the OpenAI shape', async () => {
    fake.script('basic', [{ cachedTokens: 4 }]);
    const response = await registry.complete(deploymentOn(fake, 'basic', MODEL), {
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'First part.' },
        { role: 'user', content: [{ type: 'text', text: 'Second part.' }] },
      ],
      stop: 'END',
      temperature: 0.3,
      user: 'user-42',
    });
    expect(response.object).toBe('chat.completion');
    expect(response.choices[0]?.message.content).toBe('Hello from fake deployment "basic". You said: First part. Second part.');
    expect(response.choices[0]?.finish_reason).toBe('stop');
    expect(response.usage?.prompt_tokens_details?.cached_tokens).toBe(4);
    expect(response.usage?.total_tokens).toBe((response.usage?.prompt_tokens ?? 0) + (response.usage?.completion_tokens ?? 0));
    expect(response.routing).toMatchObject({ provider: 'anthropic', deployment: 'basic', model: 'claude-3-5-haiku-latest' });
    expect(response.routing?.costUsd).toBeGreaterThan(0);

    const body = sent('basic');
    expect(body.system).toBe('You are terse.');
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'First part.' }, { type: 'text', text: 'Second part.' }] }]);
    expect(body).toMatchObject({ stop_sequences: ['END'], temperature: 0.3, metadata: { user_id: 'user-42' }, max_tokens: DEFAULT_ANTHROPIC_MAX_TOKENS });
    // @anthropic-ai/sdk 1.x sends the API key as a bearer token.
    expect(fake.requests('basic')[0]?.headers.authorization).toBe('Bearer sk-fake-test');
  });

  it('uses the request max_tokens, then the deployment default', async () => {
    await registry.complete(deploymentOn(fake, 'max', MODEL, { maxTokens: 300 }), { messages: [{ role: 'user', content: 'a' }] });
    await registry.complete(deploymentOn(fake, 'max', MODEL, { maxTokens: 300 }), { messages: [{ role: 'user', content: 'a' }], max_completion_tokens: 12 });
    expect(sent('max', 0).max_tokens).toBe(300);
    expect(sent('max', 1).max_tokens).toBe(12);
  });

  it.each([
    ['max_tokens', 'length'],
    ['stop_sequence', 'stop'],
    ['refusal', 'content_filter'],
  ])('maps stop_reason %s to finish_reason %s', async (stopReason, finish) => {
    fake.script('finish', [{ finishReason: stopReason }]);
    const response = await registry.complete(deploymentOn(fake, 'finish', MODEL), { messages: [{ role: 'user', content: 'a' }] });
    expect(response.choices[0]?.finish_reason).toBe(finish);
  });

  it('round-trips a tool call: tools, tool_use and tool_result blocks', async () => {
    const deployment = deploymentOn(fake, 'tools', MODEL);
    const messages: ChatMessage[] = [{ role: 'user', content: 'Where is order 17?' }];
    const first = await registry.complete(deployment, { messages, tools: [LOOKUP], tool_choice: { type: 'function', function: { name: 'lookup_order' } } });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(first.choices[0]?.message.content).toBeNull();
    expect(call).toMatchObject({ type: 'function', function: { name: 'lookup_order' } });
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ order_id: 'fake' });
    expect(sent('tools', 0)).toMatchObject({
      tools: [{ name: 'lookup_order', description: 'Find an order', input_schema: LOOKUP.function.parameters }],
      tool_choice: { type: 'tool', name: 'lookup_order' },
    });

    messages.push({ role: 'assistant', content: 'Let me check.', tool_calls: first.choices[0]?.message.tool_calls });
    messages.push({ role: 'tool', tool_call_id: call?.id ?? '', content: 'shipped yesterday' });
    messages.push({ role: 'user', content: 'Thanks, and?' });
    const second = await registry.complete(deployment, { messages, tools: [LOOKUP], tool_choice: 'none' });
    expect(second.choices[0]?.message.content).toContain('Hello from fake deployment');
    const body = sent('tools', 1);
    expect(body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(body.messages[1]?.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: call?.id, name: 'lookup_order', input: { order_id: 'fake' } },
    ]);
    // The tool result and the next user text merge into one user turn, tool_result first.
    expect(body.messages[2]?.content).toEqual([
      { type: 'tool_result', tool_use_id: call?.id, content: 'shipped yesterday' },
      { type: 'text', text: 'Thanks, and?' },
    ]);
    expect(body.tool_choice).toEqual({ type: 'none' });
  });

  it('answers the tool result with text', async () => {
    const response = await registry.complete(deploymentOn(fake, 'tool-result', MODEL), {
      messages: [
        { role: 'user', content: 'order?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'lookup_order', arguments: '{"order_id":"17"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'in transit' },
      ],
      tools: [LOOKUP],
    });
    expect(response.choices[0]?.message.content).toBe('Tool result received: in transit');
  });

  it('provides JSON mode through a forced tool and returns the JSON as text', async () => {
    const schema = { type: 'object', properties: { title: { type: 'string' }, pages: { type: 'integer' } } } as const;
    const response = await registry.complete(deploymentOn(fake, 'json', MODEL), {
      messages: [{ role: 'user', content: 'A book, please.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'book', schema } },
    });
    expect(JSON.parse(response.choices[0]?.message.content ?? '')).toEqual({ title: 'fake', pages: 1 });
    expect(response.choices[0]?.finish_reason).toBe('stop');
    expect(response.choices[0]?.message.tool_calls).toBeUndefined();
    expect(sent('json').tool_choice).toEqual({ type: 'tool', name: 'json_output' });

    const loose = await registry.complete(deploymentOn(fake, 'json', MODEL), {
      messages: [{ role: 'user', content: 'Anything.' }],
      response_format: { type: 'json_object' },
    });
    expect(typeof JSON.parse(loose.choices[0]?.message.content ?? '')).toBe('object');
  });

  it('rejects parameters Anthropic cannot honour, or drops them with drop_params', async () => {
    const request = { messages: [{ role: 'user' as const, content: 'a' }], seed: 1, frequency_penalty: 0.5 };
    await expect(registry.complete(deploymentOn(fake, 'params', MODEL), request)).rejects.toMatchObject({
      name: 'UnsupportedParamsError',
      status: 400,
      retryable: false,
      params: ['seed', 'frequency_penalty'],
    });
    expect(fake.count('params')).toBe(0);
    await registry.complete(deploymentOn(fake, 'params', MODEL, { dropParams: true }), request);
    expect(sent('params')).not.toHaveProperty('seed');
    expect(sent('params')).not.toHaveProperty('frequency_penalty');
  });
});

describe('anthropic wire, streaming', () => {
  it('normalises text events to OpenAI chunks with a final usage chunk', async () => {
    fake.script('stream', [{ cachedTokens: 2 }]);
    const chunks = await collect(registry.stream(deploymentOn(fake, 'stream', MODEL), { messages: [{ role: 'user', content: 'stream me' }] }));
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello from fake deployment "stream". You said: stream me');
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    const last = chunks[chunks.length - 1] as ChatChunk;
    expect(last.usage?.prompt_tokens_details?.cached_tokens).toBe(2);
    expect(last.routing).toMatchObject({ provider: 'anthropic', deployment: 'stream' });
    expect(last.routing?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(sent('stream').stream).toBe(true);
  });

  it('closes the HTTP stream when the caller aborts', async () => {
    fake.script('abort', [{ chunkDelayMs: 30 }]);
    const controller = new AbortController();
    const seen: string[] = [];
    const run = (async () => {
      for await (const chunk of registry.stream(deploymentOn(fake, 'abort', MODEL), { messages: [{ role: 'user', content: 'a long answer please' }] }, { signal: controller.signal })) {
        const text = chunk.choices[0]?.delta.content ?? '';
        if (text !== '') seen.push(text);
        if (seen.length === 2) controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'RequestAbortedError', retryable: false });
    expect(seen).toHaveLength(2);
    await expect(fake.responseEnd('abort')).resolves.toBe('closed-by-client');
  });

  it('closes the HTTP stream when the consumer stops early', async () => {
    fake.script('early', [{ chunkDelayMs: 20 }]);
    let count = 0;
    for await (const _chunk of registry.stream(deploymentOn(fake, 'early', MODEL), { messages: [{ role: 'user', content: 'a long answer please' }] })) {
      count += 1;
      if (count === 2) break;
    }
    expect(count).toBe(2);
    await expect(fake.responseEnd('early')).resolves.toBe('closed-by-client');
  });

  it('streams tool_use as tool-call deltas', async () => {
    const chunks = await collect(registry.stream(deploymentOn(fake, 'stream-tools', MODEL), { messages: [{ role: 'user', content: 'order 9' }], tools: [LOOKUP] }));
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'lookup_order', arguments: '' } });
    expect(JSON.parse(deltas.map((d) => d.function?.arguments ?? '').join(''))).toEqual({ order_id: 'fake' });
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
  });

  it('round-trips a streamed tool call: the reassembled tool_use goes back as tool_use and tool_result blocks', async () => {
    const deployment = deploymentOn(fake, 'stream-roundtrip', MODEL);
    const messages: ChatMessage[] = [{ role: 'user', content: 'Where is order 17?' }];
    const first = await collect(registry.stream(deployment, { messages, tools: [LOOKUP] }));
    const deltas = first.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    const id = deltas.find((d) => d.id !== undefined)?.id ?? '';
    const name = deltas.find((d) => d.function?.name !== undefined)?.function?.name ?? '';
    const args = deltas.map((d) => d.function?.arguments ?? '').join('');
    expect(id).not.toBe('');
    expect(name).toBe('lookup_order');
    expect(first.some((c) => c.choices[0]?.finish_reason === 'tool_calls')).toBe(true);

    messages.push({ role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: args } }] });
    messages.push({ role: 'tool', tool_call_id: id, content: 'shipped yesterday' });
    const second = await collect(registry.stream(deployment, { messages, tools: [LOOKUP] }));
    expect(second.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Tool result received: shipped yesterday');
    expect(second.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    const body = sent('stream-roundtrip', 1);
    expect(body.stream).toBe(true);
    expect(body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(body.messages[1]?.content).toEqual([{ type: 'tool_use', id, name: 'lookup_order', input: JSON.parse(args) as unknown }]);
    expect(body.messages[2]?.content).toEqual([{ type: 'tool_result', tool_use_id: id, content: 'shipped yesterday' }]);
    expect(fake.count('stream-roundtrip')).toBe(2);
  });

  it('streams JSON mode as content', async () => {
    const chunks = await collect(
      registry.stream(deploymentOn(fake, 'stream-json', MODEL), { messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'n', schema: { type: 'object', properties: { ok: { type: 'boolean' } } } } } }),
    );
    expect(JSON.parse(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''))).toEqual({ ok: true });
    expect(chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])).toEqual([]);
  });
});
