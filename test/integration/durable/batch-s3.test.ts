import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProviderRegistry } from '../../../src/providers';
import { getBatchResult, startBatchSummarize } from '../../../src/temporal/client';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import type { DocumentResultRecord } from '../../../workflows';
import { chainHistories, docText, readJsonl, writeJsonlDocuments } from '../../support/batch';
import { startChildWorker, type ChildWorker } from '../../support/child-worker';
import { FAKE_KEY_ENV, FAST_ROUTING, fakeRouterConfig } from '../../support/router-config';
import { createTestBucket, testDocumentStore, testS3Client, testS3Env } from '../../support/s3';
import { secretsInHistories } from '../../support/secrets';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

// Batches whose documents or results live in a real S3 server (SeaweedFS),
// through the real Temporal dev server: history holds s3:// locations only;
// the worker finds endpoint and keys in its own environment.
let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let client: S3Client;
let bucket: string;
let dir: string;
const workers: ChildWorker[] = [];
const env = { [FAKE_KEY_ENV]: 'fake-s3-batch-key-never-in-history' };

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  client = testS3Client();
  bucket = await createTestBucket('batch');
  dir = mkdtempSync(join(tmpdir(), 'tlr-batch-s3-'));
});
afterAll(async () => {
  for (const w of workers) await w.kill();
  client.destroy();
  await fake.close();
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

const config = () => fakeRouterConfig(fake, [{ id: 'dep-a', group: 'sum' }]);

async function put(key: string, body: string | Uint8Array): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

async function getText(key: string): Promise<string> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await out.Body?.transformToString()) ?? '';
}

function records(jsonl: string): DocumentResultRecord[] {
  return jsonl.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as DocumentResultRecord);
}

async function keysUnder(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const name of testDocumentStore().list(`s3://${bucket}/${prefix}`, { recursive: true })) out.push(name);
  return out;
}

test('S3 to S3, on a worker process configured only by AWS_* variables: every document once, in order, across pages and continue-as-new; parts kept for resume after a failed document', async () => {
  const texts = Array.from({ length: 10 }, (_, i) => docText(i));
  for (const [i, text] of texts.entries()) await put(`in/doc-${String(i).padStart(2, '0')}.txt`, text);
  await put('in/page.html', `<html><body><nav>Home Pricing Login</nav><article><h1>Release notes</h1><p>${docText(50)}</p></article><footer>Copyright</footer></body></html>`);
  await put('in/binary.txt', new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00]));
  await put('in/skipped.bin', 'not a document extension');
  // The worker process has no store injected: its S3 settings come from the environment, as in production.
  workers.push(await startChildWorker(ctx.taskQueue, { ...env, ...testS3Env() }));
  const workflowId = uniqueWorkflowId('s3-to-s3');
  await startBatchSummarize(ctx.client, config(), {
    group: 'sum', documents: { kind: 's3', url: `s3://${bucket}/in` },
    output: { jsonlPath: `s3://${bucket}/out/summaries.jsonl`, markdownPath: `s3://${bucket}/out/summaries.md` },
    concurrency: 2, pageSize: 3, continueAsNewAfterEvents: 60, taskQueue: ctx.taskQueue, routing: FAST_ROUTING, workflowId,
  });
  const result = await getBatchResult(ctx.client, workflowId);
  expect(result.output.jsonlPath).toBe(`s3://${bucket}/out/summaries.jsonl`);
  const out = records(await getText('out/summaries.jsonl'));
  const ids = [...texts.map((_, i) => `doc-${String(i).padStart(2, '0')}.txt`), 'page.html', 'binary.txt'].sort();
  expect(out.map((r) => r.id)).toEqual(ids);
  expect(out.map((r) => r.index)).toEqual(ids.map((_, i) => i));
  const byId = new Map(out.map((r) => [r.id, r]));
  expect(byId.get('doc-03.txt')).toMatchObject({ status: 'ok', path: `s3://${bucket}/in/doc-03.txt`, servedBy: 'dep-a' });
  expect(byId.get('doc-03.txt')?.summary).toContain('Document 3 about durable routing');
  // HTML reached the provider as its article text, without the navigation.
  expect(byId.get('page.html')?.summary).toContain('Release notes');
  expect(byId.get('page.html')?.summary).not.toContain('Pricing');
  expect(byId.get('binary.txt')).toMatchObject({ status: 'failed', errorClass: 'InvalidDocumentError' });
  expect(fake.count('dep-a')).toBe(11);
  expect(result.progress).toMatchObject({ status: 'completed', total: 12, done: 11, failed: 1 });
  expect(await getText('out/summaries.md')).toContain('## page.html');
  // One document failed, so the batch completed with failures: its per-document results stay beside the JSONL
  // for `batch resume`, which pays only for the failed one (a batch that completes cleanly removes them).
  const keys = await keysUnder('out');
  expect(keys.filter((k) => !k.startsWith('summaries.jsonl.parts/'))).toEqual(['summaries.jsonl', 'summaries.md']);
  expect(keys.filter((k) => k.startsWith('summaries.jsonl.parts/'))).toHaveLength(12);
  // Several runs: the listing resumed after continue-as-new without repeating or losing a document.
  expect((await chainHistories(ctx.client, workflowId)).length).toBeGreaterThan(1);
});

