import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProviderRegistry } from '../../../src/providers';
import { cancelBatch, getBatchResult, getBatchStatus, startBatchSummarize } from '../../../src/temporal/client';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import type { BatchProgress } from '../../../workflows';
import { docText, eventually, readJsonl, writeJsonlDocuments } from '../../support/batch';
import { secretsInHistories } from '../../support/secrets';
import { FAKE_KEY_ENV, FAST_ROUTING, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

// batchSummarize over each kind of source: documents are read by activities,
// results land in one JSONL with every document exactly once.
let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let dir: string;
const env = { [FAKE_KEY_ENV]: 'fake-batch-key-never-in-history' };

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  dir = mkdtempSync(join(tmpdir(), 'tlr-batch-'));
});
afterAll(async () => {
  await fake.close();
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

const config = () => fakeRouterConfig(fake, [{ id: 'dep-a', group: 'sum' }, { id: 'dep-b', group: 'sum', model: 'anthropic/claude-haiku-4-5' }]);

test('inline texts: spilled to a file, summarised, written once each with markdown; progress counts every serving deployment', async () => {
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  const texts = Array.from({ length: 12 }, (_, i) => docText(i));
  const out = join(dir, 'inline');
  const { workflowId } = await startBatchSummarize(ctx.client, config(), {
    group: 'sum', documents: { kind: 'inline', texts }, output: { jsonlPath: join(out, 'out.jsonl'), markdownPath: join(out, 'out.md') },
    concurrency: 3, taskQueue: ctx.taskQueue, routing: FAST_ROUTING, workflowId: uniqueWorkflowId('inline'),
  });
  const result = await worker.runUntil(getBatchResult(ctx.client, workflowId));
  const records = readJsonl(result.output.jsonlPath);
  expect(records.map((r) => r.id)).toEqual(texts.map((_, i) => `doc-${i + 1}`));
  expect(records.every((r) => r.status === 'ok' && r.summary?.startsWith('Summary:'))).toBe(true);
  expect(records[3]?.summary).toContain('Document 3 about durable routing');
  expect(result.progress).toMatchObject({ status: 'completed', total: 12, done: 12, failed: 0, inFlight: 0 });
  const served = result.progress.servedBy;
  expect((served['dep-a'] ?? 0) + (served['dep-b'] ?? 0)).toBe(12);
  expect(result.progress.costUsd).toBeGreaterThan(0);
  expect(fake.count('dep-a') + fake.count('dep-b')).toBe(12);
  // The workflow input held a path, not the texts.
  const history = await ctx.client.workflow.getHandle(workflowId).fetchHistory();
  expect(JSON.stringify(history.events?.[0])).not.toContain('Document 3 about durable routing');
});

test('a directory and a glob are read by activities; a missing or malformed document is reported and the others go on', async () => {
  const docs = join(dir, 'docs');
  mkdirSync(join(docs, 'nested'), { recursive: true });
  for (let i = 0; i < 4; i++) writeFileSync(join(docs, `d${i}.txt`), docText(i));
  writeFileSync(join(docs, 'empty.md'), '   ');
  writeFileSync(join(docs, 'ignored.bin'), 'not a document');
  writeFileSync(join(docs, 'nested', 'deep.md'), docText(99));
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  await worker.runUntil(async () => {
    const fromDir = await startBatchSummarize(ctx.client, config(), {
      group: 'sum', documents: { kind: 'directory', path: docs }, output: { jsonlPath: join(dir, 'dir-out.jsonl') },
      taskQueue: ctx.taskQueue, routing: FAST_ROUTING,
    });
    const dirResult = await getBatchResult(ctx.client, fromDir.workflowId);
    const records = readJsonl(dirResult.output.jsonlPath);
    expect(records.map((r) => [r.id, r.status])).toEqual([['d0.txt', 'ok'], ['d1.txt', 'ok'], ['d2.txt', 'ok'], ['d3.txt', 'ok'], ['empty.md', 'failed']]);
    expect(records[4]?.errorClass).toBe('EmptyDocumentError');
    expect(dirResult.progress).toMatchObject({ done: 4, failed: 1, total: 5 });

    const fromGlob = await startBatchSummarize(ctx.client, config(), {
      group: 'sum', documents: { kind: 'glob', pattern: '**/*.md', cwd: docs }, output: { jsonlPath: join(dir, 'glob-out.jsonl') },
      taskQueue: ctx.taskQueue, routing: FAST_ROUTING,
    });
    const globRecords = readJsonl((await getBatchResult(ctx.client, fromGlob.workflowId)).output.jsonlPath);
    expect(globRecords.map((r) => [r.id, r.status])).toEqual([['empty.md', 'failed'], ['nested/deep.md', 'ok']]);

    const jsonl = join(dir, 'mixed.jsonl');
    writeFileSync(jsonl, [
      JSON.stringify({ id: 'good-1', text: docText(1) }),
      '{"id": "broken", "text": ',
      JSON.stringify({ id: 'no-text', body: 'wrong field' }),
      '',
      JSON.stringify({ id: 'good-2', text: docText(2) }),
    ].join('\n'));
    const fromJsonl = await startBatchSummarize(ctx.client, config(), {
      group: 'sum', documents: { kind: 'jsonl', path: jsonl }, output: { jsonlPath: join(dir, 'mixed-out.jsonl') },
      taskQueue: ctx.taskQueue, routing: FAST_ROUTING,
    });
    const mixed = readJsonl((await getBatchResult(ctx.client, fromJsonl.workflowId)).output.jsonlPath);
    expect(mixed.map((r) => [r.id, r.status, r.errorClass])).toEqual([
      ['good-1', 'ok', undefined],
      ['line-2', 'failed', 'InvalidDocumentError'],
      ['no-text', 'failed', 'InvalidDocumentError'],
      ['good-2', 'ok', undefined],
    ]);
  });
});

test('a missing source fails the batch with a named error', async () => {
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  const { workflowId } = await startBatchSummarize(ctx.client, config(), {
    group: 'sum', documents: { kind: 'jsonl', path: join(dir, 'nope.jsonl') }, output: { jsonlPath: join(dir, 'nope-out.jsonl') },
    taskQueue: ctx.taskQueue, routing: FAST_ROUTING,
  });
  const error = await worker.runUntil(getBatchResult(ctx.client, workflowId).catch((e: unknown) => e));
  // The batch's own failure names the class (not an activity failure wrapping it), before any provider call.
  expect((error as { cause?: { type?: string; message?: string } }).cause).toMatchObject({
    type: 'SourceNotFoundError',
    message: `document source ${join(dir, 'nope.jsonl')}: no such file`,
  });
});

test('cancelling keeps the partial results: the JSONL holds every finished document once', async () => {
  // Every call waits a little, so the batch is still running when it is cancelled.
  fake.script('dep-a', [], { after: { latencyMs: 40 } });
  fake.script('dep-b', [], { after: { latencyMs: 40 } });
  const path = writeJsonlDocuments(join(dir, 'cancel'), 200);
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  const output = join(dir, 'cancel', 'out.jsonl');
  const { workflowId } = await startBatchSummarize(ctx.client, config(), {
    group: 'sum', documents: { kind: 'jsonl', path }, output: { jsonlPath: output }, concurrency: 2, taskQueue: ctx.taskQueue, routing: FAST_ROUTING,
  });
  await worker.runUntil(async () => {
    const seen = await eventually<BatchProgress>(async () => {
      const p = await getBatchStatus(ctx.client, workflowId);
      return p.done >= 10 ? p : undefined;
    });
    expect(seen.status).toBe('running');
    await cancelBatch(ctx.client, workflowId);
    const error = await getBatchResult(ctx.client, workflowId).catch((e: unknown) => e);
    expect((error as { cause?: { name?: string } }).cause?.name).toBe('CancelledFailure');
  });
  const records = readJsonl(output);
  expect(records.length).toBeGreaterThanOrEqual(10);
  expect(records.length).toBeLessThan(200);
  expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
  expect(records.every((r) => r.status === 'ok')).toBe(true);
});

test('no API key value appears in the history of any workflow run this file started', async () => {
  const { runs, leaks } = await secretsInHistories(ctx.client, ctx.taskQueue, ['fake-batch-key-never-in-history']);
  expect(runs).toBeGreaterThanOrEqual(4);
  expect(leaks).toEqual([]);
});
