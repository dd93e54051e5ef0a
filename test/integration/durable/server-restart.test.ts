import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer, type DevServerHandle } from '../../../src/dev-server';
import { getBatchResult, getBatchStatus, startBatchSummarize } from '../../../src/temporal/client';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { eventually, readJsonl, writeJsonlDocuments } from '../../support/batch';
import { secretsInHistories } from '../../support/secrets';
import { startChildWorker, type ChildWorker } from '../../support/child-worker';
import { FAKE_KEY_ENV, FAST_ROUTING, fakeRouterConfig } from '../../support/router-config';
import { requireTestEnv, TEST_ENV } from '../../support/test-env';
import { connectToTestServer, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

// Server restart: the dev server stops mid-batch and comes back on the same
// SQLite file (and port); the batch completes with each document once.
// Its own server, because this test stops it.
const DOCS = 150;

let dir: string;
let fake: FakeProviderServer;
let server: DevServerHandle | undefined;
let worker: ChildWorker | undefined;
let ctx: TemporalTestContext | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tlr-restart-'));
  fake = await startFakeProviderServer();
});
afterAll(async () => {
  await worker?.kill();
  await ctx?.close();
  await server?.stop();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the dev server stops mid-batch and restarts on the same SQLite file; the batch completes', async () => {
  const dbFilename = join(dir, 'state.db');
  const cliPath = requireTestEnv('cliPath');
  const quiet = { dbFilename, cliPath, headless: true, log: () => undefined };
  server = await startDevServer(quiet);
  const port = Number(server.address.split(':').pop());
  ctx = await connectToTestServer(server.address);
  // The worker outlives the server: its polls fail while the server is down and resume when it is back.
  worker = await startChildWorker(ctx.taskQueue, { [FAKE_KEY_ENV]: 'fake-restart-key-never-in-history', [TEST_ENV.address]: server.address, TLR_WORKER_STICKY_TIMEOUT_MS: '1000' });

  fake.script('dep', [], { after: { latencyMs: 10 } });
  const config = fakeRouterConfig(fake, [{ id: 'dep', group: 'sum', numRetries: 3 }]);
  const workflowId = uniqueWorkflowId('restart');
  const path = writeJsonlDocuments(dir, DOCS);
  await startBatchSummarize(ctx.client, config, {
    group: 'sum', documents: { kind: 'jsonl', path }, output: { jsonlPath: join(dir, 'out.jsonl') },
    concurrency: 4, taskQueue: ctx.taskQueue, workflowId, workflowTaskTimeoutMs: 2_000, routing: FAST_ROUTING,
  });
  const client = ctx.client;
  await eventually(async () => ((await getBatchStatus(client, workflowId)).done >= DOCS / 3 ? true : undefined), 60_000, 25);

  await server.stop();
  server = await startDevServer({ ...quiet, port });
  expect(server.address).toBe(`127.0.0.1:${port}`);

  const result = await getBatchResult(client, workflowId);
  const records = readJsonl(result.output.jsonlPath);
  expect(records.map((r) => r.id)).toEqual(Array.from({ length: DOCS }, (_, i) => `doc-${i}`));
  expect(records.every((r) => r.status === 'ok')).toBe(true);
  expect(result.progress).toMatchObject({ done: DOCS, failed: 0 });
  const { runs, leaks } = await secretsInHistories(client, ctx.taskQueue, ['fake-restart-key-never-in-history']);
  expect(runs).toBeGreaterThanOrEqual(1);
  expect(leaks).toEqual([]);
  await worker.stop();
  worker = undefined;
}, 180_000);
