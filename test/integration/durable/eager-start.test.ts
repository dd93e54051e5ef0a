// Eager workflow start: a DurableRouter whose client shares the worker's
// NativeConnection gets each request's first workflow task handed straight
// back to that worker by the start call itself, with no dispatch through the
// task queue. The history shows which way the task came: a task a poller took
// carries the history size the server measured for that poll; one handed out
// by the start call has none.
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createProviderRegistry } from '../../../src/providers';
import { DurableRouter } from '../../../src/temporal/client';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { FAKE_KEY_ENV, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let worker: Worker;

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  worker = await createTestWorker(ctx, createProviderRegistry({ env: { [FAKE_KEY_ENV]: 'fake-key' } }));
});
afterAll(async () => {
  await fake.close();
  await ctx.close();
});

const request = { model: 'g', messages: [{ role: 'user' as const, content: 'hello' }] };

async function firstTaskStarted(client: Client, workflowId: string) {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const started = history.events?.find((e) => e.workflowTaskStartedEventAttributes != null);
  return started?.workflowTaskStartedEventAttributes;
}

test('with eagerStart and a client on the worker\'s NativeConnection, the start call hands the first workflow task to the worker; without it, a poller takes it', async () => {
  const config = fakeRouterConfig(fake, [{ id: 'only', group: 'g' }]);
  const nativeClient = new Client({ connection: ctx.nativeConnection, namespace: ctx.client.options.namespace });
  const eager = new DurableRouter({ client: nativeClient, config, taskQueue: ctx.taskQueue, durability: 'latency', eagerStart: true });
  const plain = new DurableRouter({ client: nativeClient, config, taskQueue: ctx.taskQueue, durability: 'latency' });
  await worker.runUntil(async () => {
    const eagerId = uniqueWorkflowId('eager');
    const plainId = uniqueWorkflowId('plain');
    expect((await eager.complete(request, { workflowId: eagerId })).routing.deployment).toBe('only');
    expect((await plain.complete(request, { workflowId: plainId })).routing.deployment).toBe('only');
    const eagerTask = await firstTaskStarted(nativeClient, eagerId);
    const plainTask = await firstTaskStarted(nativeClient, plainId);
    expect(eagerTask).toBeDefined();
    expect(plainTask).toBeDefined();
    expect(Number(plainTask?.historySizeBytes ?? 0)).toBeGreaterThan(0);
    expect(Number(eagerTask?.historySizeBytes ?? 0)).toBe(0);

    // One at a time, side by side: what skipping the dispatch saves here (reported, not asserted).
    const p50 = async (router: DurableRouter) => {
      const ms: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t = Date.now();
        await router.complete(request);
        ms.push(Date.now() - t);
      }
      return ms.sort((a, b) => a - b)[7];
    };
    process.stdout.write(`[eager-start] p50 one at a time: eager ${await p50(eager)} ms, dispatched ${await p50(plain)} ms\n`);
  });
}, 120_000);

test('eagerStart on a client without a NativeConnection fails the request with the SDK\'s one-line reason, before anything starts', async () => {
  const config = fakeRouterConfig(fake, [{ id: 'only', group: 'g' }]);
  const router = new DurableRouter({ client: ctx.client, config, taskQueue: ctx.taskQueue, eagerStart: true });
  const before = fake.count('only');
  await expect(router.complete(request)).rejects.toThrow(/Eager workflow start requires a NativeConnection/);
  expect(fake.count('only')).toBe(before);
});