test('files to S3 and S3 to files: one batch reads from one store and writes to the other', async () => {
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }), { documents: testDocumentStore() });
  const local = writeJsonlDocuments(join(dir, 'local'), 6);
  await put('jsonl/docs.jsonl', `${Array.from({ length: 5 }, (_, i) => JSON.stringify({ id: `s3-${i}`, text: docText(100 + i) })).join('\n')}\n`);
  await worker.runUntil(async () => {
    const toS3 = await startBatchSummarize(ctx.client, config(), {
      group: 'sum', documents: { kind: 'jsonl', path: local }, output: { jsonlPath: `s3://${bucket}/from-files/out.jsonl` },
      taskQueue: ctx.taskQueue, routing: FAST_ROUTING,
    });
    await getBatchResult(ctx.client, toS3.workflowId);
    const fromFiles = records(await getText('from-files/out.jsonl'));
    expect(fromFiles.map((r) => [r.id, r.status])).toEqual(Array.from({ length: 6 }, (_, i) => [`doc-${i}`, 'ok']));
    expect(await keysUnder('from-files')).toEqual(['out.jsonl']);

    const localOut = join(dir, 'from-s3', 'out.jsonl');
    const toFiles = await startBatchSummarize(ctx.client, config(), {
      group: 'sum', documents: { kind: 's3', url: `s3://${bucket}/jsonl/docs.jsonl` }, output: { jsonlPath: localOut },
      pageSize: 2, taskQueue: ctx.taskQueue, routing: FAST_ROUTING,
    });
    await getBatchResult(ctx.client, toFiles.workflowId);
    const fromS3 = readJsonl(localOut);
    expect(fromS3.map((r) => r.id)).toEqual(['s3-0', 's3-1', 's3-2', 's3-3', 's3-4']);
    expect(fromS3[2]?.summary).toContain('Document 102 about durable routing');

    // Inline texts with an S3 output are spilled beside it, in the bucket, so any worker can read them.
    const inline = await startBatchSummarize(ctx.client, config(), {
      group: 'sum', documents: { kind: 'inline', texts: ['first inline text', 'second inline text'] }, output: { jsonlPath: `s3://${bucket}/inline/out.jsonl` },
      taskQueue: ctx.taskQueue, routing: FAST_ROUTING, store: testDocumentStore(),
    });
    await getBatchResult(ctx.client, inline.workflowId);
    expect(records(await getText('inline/out.jsonl')).map((r) => r.summary)).toEqual([expect.stringContaining('first inline text'), expect.stringContaining('second inline text')]);
    expect((await keysUnder('inline')).filter((k) => k.startsWith('inline-') && k.endsWith('.jsonl'))).toHaveLength(1);
  });
});

test('a missing bucket fails the batch with a named error before any provider call', async () => {
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }), { documents: testDocumentStore() });
  const { workflowId } = await startBatchSummarize(ctx.client, config(), {
    group: 'sum', documents: { kind: 's3', url: 's3://no-such-bucket-for-batch/in' }, output: { jsonlPath: `s3://${bucket}/never/out.jsonl` },
    taskQueue: ctx.taskQueue, routing: FAST_ROUTING,
  });
  const error = await worker.runUntil(getBatchResult(ctx.client, workflowId).catch((e: unknown) => e));
  // The batch fails with the document error itself, named by its class (not wrapped in the activity's failure).
  const cause = (error as { cause?: { type?: string; message?: string } }).cause;
  expect(cause).toMatchObject({ type: 'SourceNotFoundError', message: 'document source s3://no-such-bucket-for-batch/in: no such bucket "no-such-bucket-for-batch"' });
  expect(fake.count('dep-a')).toBe(0);
});

test('no S3 key and no API key value appears in the history of any workflow run this file started', async () => {
  const s3 = testS3Env();
  const { runs, leaks } = await secretsInHistories(ctx.client, ctx.taskQueue, [s3.AWS_SECRET_ACCESS_KEY, s3.AWS_ACCESS_KEY_ID, 'fake-s3-batch-key-never-in-history']);
  expect(runs).toBeGreaterThanOrEqual(6);
  expect(leaks).toEqual([]);
});
