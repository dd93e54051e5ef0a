// The gateway driven by the real `openai` package, against fake providers
// speaking OpenAI's and Anthropic's wire protocols on loopback.
import OpenAI from 'openai';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { deployment, errorBodyOf, MASTER_KEY, rejection, startTestGateway, TEAM_KEY, withKeys, type TestGateway } from './helpers';

const WEATHER: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

let fake: FakeProviderServer;
let gw: TestGateway;

beforeAll(async () => {
  fake = await startFakeProviderServer();
  const price = { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 };
  gw = await startTestGateway(
    withKeys(
      {
        model_list: [
          deployment(fake, 'chat', 'a', 'openai/gpt-4o-mini', price),
          deployment(fake, 'chat', 'b', 'openai/gpt-4o-mini', price),
          deployment(fake, 'claude', 'c', 'anthropic/claude-3-5-haiku-20241022', price),
          deployment(fake, 'solo', 'd', 'openai/gpt-4o-mini'),
          deployment(fake, 'backup', 'e', 'openai/gpt-4o'),
          deployment(fake, 'slow', 'f', 'openai/gpt-4o-mini'),
        ],
        // No backoff between calls, so failover tests take milliseconds.
        router_settings: { num_retries: 1, retry_after: 0, allowed_fails: 1, cooldown_time: 30, fallbacks: [{ solo: ['backup'] }] },
      },
      [
        { key: TEAM_KEY, name: 'team', models: ['chat'], rpm_limit: 3 },
        { key: 'gw-budget-test-51c0', name: 'budgeted', monthly_budget: 0.00001 },
      ],
    ),
    { log: true },
  );
});
afterAll(async () => {
  await gw.close();
  await fake.close();
});
beforeEach(() => fake.reset());

describe('chat completions (JSON)', () => {
  it('answers in OpenAI\'s shape with the serving deployment, attempts and cost in x-llm-router-* headers', async () => {
    const { data, response } = await gw.openai().chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 50 }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content).toBe('Hello from fake deployment "c". You said: Say hi');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect((data as unknown as Record<string, unknown>).routing).toBeUndefined();
    expect(response.headers.get('x-llm-router-deployment')).toBe('c');
    expect(response.headers.get('x-llm-router-attempts')).toBe('1');
    expect(response.headers.get('x-llm-router-group')).toBe('claude');
    expect(response.headers.get('x-llm-router-path')).toBe('in-process');
    expect(Number(response.headers.get('x-llm-router-cost'))).toBeGreaterThan(0);
    // The provider got the provider's key from the config, never the gateway key.
    const [call] = fake.requests('c');
    expect(`${call?.headers.authorization ?? ''}${call?.headers['x-api-key'] ?? ''}`).toContain('sk-fake-router-test');
    expect(JSON.stringify(call?.headers)).not.toContain(MASTER_KEY);
  });

  it('carries tools and a tool round trip through an Anthropic deployment', async () => {
    const client = gw.openai();
    const first = await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools: [WEATHER], tool_choice: 'required' });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' ? call.function.name : undefined).toBe('get_weather');
    expect(JSON.parse(call?.type === 'function' ? call.function.arguments : '{}')).toEqual({ city: 'fake' });
    const second = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'Weather in Oslo?' }, first.choices[0]!.message, { role: 'tool', tool_call_id: call!.id, content: 'sunny' }],
      tools: [WEATHER],
    });
    expect(second.choices[0]?.message.content).toBe('Tool result received: sunny');
    // Anthropic's wire got a tool_result block for our tool message.
    const body = fake.requests('c')[1]?.body as { messages: Array<{ content: Array<{ type: string }> }> };
    expect(body.messages.at(-1)?.content[0]?.type).toBe('tool_result');
  });

  it('passes response_format to an OpenAI deployment', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const r = await gw.openai().chat.completions.create({ model: 'solo', messages: [{ role: 'user', content: 'JSON please' }], response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } } });
    expect(JSON.parse(r.choices[0]?.message.content ?? '')).toEqual({ answer: 'fake' });
    expect(fake.requests('d')[0]?.body).toMatchObject({ response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } } });
  });
});

