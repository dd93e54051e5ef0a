// The gateway's /v1/messages driven by the real `@anthropic-ai/sdk`: Anthropic
// requests are routed to OpenAI and Anthropic deployments alike, and answered
// in Anthropic's wire format (JSON, SSE and errors).
import Anthropic from '@anthropic-ai/sdk';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { deployment, errorBodyOf, rejection, startTestGateway, withKeys, type TestGateway } from './helpers';

const WEATHER: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

let fake: FakeProviderServer;
let gw: TestGateway;

beforeAll(async () => {
  fake = await startFakeProviderServer();
  gw = await startTestGateway(
    withKeys({
      model_list: [
        deployment(fake, 'gpt', 'o', 'openai/gpt-4o-mini'),
        deployment(fake, 'claude', 'c1', 'anthropic/claude-3-5-haiku-20241022'),
        deployment(fake, 'claude', 'c2', 'anthropic/claude-3-5-haiku-20241022'),
        deployment(fake, 'lone', 'l', 'openai/gpt-4o-mini'),
        deployment(fake, 'slow', 's', 'anthropic/claude-3-5-haiku-20241022'),
      ],
      router_settings: { num_retries: 1, retry_after: 0, allowed_fails: 1 },
    }),
  );
});
afterAll(async () => {
  await gw.close();
  await fake.close();
});
beforeEach(() => fake.reset());

describe('/v1/messages (JSON)', () => {
  it('answers an Anthropic request routed to an OpenAI deployment in Anthropic\'s shape, with routing headers', async () => {
    const { data, response } = await gw
      .anthropic()
      .messages.create({ model: 'gpt', max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hi' }], stop_sequences: ['\n\n'], metadata: { user_id: 'u-7' } })
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.role).toBe('assistant');
    expect(data.content).toEqual([{ type: 'text', text: 'Hello from fake deployment "o". You said: Say hi' }]);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-llm-router-deployment')).toBe('o');
    // The OpenAI deployment got the translated request.
    expect(fake.requests('o')[0]?.body).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hi' },
      ],
      max_tokens: 64,
      stop: ['\n\n'],
      user: 'u-7',
    });
  });

  it('round-trips a tool use and its tool_result', async () => {
    const client = gw.anthropic();
    const first = await client.messages.create({ model: 'gpt', max_tokens: 64, tools: [WEATHER], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'Weather in Oslo?' }] });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(use).toMatchObject({ name: 'get_weather', input: { city: 'fake' } });
    const second = await client.messages.create({
      model: 'gpt',
      max_tokens: 64,
      tools: [WEATHER],
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use!.id, content: 'sunny' }] },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'Tool result received: sunny' }]);
    const body = fake.requests('o')[1]?.body as { messages: Array<Record<string, unknown>>; tool_choice?: unknown };
    expect(body.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: use!.id, content: 'sunny' });
    expect(fake.requests('o')[0]?.body).toMatchObject({ tool_choice: 'required', tools: [{ type: 'function', function: { name: 'get_weather' } }] });
  });

  it('fails over between Anthropic deployments, and answers a total failure with Anthropic\'s error shape and the attempts', async () => {
    fake.script('c1', [{ status: 529 }], { after: { status: 529 } });
    const ok = await gw.anthropic().messages.create({ model: 'claude', max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(ok.response.headers.get('x-llm-router-deployment')).toBe('c2');

    fake.script('l', [], { after: { status: 503 } });
    const error = await rejection(gw.anthropic().messages.create({ model: 'lone', max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] }));
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(error.status).toBe(503);
    const body = errorBodyOf(error) as { type: string; error: { type: string; message: string; attempts: unknown[] } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('api_error');
    expect(body.error.attempts.length).toBeGreaterThanOrEqual(1);
  });

  it('names the field of a bad request, and refuses content blocks it cannot carry', async () => {
    const missing = await rejection(gw.anthropic().messages.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming));
    expect(missing).toBeInstanceOf(Anthropic.BadRequestError);
    expect((errorBodyOf(missing) as { error: { type: string; message: string } }).error).toEqual({ type: 'invalid_request_error', message: 'max_tokens: is required (a number)' });
    const doc = await rejection(
      gw.anthropic().messages.create({
        model: 'gpt',
        max_tokens: 10,
        messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }] }],
      } as unknown as Anthropic.MessageCreateParamsNonStreaming),
    );
    expect((errorBodyOf(doc) as { error: { message: string } }).error.message).toContain('messages[0].content[0].type: content blocks of type "document" are not supported');
  });

  it('refuses a wrong key with a 401 in Anthropic\'s format', async () => {
    const error = await rejection(gw.anthropic('gw-nope-0000').messages.create({ model: 'gpt', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }));
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((errorBodyOf(error) as { error: { type: string } }).error.type).toBe('authentication_error');
    expect(fake.count('o')).toBe(0);
  });

  it('lists the model groups in Anthropic\'s format for the Anthropic SDK', async () => {
    const page = await gw.anthropic().models.list();
    expect(page.data.map((m) => m.id).sort()).toEqual(['claude', 'gpt', 'lone', 'slow']);
    expect(page.data[0]?.type).toBe('model');
  });
});

describe('/v1/messages (SSE)', () => {
  it('streams text in Anthropic\'s event order, from an OpenAI deployment', async () => {
    const stream = gw.anthropic().messages.stream({ model: 'gpt', max_tokens: 64, messages: [{ role: 'user', content: 'stream to me' }] });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from fake deployment "o". You said: stream to me' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(types.filter((t) => t === 'content_block_start')).toHaveLength(1);
  });

  it('streams a tool use as input_json_delta events the SDK reassembles', async () => {
    const stream = gw.anthropic().messages.stream({ model: 'claude', max_tokens: 64, tools: [WEATHER], tool_choice: { type: 'tool', name: 'get_weather' }, messages: [{ role: 'user', content: 'Weather?' }] });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: { city: 'fake' } })]);
  });

  it('aborts the provider call when the client drops the stream', async () => {
    fake.script('s', [{ chunkDelayMs: 200 }]);
    const stream = gw.anthropic().messages.stream({ model: 'slow', max_tokens: 64, messages: [{ role: 'user', content: 'a long one, please' }] });
    let deltas = 0;
    for await (const event of stream) {
      // Leaving the loop aborts the SDK's request: the client hangs up.
      if (event.type === 'content_block_delta' && ++deltas === 2) break;
    }
    expect(deltas).toBe(2);
    await expect(fake.responseEnd('s', 1)).resolves.toBe('closed-by-client');
  });
});
