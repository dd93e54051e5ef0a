import { createProviderRegistry } from '../../../src/providers';
import type { ChatChunk, ChatMessage, FunctionTool } from '../../../src/providers/types';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { collect, deploymentOn, TEST_AWS, TEST_AWS_REGION } from './helpers';

let fake: FakeProviderServer;
beforeAll(async () => {
  fake = await startFakeProviderServer({ aws: TEST_AWS });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const ENV = { FAKE_AWS_SECRET: TEST_AWS.secretAccessKey };
const registry = createProviderRegistry({ env: ENV });
const MODEL = 'bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0';
const LOOKUP: FunctionTool = {
  type: 'function',
  function: { name: 'lookup_order', description: 'Find an order', parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] } },
};
type Sent = Record<string, unknown> & { messages: Array<{ role: string; content: Array<Record<string, unknown>> }> };
const sent = (route: string, n = 0): Sent => fake.requests(route)[n]?.body as Sent;
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const PDF = Buffer.from('%PDF-1.4 fake').toString('base64');

describe('bedrock wire: SigV4 and credentials', () => {
  it('signs every request with AWS4-HMAC-SHA256 for the bedrock service in the region, and the signature verifies', async () => {
    await registry.complete(deploymentOn(fake, 'sig', MODEL), { messages: [{ role: 'user', content: 'hi' }] });
    const request = fake.requests('sig')[0];
    expect(request?.path).toBe('/sig/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse');
    expect(request?.auth).toMatchObject({
      scheme: 'AWS4-HMAC-SHA256',
      credentialScope: expect.stringMatching(new RegExp(`^${TEST_AWS.accessKeyId}/\\d{8}/${TEST_AWS_REGION}/bedrock/aws4_request$`)) as unknown,
      signatureValid: true,
    });
    expect(request?.auth && 'signedHeaders' in request.auth ? request.auth.signedHeaders : []).toEqual(expect.arrayContaining(['x-amz-date', 'content-type']));
  });

  it('is refused (AuthenticationError) when signed with the wrong secret, after one request', async () => {
    const wrong = createProviderRegistry({ env: { FAKE_AWS_SECRET: 'not-the-secret' } });
    await expect(wrong.complete(deploymentOn(fake, 'badsig', MODEL), { messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      name: 'AuthenticationError',
      status: 401,
      retryable: false,
    });
    expect(fake.requests('badsig')[0]?.auth).toMatchObject({ signatureValid: false });
    expect(fake.count('badsig')).toBe(1);
  });

  it('takes region and keys from the environment when the deployment names none (the SDK chain would too)', async () => {
    const fromEnv = createProviderRegistry({ env: { AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: TEST_AWS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_AWS.secretAccessKey } });
    await fromEnv.complete({ id: 'envsig', model: MODEL, apiBase: fake.bedrockEndpoint('envsig') }, { messages: [{ role: 'user', content: 'hi' }] });
    expect(fake.requests('envsig')[0]?.auth).toMatchObject({ credentialScope: expect.stringContaining('/eu-central-1/bedrock/aws4_request') as unknown, signatureValid: true });
  });

  it('fails before any request without a region', async () => {
    await expect(createProviderRegistry({ env: {} }).complete({ id: 'noregion', model: MODEL, apiBase: fake.bedrockEndpoint('noregion') }, { messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      name: 'BadRequestError',
      message: expect.stringContaining('aws_region_name') as unknown,
    });
    expect(fake.count('noregion')).toBe(0);
  });
});

describe('bedrock wire, Converse', () => {
  it('sends system blocks, inference config and cache points, and maps reply, usage and cost', async () => {
    fake.script('basic', [{ cachedTokens: 5 }]);
    const response = await registry.complete(deploymentOn(fake, 'basic', MODEL), {
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Be kind.' }] },
        { role: 'user', content: 'First part.' },
        { role: 'user', content: [{ type: 'text', text: 'Second part.' }], cache_control: { type: 'ephemeral' } },
      ],
      temperature: 0.3,
      top_p: 0.8,
      max_tokens: 99,
      stop: 'END',
    });
    const body = sent('basic');
    expect(body.system).toEqual([{ text: 'You are terse.' }, { cachePoint: { type: 'default' } }, { text: 'Be kind.' }]);
    expect(body.messages).toEqual([{ role: 'user', content: [{ text: 'First part.' }, { text: 'Second part.' }, { cachePoint: { type: 'default' } }] }]);
    expect(body.inferenceConfig).toEqual({ maxTokens: 99, temperature: 0.3, topP: 0.8, stopSequences: ['END'] });
    expect(response.choices[0]?.message.content).toBe('Hello from fake deployment "basic". You said: First part. Second part.');
    expect(response.choices[0]?.finish_reason).toBe('stop');
    expect(response.id).toBe('req_fake_basic_1');
    expect(response.usage?.prompt_tokens_details?.cached_tokens).toBe(5);
    const usage = response.usage;
    // Claude 3.5 Sonnet on Bedrock: $3 / $15 per million, cache reads at $0.30.
    const expected = ((usage?.prompt_tokens ?? 0) - 5) * 3e-6 + 5 * 0.3e-6 + (usage?.completion_tokens ?? 0) * 15e-6;
    expect(response.routing?.costUsd).toBeCloseTo(expected, 12);
  });

  it('round-trips a tool call: toolSpec, toolUse and toolResult blocks', async () => {
    const deployment = deploymentOn(fake, 'tools', MODEL);
    const messages: ChatMessage[] = [{ role: 'user', content: 'Where is order 17?' }];
    const first = await registry.complete(deployment, { messages, tools: [LOOKUP], tool_choice: 'required' });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ order_id: 'fake' });
    expect(sent('tools', 0).toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'lookup_order', description: 'Find an order', inputSchema: { json: LOOKUP.function.parameters } } }],
      toolChoice: { any: {} },
    });
    messages.push({ role: 'assistant', content: null, tool_calls: first.choices[0]?.message.tool_calls });
    messages.push({ role: 'tool', tool_call_id: call?.id ?? '', content: 'shipped yesterday' });
    const second = await registry.complete(deployment, { messages, tools: [LOOKUP] });
    expect(second.choices[0]?.message.content).toBe('Tool result received: shipped yesterday');
    const body = sent('tools', 1);
    expect(body.messages[1]?.content).toEqual([{ toolUse: { toolUseId: call?.id, name: 'lookup_order', input: { order_id: 'fake' } } }]);
    expect(body.messages[2]?.content).toEqual([{ toolResult: { toolUseId: call?.id, content: [{ text: 'shipped yesterday' }] } }]);
  });

  it('provides JSON mode through a forced tool and returns the JSON as text', async () => {
    const response = await registry.complete(deploymentOn(fake, 'json', MODEL), {
      messages: [{ role: 'user', content: 'A book.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'book', schema: { type: 'object', properties: { title: { type: 'string' } } } } },
    });
    expect(JSON.parse(response.choices[0]?.message.content ?? '')).toEqual({ title: 'fake' });
    expect(response.choices[0]?.finish_reason).toBe('stop');
    expect(response.choices[0]?.message.tool_calls).toBeUndefined();
    expect((sent('json').toolConfig as Record<string, unknown>).toolChoice).toEqual({ tool: { name: 'json_output' } });
  });

  it('maps thinking to additionalModelRequestFields for Claude, raising maxTokens above the budget', async () => {
    await registry.complete(deploymentOn(fake, 'think', MODEL), { messages: [{ role: 'user', content: 'a' }], reasoning_effort: 'high' });
    expect(sent('think').additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 4096 } });
    expect((sent('think').inferenceConfig as Record<string, unknown>).maxTokens).toBe(4096 + 4096);
    await expect(
      registry.complete(deploymentOn(fake, 'think', 'bedrock/meta.llama3-1-70b-instruct-v1:0'), { messages: [{ role: 'user', content: 'a' }], reasoning_effort: 'high' }),
    ).rejects.toMatchObject({ name: 'UnsupportedParamsError', params: ['reasoning_effort'] });
  });

  it('sends images and PDFs as bytes blocks', async () => {
    await registry.complete(deploymentOn(fake, 'media', MODEL), {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Read these.' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: 'file', file: { file_data: `data:application/pdf;base64,${PDF}`, filename: 'Q3 report.pdf' } },
          ],
        },
      ],
    });
    // The SDK sends blob members base64-encoded in the JSON body.
    expect(sent('media').messages[0]?.content).toEqual([
      { text: 'Read these.' },
      { image: { format: 'png', source: { bytes: PNG } } },
      { document: { format: 'pdf', name: 'Q3 report', source: { bytes: PDF } } },
    ]);
    await expect(
      registry.complete(deploymentOn(fake, 'media', MODEL), { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }] }),
    ).rejects.toMatchObject({ name: 'BadRequestError', message: expect.stringContaining('data: URL') as unknown });
  });

  it('maps a guardrail stop with text to content_filter, and rejects what Converse cannot take', async () => {
    fake.script('guard', [{ finishReason: 'guardrail_intervened', text: 'Sorry, I cannot help with that.' }]);
    const response = await registry.complete(deploymentOn(fake, 'guard', MODEL), { messages: [{ role: 'user', content: 'x' }] });
    expect(response.choices[0]?.finish_reason).toBe('content_filter');
    await expect(registry.complete(deploymentOn(fake, 'guard', MODEL), { messages: [{ role: 'user', content: 'x' }], seed: 3 })).rejects.toMatchObject({
      name: 'UnsupportedParamsError',
      params: ['seed'],
    });
  });
});

