import type { Worker } from '@temporalio/worker';
import { parseConfigObject } from '../../../src/config';
import { createProviderRegistry } from '../../../src/providers';
import { DurableRouter } from '../../../src/temporal/client';
import { toDurableConfig } from '../../../src/temporal/durable-config';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { FAKE_KEY_ENV, FAST_ROUTING } from '../../support/router-config';
import { connectToTestServer, createTestWorker, type TemporalTestContext } from '../../support/temporal';

// Wildcards, aliases and tags are decided by the pure core, so the routing
// workflow gets them exactly as the in-process Router does.
let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let worker: Worker;
let running: Promise<void>;
const env = { [FAKE_KEY_ENV]: 'sk-durable-names' };

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  running = worker.run();
});
afterAll(async () => {
  worker.shutdown();
  await running;
  await fake.close();
  await ctx.close();
});

test('a durable router routes a wildcard name with the requested model, an alias, and tagged requests', async () => {
  const entry = (group: string, route: string, model: string, extra: Record<string, unknown> = {}) => ({
    model_name: group,
    litellm_params: { model, api_base: fake.openaiBaseUrl(route), api_key: `os.environ/${FAKE_KEY_ENV}`, ...extra },
    model_info: { id: route },
  });
  const config = toDurableConfig(parseConfigObject({
    model_list: [
      entry('openai/*', 'wild', 'openai/*'),
      entry('chat', 'free', 'openai/gpt-4o-mini', { tags: ['free'] }),
      entry('chat', 'paid', 'openai/gpt-4o', { tags: ['paid'] }),
    ],
    router_settings: { enable_tag_filtering: true, model_group_alias: { 'old-chat': { model: 'chat', hidden: true } } },
  }, { pricing: null }));
  const router = new DurableRouter({ client: ctx.client, config, taskQueue: ctx.taskQueue, options: FAST_ROUTING });
  const ask = (model: string, tags?: string[]) => ({ model, messages: [{ role: 'user' as const, content: 'hi' }], ...(tags ? { metadata: { tags } } : {}) });

  const wild = await router.complete(ask('openai/gpt-4.1-nano'));
  expect(wild.routing).toMatchObject({ requestedGroup: 'openai/gpt-4.1-nano', deployment: 'wild|openai/gpt-4.1-nano', model: 'openai/gpt-4.1-nano' });
  expect((fake.requests('wild')[0]?.body as { model?: string }).model).toBe('gpt-4.1-nano');

  const paid = await router.complete(ask('old-chat', ['paid']));
  expect(paid.routing).toMatchObject({ requestedGroup: 'old-chat', group: 'chat', deployment: 'paid' });
  const free = await router.complete(ask('chat', ['free']));
  expect(free.routing.deployment).toBe('free');
  await expect(router.complete(ask('chat', ['gold']))).rejects.toThrow('No deployment of model group "chat" matches the request\'s tags ["gold"]');
  expect({ wild: fake.count('wild'), free: fake.count('free'), paid: fake.count('paid') }).toEqual({ wild: 1, free: 1, paid: 1 });
}, 90_000);
