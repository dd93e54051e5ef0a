import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getBatchResult, getBatchStatus, startBatchSummarize } from '../../../src/temporal/client';
import { startFakeProviderServer, type FakeProviderServer, type RecordedRequest } from '../../../src/testing';
import type { DocumentResultRecord } from '../../../workflows';
import { chainHistories, docText, eventually } from '../../support/batch';
import { startChildWorker, type ChildWorker } from '../../support/child-worker';
import { FAKE_KEY_ENV, FAST_ROUTING, fakeRouterConfig } from '../../support/router-config';
import { createTestBucket, testDocumentStore, testS3Client, testS3Env } from '../../support/s3';
import { requireTestEnv } from '../../support/test-env';
import { connectToTestServer, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

// Many machines: three worker processes on one task queue, each started in an
// empty folder of its own with its own temporary folder and its own copy of
// the workflow bundle, so no path is shared (what three hosts would see).
// Documents come from a bucket and results go to it. One worker is SIGKILLed
// mid-batch; the other two finish the batch.
const DOCS = 2_000;
const WORKERS = 3;
const UPLOADS_IN_FLIGHT = 32;
/**
 * Bounds the batch when other work shares the two cores: at a load average
 * of 18 the whole batch took 313 s (about 6 documents/s).
 */
const BATCH_TIMEOUT_MS = 300_000;

let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let client: S3Client;
let bucket: string;
const hostDirs: string[] = [];
const workers: ChildWorker[] = [];
const env = { [FAKE_KEY_ENV]: 'fake-fleet-key-never-in-history', TLR_WORKER_STICKY_TIMEOUT_MS: '1000' };

const docKey = (i: number) => `corpus/doc-${String(i).padStart(5, '0')}.txt`;

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  client = testS3Client();
  bucket = await createTestBucket('fleet');
  let next = 0;
  await Promise.all(Array.from({ length: UPLOADS_IN_FLIGHT }, async () => {
    for (let i = next++; i < DOCS; i = next++) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: docKey(i), Body: docText(i, 12) }));
    }
  }));
}, 120_000);
afterAll(async () => {
  for (const w of workers) await w.kill();
  client.destroy();
  await fake.close();
  await ctx.close();
  for (const dir of hostDirs) rmSync(dir, { recursive: true, force: true });
});

/** An empty folder as a separate host would have: its own working and temporary folders and its own copy of the bundle. */
function hostDir(n: number): { dir: string; bundle: string; tmp: string } {
  const dir = mkdtempSync(join(tmpdir(), `tlr-fleet-host${n}-`));
  hostDirs.push(dir);
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const bundle = join(dir, 'workflow-bundle.js');
  copyFileSync(requireTestEnv('bundle'), bundle);
  return { dir, bundle, tmp };
}

/** Files under `dir`, relative, leaving out what the test put there (the bundle) and the process's temporary folder. */
function filesWritten(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .filter((name) => name !== 'workflow-bundle.js' && !name.startsWith('tmp/'));
}

async function pendingByWorker(workflowId: string): Promise<Map<string, number>> {
  const description = await ctx.client.workflow.getHandle(workflowId).describe();
  const counts = new Map<string, number>();
  for (const activity of description.raw.pendingActivities ?? []) {
    const identity = activity.lastWorkerIdentity ?? '';
    if (identity !== '') counts.set(identity, (counts.get(identity) ?? 0) + 1);
  }
  return counts;
}