describe('bedrock wire, ConverseStream (event stream)', () => {
  it('decodes the binary event stream into OpenAI chunks ending with usage', async () => {
    fake.script('stream', [{ cachedTokens: 2 }]);
    const chunks = await collect(registry.stream(deploymentOn(fake, 'stream', MODEL), { messages: [{ role: 'user', content: 'stream me' }] }));
    expect(fake.requests('stream')[0]?.path).toBe('/stream/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream');
    expect(fake.requests('stream')[0]?.auth).toMatchObject({ signatureValid: true });
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello from fake deployment "stream". You said: stream me');
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    const last = chunks[chunks.length - 1] as ChatChunk;
    expect(last.usage?.prompt_tokens_details?.cached_tokens).toBe(2);
    expect(last.routing?.costUsd).toBeGreaterThan(0);
  });

  it('streams tool use as tool-call deltas', async () => {
    const chunks = await collect(registry.stream(deploymentOn(fake, 'stream-tools', MODEL), { messages: [{ role: 'user', content: 'order 9' }], tools: [LOOKUP] }));
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'lookup_order', arguments: '' } });
    expect(JSON.parse(deltas.map((d) => d.function?.arguments ?? '').join(''))).toEqual({ order_id: 'fake' });
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
  });

  it('streams JSON mode as content', async () => {
    const chunks = await collect(
      registry.stream(deploymentOn(fake, 'stream-json', MODEL), { messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'n', schema: { type: 'object', properties: { ok: { type: 'boolean' } } } } } }),
    );
    expect(JSON.parse(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''))).toEqual({ ok: true });
  });

  it('closes the HTTP/2 stream when the consumer stops early, or the caller aborts', async () => {
    fake.script('early', [{ chunkDelayMs: 20 }, { chunkDelayMs: 30 }]);
    let count = 0;
    for await (const _chunk of registry.stream(deploymentOn(fake, 'early', MODEL), { messages: [{ role: 'user', content: 'a long answer please' }] })) {
      count += 1;
      if (count === 2) break;
    }
    await expect(fake.responseEnd('early', 1)).resolves.toBe('closed-by-client');

    const controller = new AbortController();
    const seen: string[] = [];
    const run = (async () => {
      for await (const chunk of registry.stream(deploymentOn(fake, 'early', MODEL), { messages: [{ role: 'user', content: 'a long answer please' }] }, { signal: controller.signal })) {
        const text = chunk.choices[0]?.delta.content ?? '';
        if (text !== '') seen.push(text);
        if (seen.length === 2) controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'RequestAbortedError', retryable: false });
    expect(seen).toHaveLength(2);
    await expect(fake.responseEnd('early', 2)).resolves.toBe('closed-by-client');
  });

  it('turns a throttlingException frame mid-stream into a MidStreamError whose cause is a rate limit', async () => {
    fake.script('throttle', [{ cutAfterChunks: 2, streamError: { status: 429, message: 'Too many tokens, please wait before trying again.' } }]);
    const error = await collect(registry.stream(deploymentOn(fake, 'throttle', MODEL), { messages: [{ role: 'user', content: 'x' }] })).then(
      () => undefined,
      (e: unknown) => e as Record<string, unknown>,
    );
    expect(error).toMatchObject({ name: 'MidStreamError', status: 429, retryable: false, causeClass: 'RateLimitError', partialText: 'Hello from ' });
  });
});

