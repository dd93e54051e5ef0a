// The gateway's durable switch against the shared Temporal dev server: a
// request with `x-llm-router-durable: true`, or for a group listed in
// gateway_settings.durable_groups, runs as a routedCompletion workflow and
// comes back in the same shape as the in-process path.
import type { Worker } from '@temporalio/worker';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { parseConfigObject } from '../../../src/config';
import { createGateway, type Gateway } from '../../../src/gateway';
import { createProviderRegistry } from '../../../src/providers';
import { Router } from '../../../src/router';
import { DurableRouter } from '../../../src/temporal/client';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { FAKE_KEY_ENV, FAST_ROUTING } from '../../support/router-config';
import { secretsInHistories } from '../../support/secrets';
import { connectToTestServer, createTestWorker, type TemporalTestContext } from '../../support/temporal';

const PROVIDER_SECRET = 'fake-gateway-provider-key';
const GATEWAY_KEY = 'gw-durable-test-7d21';
const env = { [FAKE_KEY_ENV]: PROVIDER_SECRET };

let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let worker: Worker;
let running: Promise<void>;
let gateway: Gateway;
let url: string;

function deployment(group: string, id: string, model = 'openai/gpt-4o-mini') {
  const apiBase = model.startsWith('anthropic/') ? fake.anthropicBaseUrl(id) : fake.openaiBaseUrl(id);
  return { model_name: group, litellm_params: { model, api_base: apiBase, api_key: `os.environ/${FAKE_KEY_ENV}`, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }, model_info: { id } };
}

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  const config = parseConfigObject({
    model_list: [deployment('chat', 'a'), deployment('chat', 'b'), deployment('batchy', 'z', 'anthropic/claude-3-5-haiku-20241022'), deployment('lone', 'l')],
    router_settings: { num_retries: 1, retry_after: 0 },
    general_settings: { master_key: GATEWAY_KEY },
    gateway_settings: { durable_groups: ['batchy'] },
  });
  worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  running = worker.run();
  const durable = new DurableRouter({ client: ctx.client, config, taskQueue: ctx.taskQueue, options: FAST_ROUTING });
  gateway = await createGateway({
    router: new Router(config, { env }),
    durable: { router: durable, ready: async () => void (await ctx.client.connection.workflowService.getSystemInfo({})) },
    processMetrics: false,
  });
  url = await gateway.listen({ port: 0 });
});

afterAll(async () => {
  await gateway?.close();
  worker?.shutdown();
  await running;
  await fake?.close();
  await ctx?.close();
});
beforeEach(() => fake.reset());

const openai = () => new OpenAI({ apiKey: GATEWAY_KEY, baseURL: `${url}/v1`, maxRetries: 0 });
const durableHeader = { headers: { 'x-llm-router-durable': 'true' } };

test('readiness reports the Temporal connection', async () => {
  const res = await fetch(`${url}/health/readiness`);
  expect(res.status).toBe(200);
  expect(((await res.json()) as { temporal: string }).temporal).toBe('connected');
});

test('x-llm-router-durable: true runs a routedCompletion and answers in the same shape, with its workflow id', async () => {
  fake.script('a', [{ status: 503 }], { after: { status: 503 } });
  const { data, response } = await openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'durably, please' }] }, durableHeader).withResponse();
  expect(data.object).toBe('chat.completion');
  expect(data.choices[0]?.message.content).toMatch(/^Hello from fake deployment "[ab]"\. You said: durably, please$/);
  expect(response.headers.get('x-llm-router-path')).toBe('durable');
  const workflowId = response.headers.get('x-llm-router-workflow-id');
  expect(workflowId).toMatch(/^gateway-/);
  expect(response.headers.get('x-llm-router-deployment')).toBe(data.choices[0]?.message.content?.includes('"b"') ? 'b' : 'a');
  expect(Number(response.headers.get('x-llm-router-cost'))).toBeGreaterThan(0);
  const description = await ctx.client.workflow.getHandle(workflowId!).describe();
  expect(description.type).toBe('routedCompletion');
  expect(description.status.name).toBe('COMPLETED');
});

test('a group in gateway_settings.durable_groups is durable without the header, and the header can decline it', async () => {
  const client = openai();
  const durable = await client.chat.completions.create({ model: 'batchy', messages: [{ role: 'user', content: 'group setting' }] }).withResponse();
  expect(durable.response.headers.get('x-llm-router-path')).toBe('durable');
  const declined = await client.chat.completions.create({ model: 'batchy', messages: [{ role: 'user', content: 'not this one' }] }, { headers: { 'x-llm-router-durable': 'false' } }).withResponse();
  expect(declined.response.headers.get('x-llm-router-path')).toBe('in-process');
  expect(declined.data.choices[0]?.message.content).toBe('Hello from fake deployment "z". You said: not this one');
});

test('a durable stream is the finished answer replayed as chunks, and the Anthropic route works durably too', async () => {
  const stream = await openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'stream durably' }], stream: true }, durableHeader);
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  expect(text).toMatch(/^Hello from fake deployment "[ab]"\. You said: stream durably$/);

  const anthropic = new Anthropic({ apiKey: GATEWAY_KEY, baseURL: url, maxRetries: 0 });
  const message = await anthropic.messages.create({ model: 'batchy', max_tokens: 50, messages: [{ role: 'user', content: 'anthropic durably' }] });
  expect(message.content).toEqual([{ type: 'text', text: 'Hello from fake deployment "z". You said: anthropic durably' }]);
});

test('a durable request that fails everywhere is a 503 with the attempts, as on the in-process path', async () => {
  fake.script('l', [], { after: { status: 500 } });
  let error: (Error & { status?: number; error?: { code?: string; attempts?: unknown[] } }) | undefined;
  try {
    await openai().chat.completions.create({ model: 'lone', messages: [{ role: 'user', content: 'doomed' }] }, durableHeader);
  } catch (e) {
    error = e as typeof error;
  }
  expect(error?.status).toBe(503);
  expect(error?.error?.code).toBe('fallbacks_exhausted');
  expect(error?.error?.attempts?.length).toBeGreaterThanOrEqual(1);
});

test('a client that gives up on a durable request cancels its workflow', async () => {
  const gate = fake.gate();
  fake.script('z', [{ gate }]);
  const controller = new AbortController();
  const pending = openai()
    .chat.completions.create({ model: 'batchy', messages: [{ role: 'user', content: 'never mind' }] }, { signal: controller.signal })
    .catch((e: unknown) => e);
  await gate.arrived;
  controller.abort();
  expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
  // The workflow whose hop is held at the fake got a cancellation request.
  let cancelled = false;
  for (let i = 0; i < 50 && !cancelled; i++) {
    for await (const run of ctx.client.workflow.list({ query: `TaskQueue = '${ctx.taskQueue}'` })) {
      const history = await ctx.client.workflow.getHandle(run.workflowId).fetchHistory();
      if (history.events?.some((e) => e.workflowExecutionCancelRequestedEventAttributes)) cancelled = true;
    }
    if (!cancelled) await new Promise((r) => setTimeout(r, 100));
  }
  gate.release();
  expect(cancelled).toBe(true);
});

test('neither the gateway key nor the provider key reached workflow history', async () => {
  const { runs, leaks } = await secretsInHistories(ctx.client, ctx.taskQueue, [GATEWAY_KEY, PROVIDER_SECRET]);
  expect(runs).toBeGreaterThanOrEqual(5);
  expect(leaks).toEqual([]);
});