test('three workers sharing no path, one SIGKILLed mid-batch: 2,000 documents from S3 to S3, each once; extra provider calls at most those in flight at the kill', async () => {
  const config = fakeRouterConfig(fake, [{ id: 'dep', group: 'sum', numRetries: 2 }]);
  const hosts = Array.from({ length: WORKERS }, (_, n) => hostDir(n));
  // Each worker knows the bucket only through its own AWS_* variables, as on a host of its own.
  workers.push(...await Promise.all(hosts.map((host) => startChildWorker(ctx.taskQueue, {
    ...env, ...testS3Env(), TLR_TEST_WORKFLOW_BUNDLE: host.bundle, TMPDIR: host.tmp,
  }, { cwd: host.dir }))));
  const identityOf = (w: ChildWorker) => `${w.process.pid}@`;

  const workflowId = uniqueWorkflowId('fleet');
  const output = `s3://${bucket}/results/summaries.jsonl`;
  const started = Date.now();
  await startBatchSummarize(ctx.client, config, {
    group: 'sum', documents: { kind: 's3', url: `s3://${bucket}/corpus/` }, output: { jsonlPath: output },
    concurrency: 48, pageSize: 250, continueAsNewAfterEvents: 2_500, taskQueue: ctx.taskQueue, workflowId, workflowTaskTimeoutMs: 2_000,
    routing: FAST_ROUTING,
  });

  // Kill somewhere in the middle third.
  const threshold = Math.floor(DOCS * (0.35 + Math.random() * 0.3));
  await eventually(async () => {
    const done = await getBatchStatus(ctx.client, workflowId).then((p) => p.done, () => -1);
    return done >= threshold ? true : undefined;
  }, BATCH_TIMEOUT_MS, 20);
  const requests: RecordedRequest[] = [...fake.requests('dep')];
  // From here every new call is held, so the calls in flight at the kill are exactly the held ones.
  const gate = fake.gate();
  fake.script('dep', [], { after: { gate } });
  await eventually(async () => {
    const held = fake.count('dep');
    const inFlight = await getBatchStatus(ctx.client, workflowId).then((p) => p.inFlight, () => -1);
    return held >= 1 && held === inFlight ? true : undefined;
  }, 60_000, 20);
  // The victim is the worker with the most provider calls running, so the kill surely costs calls.
  const pending = await pendingByWorker(workflowId);
  const busiest = [...workers].sort((a, b) => {
    const count = (w: ChildWorker) => [...pending].filter(([id]) => id.startsWith(identityOf(w))).reduce((n, [, c]) => n + c, 0);
    return count(b) - count(a);
  });
  const victim = busiest[0] as ChildWorker;
  const victimPending = [...pending].filter(([id]) => id.startsWith(identityOf(victim))).reduce((n, [, c]) => n + c, 0);
  expect(victimPending).toBeGreaterThanOrEqual(1);
  await victim.kill();
  expect(victim.process.signalCode).toBe('SIGKILL');
  // A request written just before the kill may still sit in a socket buffer: let it be recorded.
  await new Promise((r) => setTimeout(r, 100));
  const inFlightAtKill = fake.count('dep');
  gate.release(); // the victim's held responses go to dead sockets; the others' are answered
  requests.push(...fake.requests('dep'));
  fake.script('dep', []);

  const result = await getBatchResult(ctx.client, workflowId);
  const seconds = (Date.now() - started) / 1000;
  requests.push(...fake.requests('dep'));

  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'results/summaries.jsonl' }));
  const records = ((await out.Body?.transformToString()) ?? '').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as DocumentResultRecord);
  expect(records).toHaveLength(DOCS);
  expect(records.map((r) => r.id)).toEqual(Array.from({ length: DOCS }, (_, i) => docKey(i).slice('corpus/'.length)));
  expect(records.every((r) => r.status === 'ok' && typeof r.summary === 'string')).toBe(true);
  expect(result.progress).toMatchObject({ done: DOCS, failed: 0, total: DOCS });
  expect(result.progress.run).toBeGreaterThanOrEqual(1);

  // Every provider call beyond one per document is a call the kill cut off.
  const extra = requests.length - DOCS;
  expect(extra).toBeGreaterThanOrEqual(0);
  expect(extra).toBeLessThanOrEqual(inFlightAtKill);

  // The per-document result objects are gone; nothing was written on any host's disk.
  const left: string[] = [];
  for await (const name of testDocumentStore().list(`s3://${bucket}/results`, { recursive: true })) left.push(name);
  expect(left).toEqual(['summaries.jsonl']);
  for (const host of hosts) expect(filesWritten(host.dir)).toEqual([]);

  // All three hosts did the work: each one's identity started activities of this batch.
  const starters = new Set<string>();
  for (const run of await chainHistories(ctx.client, workflowId)) {
    for (const event of run.history.events ?? []) {
      const identity = event.activityTaskStartedEventAttributes?.identity;
      if (identity) starters.add(identity);
    }
  }
  for (const w of workers) expect([...starters].some((id) => id.startsWith(identityOf(w)))).toBe(true);
  process.stderr.write(`fleet: ${DOCS} documents in ${seconds.toFixed(1)} s over ${result.progress.run + 1} runs; ${inFlightAtKill} calls in flight at the kill (${victimPending} on the killed worker), ${extra} extra\n`);
}, BATCH_TIMEOUT_MS + 120_000);
