import { createProviderRegistry } from '../../../src/providers';
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
const MODEL = 'gemini/gemini-2.5-flash';
const LOOKUP: FunctionTool = {
  type: 'function',
  function: { name: 'lookup_order', description: 'Find an order', parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] } },
};
type Sent = Record<string, unknown> & { contents: Array<{ role: string; parts: Array<Record<string, unknown>> }> };
const sent = (route: string, n = 0): Sent => fake.requests(route)[n]?.body as Sent;
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const PDF = Buffer.from('%PDF-1.4 fake').toString('base64');

describe('gemini wire, JSON', () => {
  it('calls generateContent with the key header, system instruction apart, and maps reply, usage and cost', async () => {
    fake.script('basic', [{ cachedTokens: 3 }]);
    const response = await registry.complete(deploymentOn(fake, 'basic', MODEL), {
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You are terse.' }, { type: 'text', text: 'Answer in English.' }] },
        { role: 'user', content: 'First part.' },
        { role: 'user', content: 'Second part.' },
      ],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 77,
      stop: ['END'],
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
    });
    const request = fake.requests('basic')[0];
    expect(request?.path).toBe('/basic/v1beta/models/gemini-2.5-flash:generateContent');
    expect(request?.headers['x-goog-api-key']).toBe('sk-fake-test');
    const body = sent('basic');
    // Structured system prompt: two parts, not one flattened string.
    expect(body.systemInstruction).toEqual({ role: 'user', parts: [{ text: 'You are terse.' }, { text: 'Answer in English.' }] });
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'First part.' }, { text: 'Second part.' }] }]);
    expect(body.generationConfig).toEqual({ temperature: 0.2, topP: 0.9, maxOutputTokens: 77, stopSequences: ['END'], seed: 7, presencePenalty: 0.1, frequencyPenalty: 0.2 });

    expect(response.choices[0]?.message.content).toBe('Hello from fake deployment "basic". You said: First part. Second part.');
    expect(response.choices[0]?.finish_reason).toBe('stop');
    expect(response.usage?.prompt_tokens_details?.cached_tokens).toBe(3);
    expect(response.usage?.total_tokens).toBe((response.usage?.prompt_tokens ?? 0) + (response.usage?.completion_tokens ?? 0));
    expect(response.routing).toMatchObject({ provider: 'gemini', deployment: 'basic', model: 'gemini-2.5-flash' });
    expect(response.routing?.costUsd).toBeGreaterThan(0);
  });

  it('round-trips a tool call: functionDeclarations, functionCall and a functionResponse named after the function', async () => {
    const deployment = deploymentOn(fake, 'tools', MODEL);
    const messages: ChatMessage[] = [{ role: 'user', content: 'Where is order 17?' }];
    const first = await registry.complete(deployment, { messages, tools: [LOOKUP], tool_choice: { type: 'function', function: { name: 'lookup_order' } } });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call).toMatchObject({ type: 'function', function: { name: 'lookup_order' } });
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ order_id: 'fake' });
    expect(sent('tools', 0)).toMatchObject({
      tools: [{ functionDeclarations: [{ name: 'lookup_order', description: 'Find an order', parametersJsonSchema: LOOKUP.function.parameters }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['lookup_order'] } },
    });

    messages.push({ role: 'assistant', content: null, tool_calls: first.choices[0]?.message.tool_calls });
    messages.push({ role: 'tool', tool_call_id: call?.id ?? '', content: 'shipped yesterday' });
    const second = await registry.complete(deployment, { messages, tools: [LOOKUP] });
    expect(second.choices[0]?.message.content).toBe('Tool result received: shipped yesterday');
    const body = sent('tools', 1);
    expect(body.contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    expect(body.contents[1]?.parts[0]).toMatchObject({ functionCall: { name: 'lookup_order', args: { order_id: 'fake' } } });
    expect(body.contents[2]?.parts[0]).toMatchObject({ functionResponse: { name: 'lookup_order', response: { content: 'shipped yesterday' } } });
  });

  it('asks for JSON with responseMimeType and the schema as responseJsonSchema', async () => {
    const schema = { type: 'object', properties: { title: { type: 'string' }, pages: { type: 'integer' } } } as const;
    const response = await registry.complete(deploymentOn(fake, 'json', MODEL), {
      messages: [{ role: 'user', content: 'A book.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'book', schema } },
    });
    expect(JSON.parse(response.choices[0]?.message.content ?? '')).toEqual({ title: 'fake', pages: 1 });
    expect(sent('json').generationConfig).toEqual({ responseMimeType: 'application/json', responseJsonSchema: schema });
  });

  it.each([
    ['a SAFETY finish with no text', 'SAFETY'],
    ['a blocked prompt (promptFeedback.blockReason)', 'PROMPT_BLOCKED'],
  ])('maps %s to ContentPolicyViolationError', async (_label, finishReason) => {
    fake.script('safety', [{ finishReason }, { finishReason }]);
    await expect(registry.complete(deploymentOn(fake, 'safety', MODEL), { messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      name: 'ContentPolicyViolationError',
      retryable: false,
    });
    await expect(collect(registry.stream(deploymentOn(fake, 'safety', MODEL), { messages: [{ role: 'user', content: 'x' }] }))).rejects.toMatchObject({
      name: 'ContentPolicyViolationError',
    });
  });

  it('maps reasoning_effort and thinking to thinkingConfig', async () => {
    await registry.complete(deploymentOn(fake, 'think', MODEL), { messages: [{ role: 'user', content: 'a' }], reasoning_effort: 'medium' });
    await registry.complete(deploymentOn(fake, 'think', MODEL), { messages: [{ role: 'user', content: 'a' }], thinking: { type: 'enabled', budget_tokens: 3000 } });
    await registry.complete(deploymentOn(fake, 'think', MODEL), { messages: [{ role: 'user', content: 'a' }], thinking: { type: 'disabled' } });
    expect(fake.requests('think').map((r) => (r.body as Sent).generationConfig)).toEqual([
      { thinkingConfig: { thinkingBudget: 2048, includeThoughts: true } },
      { thinkingConfig: { thinkingBudget: 3000, includeThoughts: true } },
      { thinkingConfig: { thinkingBudget: 0 } },
    ]);
  });

  it('sends images and PDFs as inlineData, and URLs as fileData', async () => {
    await registry.complete(deploymentOn(fake, 'media', MODEL), {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: 'file', file: { file_data: `data:application/pdf;base64,${PDF}`, filename: 'report.pdf' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(sent('media').contents[0]?.parts).toEqual([
      { text: 'Compare these.' },
      { inlineData: { mimeType: 'image/png', data: PNG } },
      { inlineData: { mimeType: 'application/pdf', data: PDF } },
      { fileData: { fileUri: 'https://example.com/cat.jpg', mimeType: 'image/jpeg' } },
    ]);
  });
});

describe('gemini wire, streaming', () => {
  it('streams streamGenerateContent?alt=sse as OpenAI chunks ending with usage', async () => {
    fake.script('stream', [{ cachedTokens: 2 }]);
    const chunks = await collect(registry.stream(deploymentOn(fake, 'stream', MODEL), { messages: [{ role: 'user', content: 'stream me' }] }));
    expect(fake.requests('stream')[0]?.path).toBe('/stream/v1beta/models/gemini-2.5-flash:streamGenerateContent');
    expect(fake.requests('stream')[0]?.query.alt).toBe('sse');
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello from fake deployment "stream". You said: stream me');
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    const last = chunks[chunks.length - 1] as ChatChunk;
    expect(last.usage?.prompt_tokens_details?.cached_tokens).toBe(2);
    expect(last.routing?.costUsd).toBeGreaterThan(0);
  });

  it('streams function calls as tool-call deltas', async () => {
    const chunks = await collect(registry.stream(deploymentOn(fake, 'stream-tools', MODEL), { messages: [{ role: 'user', content: 'order 9' }], tools: [LOOKUP] }));
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas).toHaveLength(1);
    expect(deltas[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'lookup_order' } });
    expect(JSON.parse(deltas[0]?.function?.arguments ?? '')).toEqual({ order_id: 'fake' });
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
  });

  it('streams JSON mode as content', async () => {
    const chunks = await collect(
      registry.stream(deploymentOn(fake, 'stream-json', MODEL), { messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'n', schema: { type: 'object', properties: { ok: { type: 'boolean' } } } } } }),
    );
    expect(JSON.parse(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''))).toEqual({ ok: true });
  });

  it('closes the HTTP stream when the consumer stops early', async () => {
    fake.script('early', [{ chunkDelayMs: 20 }]);
    let count = 0;
    for await (const _chunk of registry.stream(deploymentOn(fake, 'early', MODEL), { messages: [{ role: 'user', content: 'a long answer please' }] })) {
      count += 1;
      if (count === 2) break;
    }
    await expect(fake.responseEnd('early')).resolves.toBe('closed-by-client');
  });
});

