import type { Worker } from '@temporalio/worker';
import { parseConfigObject } from '../../../src/config';
import { createProviderRegistry } from '../../../src/providers';
import { DurableRouter } from '../../../src/temporal/client';
import { toDurableConfig } from '../../../src/temporal/durable-config';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { FAKE_KEY_ENV, FAST_ROUTING } from '../../support/router-config';
import { connectToTestServer, createTestWorker, type TemporalTestContext } from '../../support/temporal';

// DurableRouter.embedding(): a routedEmbedding workflow whose hops are
// embedDeployment activities, walked by the same driver as completions.
let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let worker: Worker;
let running: Promise<void>;
const env = { [FAKE_KEY_ENV]: 'sk-durable-embed' };

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

test('durable embeddings retry on a peer, fall back across groups and carry cost from price data', async () => {
  const key = `os.environ/${FAKE_KEY_ENV}`;
  const config = toDurableConfig(parseConfigObject({
    model_list: [
      { model_name: 'embed', litellm_params: { model: 'openai/text-embedding-3-small', api_base: fake.openaiBaseUrl('e1'), api_key: key, order: 1 }, model_info: { id: 'e1' } },
      { model_name: 'embed', litellm_params: { model: 'openai/text-embedding-3-small', api_base: fake.openaiBaseUrl('e2'), api_key: key, order: 2 }, model_info: { id: 'e2' } },
      { model_name: 'embed-gemini', litellm_params: { model: 'gemini/gemini-embedding-001', api_base: fake.geminiBaseUrl('g1'), api_key: key }, model_info: { id: 'g1' } },
    ],
    router_settings: { num_retries: 1, retry_after: 0, allowed_fails: 0, cooldown_time: 60, fallbacks: [{ embed: ['embed-gemini'] }] },
  }));
  const router = new DurableRouter({ client: ctx.client, config, taskQueue: ctx.taskQueue, options: FAST_ROUTING });

  fake.script('e1', [{ status: 503 }]);
  const first = await router.embedding({ model: 'embed', input: ['alpha', 'beta'] });
  expect(first.response.data).toHaveLength(2);
  expect(first.routing.attemptLog.map((a) => [a.deploymentId, a.outcome])).toEqual([['e1', 'failure'], ['e2', 'success']]);
  expect(first.routing.costUsd).toBeCloseTo(first.response.usage.prompt_tokens * 0.00000002, 12);

  fake.script('e2', [{ status: 500 }, { status: 500 }]);
  const second = await router.embedding({ model: 'embed', input: 'gamma' });
  // e1 is cooling in the shared health: the walk skips it; e2's failure cools it too (allowed_fails 0), so the group is spent and the walk falls back.
  expect(second.routing.attemptLog.map((a) => [a.deploymentId, a.outcome])).toEqual([['e2', 'failure'], ['g1', 'success']]);
  expect(second.routing).toMatchObject({ group: 'embed-gemini', deployment: 'g1', fallbackPath: ['embed', 'embed-gemini'] });
  expect(second.routing.costUsd).toBeGreaterThan(0);
  // (Scripting a route restarts its count: e2 has had one call since.)
  expect({ e1: fake.count('e1'), e2: fake.count('e2'), g1: fake.count('g1') }).toEqual({ e1: 1, e2: 1, g1: 1 });
}, 120_000);
