// Cooldowns are shared by default: a DurableRouter built with nothing but a
// config and allowed_fails: 1, sending 60 requests 4 at a time to a group of
// two where one deployment is dead, pays to learn that only a few times.
import type { Worker } from '@temporalio/worker';
import { createProviderRegistry } from '../../../src/providers';
import { DurableRouter } from '../../../src/temporal/client';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { FAKE_KEY_ENV, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, createTestWorker, type TemporalTestContext } from '../../support/temporal';

const REQUESTS = 60;
const IN_FLIGHT = 4;
let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let worker: Worker;

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  worker = await createTestWorker(ctx, createProviderRegistry({ env: { [FAKE_KEY_ENV]: 'fake-dead-key' } }));
});
afterAll(async () => {
  await fake.close();
  await ctx.close();
});

test('60 requests at 4 in flight with default settings: at most 4 calls reach the dead deployment, and every request is served', async () => {
  fake.script('dead', [], { after: { status: 503, errorMessage: 'down' } });
  const config = fakeRouterConfig(fake, [{ id: 'dead', group: 'g' }, { id: 'alive', group: 'g', model: 'anthropic/claude-haiku-4-5' }], { allowed_fails: 1 });
  // Nothing but the client, the config and the task queue: shared health is the default.
  const router = new DurableRouter({ client: ctx.client, config, taskQueue: ctx.taskQueue });
  const served: string[] = [];
  const started = Date.now();
  await worker.runUntil(async () => {
    let next = 0;
    const lane = async () => {
      while (next < REQUESTS) {
        next++;
        served.push((await router.complete({ model: 'g', messages: [{ role: 'user', content: 'hello' }] })).routing.deployment);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  });
  const times = fake.requests('dead').map((r) => r.receivedAt - started);
  process.stdout.write(`[dead-deployment] calls to the dead deployment: ${fake.count('dead')} of ${REQUESTS} requests in ${Date.now() - started} ms (at ${times.join(', ')} ms)\n`);
  expect(served).toHaveLength(REQUESTS);
  expect(new Set(served)).toEqual(new Set(['alive']));
  expect(fake.count('dead')).toBeGreaterThanOrEqual(1);
  expect(fake.count('dead')).toBeLessThanOrEqual(IN_FLIGHT);
}, 120_000);