describe('chat completions (SSE)', () => {
  it('streams text, and sends the usage chunk only when stream_options.include_usage asks for it', async () => {
    const client = gw.openai();
    const plain = await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'stream this' }], stream: true });
    let text = '';
    let chunks = 0;
    for await (const chunk of plain) {
      chunks++;
      // Code written against OpenAI reads choices[0] on every chunk.
      text += chunk.choices[0]!.delta.content ?? '';
    }
    expect(text).toBe('Hello from fake deployment "c". You said: stream this');
    expect(chunks).toBeGreaterThan(3);

    const withUsage = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'count' }], stream: true, stream_options: { include_usage: true } });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of withUsage) if (chunk.usage) usage = chunk.usage;
    expect(usage?.total_tokens).toBeGreaterThan(0);
  });

  it('streams tool-call deltas that reassemble into the call', async () => {
    const stream = await gw.openai().chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Weather?' }], tools: [WEATHER], tool_choice: 'required', stream: true });
    let name = '';
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        name += call.function?.name ?? '';
        args += call.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual({ city: 'fake' });
    expect(finish).toBe('tool_calls');
  });

  it('reports a failure before the first chunk with a real HTTP status, not a 200 stream', async () => {
    fake.script('d', [{ status: 400, errorMessage: 'bad thing' }]);
    const error = await rejection(gw.openai().chat.completions.create({ model: 'solo', messages: [{ role: 'user', content: 'x' }], stream: true }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.message).toContain('bad thing');
  });

  it('ends a stream that fails after content with an error event the SDK raises', async () => {
    // Half a tool call cannot be continued elsewhere: the router gives up and the gateway reports it in-stream.
    fake.script('c', [{ cutAfterChunks: 1 }]);
    const stream = await gw.openai().chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Weather?' }], tools: [WEATHER], tool_choice: 'required', stream: true });
    const seen: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const chunk of stream) seen.push(JSON.stringify(chunk.choices[0]?.delta ?? {}));
      })(),
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.message).toMatch(/MidStreamError|APIConnectionError|stream/i);
  });
});