describe('gemini embeddings', () => {
  it('embeds through batchEmbedContents, with the requested size and an estimated token count priced from the data', async () => {
    const response = await registry.embed(deploymentOn(fake, 'embed', 'gemini/gemini-embedding-001'), { input: ['alpha beta', 'gamma'], dimensions: 4, input_type: 'RETRIEVAL_DOCUMENT' });
    expect(fake.requests('embed')[0]?.path).toBe('/embed/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect((fake.requests('embed')[0]?.body as { requests: unknown[] }).requests).toEqual([
      { content: { role: 'user', parts: [{ text: 'alpha beta' }] }, outputDimensionality: 4, taskType: 'RETRIEVAL_DOCUMENT', model: 'models/gemini-embedding-001' },
      { content: { role: 'user', parts: [{ text: 'gamma' }] }, outputDimensionality: 4, taskType: 'RETRIEVAL_DOCUMENT', model: 'models/gemini-embedding-001' },
    ]);
    expect(response.data.map((d) => d.embedding.length)).toEqual([4, 4]);
    expect(response.data.map((d) => d.index)).toEqual([0, 1]);
    expect(response.usage.prompt_tokens).toBeGreaterThan(0);
    // gemini-embedding-001 lists $0.15 per million input tokens.
    expect(response.routing?.costUsd).toBeCloseTo(response.usage.prompt_tokens * 0.15e-6, 12);
  });
});
