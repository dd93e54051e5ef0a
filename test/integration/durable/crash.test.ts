import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBatchResult, getBatchStatus, startBatchSummarize } from '../../../src/temporal/client';
import { startFakeProviderServer, type FakeProviderServer, type RecordedRequest } from '../../../src/testing';
import { eventually, readJsonl, writeJsonlDocuments } from '../../support/batch';
import { secretsInHistories } from '../../support/secrets';
import { armChildWorker, startChildWorker, type ArmedChildWorker, type ChildWorker } from '../../support/child-worker';
import { FAKE_KEY_ENV, FAST_ROUTING, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

// Crash: SIGKILL the worker process three times at random points of a
// 500-document batch, starting a new one each time.
const DOCS = 500;
const KILLS = 3;

let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let dir: string;
const workers: ChildWorker[] = [];
/** Replacement workers, booted while the batch runs so each kill is followed by a new worker at once. */
const spares: Array<Promise<ArmedChildWorker>> = [];
const env = { [FAKE_KEY_ENV]: 'fake-crash-key-never-in-history', TLR_WORKER_STICKY_TIMEOUT_MS: '1000' };

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  dir = mkdtempSync(join(tmpdir(), 'tlr-crash-'));
});
afterAll(async () => {
  for (const w of workers) await w.kill();
  for (const spare of spares) await spare.then((w) => w.kill(), () => undefined);
  await fake.close();
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

test('three SIGKILLs mid-batch: every document appears exactly once, extra provider requests at most those in flight at each kill', async () => {
  const config = fakeRouterConfig(fake, [{ id: 'dep', group: 'sum', numRetries: 2 }]);
  const path = writeJsonlDocuments(dir, DOCS);
  const workflowId = uniqueWorkflowId('crash-batch');
  const requests: RecordedRequest[] = [];
  const inFlightAtKill: number[] = [];
  // Random kill points, one in each quarter after the first, so each lands mid-batch.
  const killAt = Array.from({ length: KILLS }, (_, k) => Math.floor(((k + 1) / (KILLS + 1)) * DOCS + (Math.random() - 0.5) * (DOCS / (KILLS + 2))));

  const arm = () => {
    const spare = armChildWorker(ctx.taskQueue, env);
    spare.catch(() => undefined); // awaited at the next kill, which reports the failure
    spares.push(spare);
    return spare;
  };
  workers.push(await startChildWorker(ctx.taskQueue, env));
  let spare = arm();
  await startBatchSummarize(ctx.client, config, {
    group: 'sum', documents: { kind: 'jsonl', path }, output: { jsonlPath: join(dir, 'out.jsonl'), markdownPath: join(dir, 'out.md') },
    concurrency: 8, continueAsNewAfterEvents: 2_000, taskQueue: ctx.taskQueue, workflowId, workflowTaskTimeoutMs: 2_000,
    routing: FAST_ROUTING,
  });

  for (const [k, threshold] of killAt.entries()) {
    // A query fails while no live worker holds the workflow; that is expected right after a kill.
    await eventually(async () => {
      const done = await getBatchStatus(ctx.client, workflowId).then((p) => p.done, () => -1);
      return done >= threshold ? true : undefined;
    }, 90_000, 20);
    // From here every new call is held, so the calls in flight at the kill are exactly the held ones.
    requests.push(...fake.requests('dep'));
    const gate = fake.gate();
    fake.script('dep', [], { after: { gate } });
    // Kill once every document the workflow has in flight is held here: no answered call is
    // then still on its way back to the server, so the crash cannot cost a request that the
    // count at the fake server missed. (A held call cannot end, so `held` only grows.)
    await eventually(async () => {
      const held = fake.count('dep');
      const inFlight = await getBatchStatus(ctx.client, workflowId).then((p) => p.inFlight, () => -1);
      return held >= 1 && held === inFlight ? true : undefined;
    }, 60_000, 20);
    const victim = workers[workers.length - 1] as ChildWorker;
    await victim.kill();
    expect(victim.process.signalCode).toBe('SIGKILL');
    // A request written just before the kill may still sit in this process's socket buffer: let it be recorded.
    await new Promise((r) => setTimeout(r, 100));
    const held = fake.count('dep');
    inFlightAtKill.push(held);
    gate.release(); // the held responses go to dead sockets
    requests.push(...fake.requests('dep'));
    fake.script('dep', []);
    workers.push(await (await spare).go());
    if (k + 1 < KILLS) spare = arm();
  }
  const result = await getBatchResult(ctx.client, workflowId);
  requests.push(...fake.requests('dep'));
  await (workers[workers.length - 1] as ChildWorker).stop();

  const records = readJsonl(result.output.jsonlPath);
  expect(records).toHaveLength(DOCS);
  expect(records.map((r) => r.id)).toEqual(Array.from({ length: DOCS }, (_, i) => `doc-${i}`));
  expect(records.every((r) => r.status === 'ok')).toBe(true);
  expect(result.progress).toMatchObject({ done: DOCS, failed: 0, total: DOCS });

  expect(inFlightAtKill.every((n) => n >= 1)).toBe(true);
  const extra = requests.length - DOCS;
  expect(extra).toBeGreaterThanOrEqual(0);
  expect(extra).toBeLessThanOrEqual(inFlightAtKill.reduce((a, b) => a + b, 0));
}, 240_000);

test('no API key value appears in the history of any workflow run this file started', async () => {
  const { runs, leaks } = await secretsInHistories(ctx.client, ctx.taskQueue, ['fake-crash-key-never-in-history']);
  expect(runs).toBeGreaterThanOrEqual(1);
  expect(leaks).toEqual([]);
});