describe('bedrock embeddings through InvokeModel', () => {
  it('embeds with Titan v2 one text per call, counting tokens and pricing them from the data', async () => {
    const response = await registry.embed(deploymentOn(fake, 'titan', 'bedrock/amazon.titan-embed-text-v2:0'), { input: ['alpha beta', 'gamma'], dimensions: 256 });
    expect(fake.requests('titan').map((r) => r.path)).toEqual(['/titan/model/amazon.titan-embed-text-v2%3A0/invoke', '/titan/model/amazon.titan-embed-text-v2%3A0/invoke']);
    expect(fake.requests('titan').map((r) => r.body)).toEqual([{ inputText: 'alpha beta', dimensions: 256, normalize: true }, { inputText: 'gamma', dimensions: 256, normalize: true }]);
    expect(response.data.map((d) => d.embedding.length)).toEqual([256, 256]);
    expect(response.usage.prompt_tokens).toBe(3 + 2);
    // The dataset prices amazon.titan-embed-text* at $0.10 per million tokens.
    expect(response.routing?.costUsd).toBeCloseTo(5 * 0.1e-6, 12);
  });

  it('sends Titan v1 the text alone, and refuses a size it cannot give', async () => {
    await registry.embed(deploymentOn(fake, 'titan1', 'bedrock/amazon.titan-embed-text-v1'), { input: 'alpha' });
    expect(fake.requests('titan1')[0]?.body).toEqual({ inputText: 'alpha' });
    await expect(registry.embed(deploymentOn(fake, 'titan1', 'bedrock/amazon.titan-embed-text-v1'), { input: 'alpha', dimensions: 256 })).rejects.toMatchObject({
      name: 'UnsupportedParamsError',
      params: ['dimensions'],
    });
    expect(fake.count('titan1')).toBe(1);
  });

  it('embeds with Cohere in one batch, reading the token count header', async () => {
    const response = await registry.embed(deploymentOn(fake, 'cohere', 'bedrock/cohere.embed-english-v3'), { input: ['alpha beta', 'gamma'], input_type: 'search_query' });
    expect(fake.requests('cohere')[0]?.body).toEqual({ texts: ['alpha beta', 'gamma'], input_type: 'search_query', embedding_types: ['float'] });
    expect(response.data).toHaveLength(2);
    expect(response.usage.prompt_tokens).toBe(5);
  });

  it('refuses a chat model before any request', async () => {
    await expect(registry.embed(deploymentOn(fake, 'noembed', MODEL), { input: 'x' })).rejects.toMatchObject({ name: 'BadRequestError' });
    expect(fake.count('noembed')).toBe(0);
  });
});
