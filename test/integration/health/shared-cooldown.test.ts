import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { createProviderRegistry } from '../../../src/providers';
import { getBatchResult, startBatchSummarize } from '../../../src/temporal/client';
import { getRouterHealthReport } from '../../../src/temporal/health';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { FAKE_KEY_ENV, FAST_ROUTING, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

// Acceptance (issue 6): two concurrent batches share one model group. Once the
// first batch's failures have cooled the OpenAI-like deployment down in the
// routerHealth entity, the second batch sends it no request at all.
let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let dir: string;
let worker: Worker;
const env = { [FAKE_KEY_ENV]: 'sk-shared' };

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  dir = mkdtempSync(join(tmpdir(), 'tlr-shared-health-'));
  worker = await createTestWorker(ctx, createProviderRegistry({ env }));
});
afterAll(async () => {
  await fake.close();
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

const config = () => fakeRouterConfig(
  fake,
  [{ id: 'openai-a', group: 'sum' }, { id: 'anthropic-b', group: 'sum', model: 'anthropic/claude-haiku-4-5' }],
  // One failure is tolerated, the second cools openai-a down for a minute: longer than the test.
  { allowed_fails: 1, cooldown_time: 60 },
);
const FIRST_DOCS = 24;
// Enough that the unshared control's second batch all but surely picks openai-a at least once (1 in 2^12 that it never does).
const SECOND_DOCS = 12;
const texts = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag} document ${i}: notes on durable routing and shared cooldowns.`);
const requestsMentioning = (route: string, tag: string) => fake.requests(route).filter((r) => JSON.stringify(r.body).includes(tag)).length;

/** Polls until `ok`; a workflow that does not exist yet (the entity starts on the first hop) reads as "not yet". */
async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read().catch((err: unknown) => {
      if ((err as { name?: unknown }).name === 'WorkflowNotFoundError') return undefined;
      throw err;
    });
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Scripts the healthy deployment to answer every call until `cooled()` says the failing one is
 * cooled down, and to hold every call from then on until `open()`. Failures reach the entity with
 * the next hop's read, so the first batch must keep moving until the cooldown is there (a fixed
 * number of answers could run out first when the random picks favour the healthy deployment);
 * once it is, nothing of the first batch can finish, so it is certainly still running when the
 * second batch starts, however loaded the machine is.
 */
function holdHealthyOnceCooled(cooled: () => Promise<boolean>): { open(): void } {
  let isOpen = false;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = () => {
      isOpen = true;
      resolve();
    };
  });
  // One gate per call: each B call is at most one per document (it never fails), the rest is spare.
  const steps = Array.from({ length: FIRST_DOCS + SECOND_DOCS + 8 }, () => {
    const gate = fake.gate();
    void gate.arrived.then(async () => {
      if (!isOpen && (await cooled().catch(() => false))) await opened;
      gate.release();
    });
    return { gate, latencyMs: 20 };
  });
  fake.script('anthropic-b', steps, { after: { latencyMs: 20 } });
  return { open };
}

async function twoBatches(shared: boolean): Promise<{ firstBatchToA: number; secondBatchToA: number; secondBatchToB: number; firstStillRunning: boolean }> {
  fake.reset();
  fake.script('openai-a', [], { after: { status: 503, errorMessage: 'upstream overloaded' } });
  const routerName = uniqueWorkflowId('shared');
  const tag1 = `first-${shared}`;
  const tag2 = `second-${shared}`;
  // Held calls heartbeat; a roomy heartbeat timeout keeps a starved heartbeat from failing the healthy deployment.
  const base = { ...FAST_ROUTING, heartbeatTimeoutMs: 10_000 };
  // A generous read timeout: this test is about sharing, and on a loaded CI box a read
  // that gives up (and routes on local state, by design) would blur what is measured.
  const routing = shared ? { ...base, sharedHealth: { routerName, readTimeoutMs: 15_000 } } : { ...base, sharedHealth: false as const };
  const isCooled = shared
    ? async () => (await getRouterHealthReport(ctx.client, routerName)).cooldowns.some((c) => c.deploymentId === 'openai-a')
    : async () => requestsMentioning('openai-a', tag1) >= 2;
  const holdB = holdHealthyOnceCooled(isCooled);
  const start = (tag: string) => startBatchSummarize(ctx.client, config(), {
    group: 'sum', documents: { kind: 'inline', texts: texts(tag, tag === tag1 ? FIRST_DOCS : SECOND_DOCS) }, output: { jsonlPath: join(dir, `${tag}.jsonl`) },
    concurrency: 2, taskQueue: ctx.taskQueue, routing, workflowId: uniqueWorkflowId(tag),
  });

  const first = await start(tag1);
  // Wait until the first batch has cooled openai-a down: in the shared entity, or (unshared) at the fake server.
  await waitFor(isCooled, (cooled) => cooled);
  const firstStillRunning = (await ctx.client.workflow.getHandle(first.workflowId).describe()).status.name === 'RUNNING';
  const second = await start(tag2);
  holdB.open();
  const [r1, r2] = await Promise.all([getBatchResult(ctx.client, first.workflowId), getBatchResult(ctx.client, second.workflowId)]);
  expect(r1.progress).toMatchObject({ done: FIRST_DOCS, failed: 0 });
  expect(r2.progress).toMatchObject({ done: SECOND_DOCS, failed: 0 });
  return {
    firstBatchToA: requestsMentioning('openai-a', tag1),
    secondBatchToA: requestsMentioning('openai-a', tag2),
    secondBatchToB: requestsMentioning('anthropic-b', tag2),
    firstStillRunning,
  };
}

test('with shared health, the second of two concurrent batches sends the cooled-down deployment no requests', async () => {
  await worker.runUntil(async () => {
    const shared = await twoBatches(true);
    // One object, so a failure shows every count at once.
    expect({ ...shared, firstBatchToA: shared.firstBatchToA >= 2 }).toEqual({
      firstStillRunning: true, firstBatchToA: true, secondBatchToA: 0, secondBatchToB: SECOND_DOCS,
    });

    // Control: the same two batches without the entity. Each learns the outage alone, so the second pays for it too.
    const alone = await twoBatches(false);
    expect({ firstStillRunning: alone.firstStillRunning, secondBatchSentToA: alone.secondBatchToA > 0 }).toEqual({ firstStillRunning: true, secondBatchSentToA: true });
    process.stdout.write(`[shared-cooldown] requests from the second batch to the failing deployment: shared ${shared.secondBatchToA}, unshared ${alone.secondBatchToA}\n`);
  });
});