describe('failover and errors', () => {
  it('fails over during an outage: every request succeeds, the dead deployment is cooled and skipped', async () => {
    fake.script('a', [], { after: { status: 503 } });
    const client = gw.openai();
    const served: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { data, response } = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: `req ${i}` }] }).withResponse();
      expect(data.choices[0]?.message.content).toContain('deployment "b"');
      served.push(`${response.headers.get('x-llm-router-deployment')}/${response.headers.get('x-llm-router-attempts')}`);
    }
    expect(served.every((s) => s.startsWith('b/'))).toBe(true);
    // allowed_fails 1: the second failure cools a down for 30 s, so at most two calls are wasted on it.
    expect(fake.count('a')).toBeLessThanOrEqual(2);
    expect(fake.count('b')).toBe(6);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/llm_router_cooldowns_total\{deployment="a",error_class="ServiceUnavailableError",rule="[a-z-]+"\} 1/);
    expect(metrics).toMatch(/llm_router_provider_errors_total\{deployment="a",error_class="ServiceUnavailableError"\} [12]/);
    expect(metrics).toContain('llm_router_deployment_cooling_down{deployment="a"} 1');
  });

  it('answers a request that failed everywhere with 503 and the attempt list', async () => {
    fake.script('d', [], { after: { status: 500 } });
    fake.script('e', [], { after: { status: 502 } });
    const error = await rejection(gw.openai().chat.completions.create({ model: 'solo', messages: [{ role: 'user', content: 'x' }] }));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.status).toBe(503);
    const body = errorBodyOf(error);
    expect(body).toMatchObject({ type: 'server_error', code: 'fallbacks_exhausted' });
    const attempts = body.attempts as Array<{ deployment: string; group: string; error_class: string; status: number }>;
    expect(attempts.map((a) => `${a.group}/${a.deployment}:${a.error_class} ${a.status}`)).toEqual(
      expect.arrayContaining(['solo/d:InternalServerError 500', 'backup/e:BadGatewayError 502']),
    );
    expect(error.headers?.get('x-llm-router-error')).toBe('FallbacksExhaustedError');
  });

  it('names the field of a bad request (400), and the groups for an unknown model', async () => {
    const client = gw.openai();
    const badRole = await rejection(client.chat.completions.create({ model: 'chat', messages: [{ role: 'robot', content: 'x' } as unknown as OpenAI.Chat.ChatCompletionMessageParam] }));
    expect(badRole.status).toBe(400);
    expect(errorBodyOf(badRole)).toMatchObject({ param: 'messages[0].role', type: 'invalid_request_error' });
    expect(badRole.message).toContain('messages[0].role: unknown value "robot"');
    const badTemp = await rejection(client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'x' }], temperature: 7 }));
    expect(errorBodyOf(badTemp).param).toBe('temperature');
    const unknown = await rejection(client.chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'x' }] }));
    expect(unknown.status).toBe(400);
    expect(unknown.message).toContain('model: no model group "gpt-5" (groups: backup, chat, claude, slow, solo)');
    const legacy = await rejection(client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'x' }], functions: [{ name: 'f' }] } as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming));
    expect(errorBodyOf(legacy).param).toBe('functions');
    expect(fake.count('a') + fake.count('b')).toBe(0);
  });

  it('refuses a wrong or missing key with a 401 in OpenAI\'s format, before any provider call', async () => {
    const wrong = await rejection(gw.openai('gw-wrong-key-0000').chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'x' }] }));
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(errorBodyOf(wrong)).toMatchObject({ code: 'invalid_api_key', message: 'invalid gateway key' });
    const missing = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/missing gateway key/);
    expect(fake.count('a') + fake.count('b')).toBe(0);
  });

  it('limits a key to its model groups (403) and lists only those in /v1/models', async () => {
    const team = gw.openai(TEAM_KEY);
    const models = await team.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['chat']);
    expect((await gw.openai().models.list()).data.map((m) => m.id).sort()).toEqual(['backup', 'chat', 'claude', 'slow', 'solo']);
    const denied = await rejection(team.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'x' }] }));
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(denied.message).toContain('key "team" may not call model group "claude" (allowed: chat)');
    // A typo lists only the groups the key may use.
    const typo = await rejection(team.chat.completions.create({ model: 'chta', messages: [{ role: 'user', content: 'x' }] }));
    expect(typo.message).toContain('model: no model group "chta" (groups: chat)');
  });

  it('enforces a key\'s rpm limit with a 429 and Retry-After, and its monthly budget with insufficient_quota', async () => {
    const team = gw.openai(TEAM_KEY);
    // rpm_limit 3: the forbidden request above was refused before admission, so three succeed here.
    for (let i = 0; i < 3; i++) await team.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: `${i}` }] });
    const limited = await rejection(team.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'one too many' }] }));
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number(limited.headers?.get('retry-after'))).toBeGreaterThan(0);

    const budgeted = gw.openai('gw-budget-test-51c0');
    await budgeted.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'spend it' }] });
    const broke = await rejection(budgeted.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'more' }] }));
    expect(broke.status).toBe(429);
    expect(errorBodyOf(broke)).toMatchObject({ type: 'insufficient_quota', code: 'budget_exceeded' });
    expect(broke.headers?.get('x-should-retry')).toBe('false');
  });

  it('refuses a body over the limit with a 413 in OpenAI\'s format', async () => {
    const small = await startTestGateway({ model_list: [deployment(fake, 'chat', 'a', 'openai/gpt-4o-mini')] }, { maxRequestBytes: 1024 });
    try {
      const error = await rejection(small.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'x'.repeat(4096) }] }));
      expect(error.status).toBe(413);
      expect(errorBodyOf(error).message).toMatch(/over the gateway's limit of 1\.0 KiB|over the gateway's limit/);
      expect(fake.count('a')).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('never writes a gateway key or a provider key to its log', () => {
    const log = gw.log.join('');
    expect(log).toContain('"url":"/v1/chat/completions"');
    for (const secret of [MASTER_KEY, TEAM_KEY, 'gw-wrong-key-0000', 'sk-fake-router-test']) expect(log).not.toContain(secret);
  });
});

describe('client disconnects', () => {
  it('aborts the provider call when the client drops a stream mid-way', async () => {
    fake.script('c', [{ chunkDelayMs: 200 }]);
    const stream = await gw.openai().chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'a long answer please' }], stream: true });
    let chunks = 0;
    for await (const _chunk of stream) {
      chunks++;
      // Leaving the loop aborts the SDK's request: the client hangs up.
      if (chunks === 2) break;
    }
    expect(chunks).toBe(2);
    // The fake saw its response closed by the gateway's client before the end.
    await expect(fake.responseEnd('c', 1)).resolves.toBe('closed-by-client');
  });

  it('aborts the provider call when the client gives up on a completion', async () => {
    const gate = fake.gate();
    fake.script('f', [{ gate }]);
    const controller = new AbortController();
    const pending = gw.openai().chat.completions.create({ model: 'slow', messages: [{ role: 'user', content: 'slow' }] }, { signal: controller.signal });
    await gate.arrived;
    controller.abort();
    expect(await rejection(pending)).toBeInstanceOf(OpenAI.APIUserAbortError);
    await expect(fake.responseEnd('f', 1)).resolves.toBe('closed-by-client');
    // The abort is the caller's, not the provider's fault: the router made no second call.
    expect(fake.count('f')).toBe(1);
  });
});
