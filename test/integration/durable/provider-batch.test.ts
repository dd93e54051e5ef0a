import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchSnapshot, formatSnapshot } from '../../../src/cli/batch-progress';
import { createProviderRegistry } from '../../../src/providers';
import { cancelBatch, getBatchResult, getBatchStatus, resumeBatch, startBatchSummarize } from '../../../src/temporal/client';
import { startFakeProviderServer, type FakeBatchOutcome, type FakeProviderServer } from '../../../src/testing';
import { docText, eventually, readJsonl, writeJsonlDocuments } from '../../support/batch';
import { historyContains } from '../../support/history';
import { secretsInHistories } from '../../support/secrets';
import { FAKE_KEY_ENV, FAST_ROUTING, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

// `provider-batch` mode: a batch's documents go through the OpenAI-like
// deployment's Batch API (the real openai SDK's files and batches against the
// fake), the wait is durable, and what the provider batch did not answer goes
// through the router to the other deployment, so every document still ends
// exactly once.
let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let dir: string;
const SECRET = 'fake-provider-batch-key-never-in-history';
const env = { [FAKE_KEY_ENV]: SECRET };

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  dir = mkdtempSync(join(tmpdir(), 'tlr-provider-batch-'));
});
afterAll(async () => {
  await fake.close();
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

const config = () => fakeRouterConfig(fake, [
  { id: 'openai-batch', group: 'sum' },
  { id: 'anthropic-rt', group: 'sum', model: 'anthropic/claude-haiku-4-5' },
  // The same model in another group, called one request at a time: its costs are the list prices of the same answers.
  { id: 'openai-rt', group: 'list-price' },
]);

/** 180 answers, 15 failures, 5 expired, by position in the provider batch. */
const acceptanceOutcome = (position: number): FakeBatchOutcome => (position < 180 ? 'succeeded' : position < 195 ? 'errored' : 'expired');

test('200 documents: the provider batch answers 180 at the batch price, its 15 failures and 5 expired go to the Anthropic-like deployment, each document once', async () => {
  const source = writeJsonlDocuments(dir, 200);
  fake.scriptBatches('openai-batch', { outcome: acceptanceOutcome, pollsBeforeEnd: 3 });
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  const workflowId = uniqueWorkflowId('provider-batch');
  const { result, listPrices } = await worker.runUntil(async () => {
    await startBatchSummarize(ctx.client, config(), {
      group: 'sum', documents: { kind: 'jsonl', path: source }, output: { jsonlPath: join(dir, 'out.jsonl') },
      mode: 'provider-batch', providerBatch: { pollIntervalMs: 100 },
      taskQueue: ctx.taskQueue, routing: FAST_ROUTING, workflowId,
    });
    const done = await getBatchResult(ctx.client, workflowId);
    // What `llm-router batch status` prints.
    const status = formatSnapshot(await batchSnapshot(ctx.client, workflowId));
    expect(status).toContain('provider batches on openai-batch: 1 of 1 ended; 180 of 200 documents answered at $');
    expect(status).toContain('; routed instead: 15 errored, 5 expired');
    // The first three documents again, one routed call each at list prices, for the price comparison.
    const three = writeJsonlDocuments(join(dir, 'three'), 3);
    const started = await startBatchSummarize(ctx.client, config(), {
      group: 'list-price', documents: { kind: 'jsonl', path: three }, output: { jsonlPath: join(dir, 'three-out.jsonl') },
      taskQueue: ctx.taskQueue, routing: FAST_ROUTING,
    });
    return { result: done, listPrices: readJsonl((await getBatchResult(ctx.client, started.workflowId)).output.jsonlPath) };
  });

  const records = readJsonl(result.output.jsonlPath);
  expect(records).toHaveLength(200);
  expect(records.map((r) => r.index)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  expect(records.every((r) => r.status === 'ok' && r.summary?.startsWith('Summary:'))).toBe(true);
  const servedBy = (id: string) => records.filter((r) => r.servedBy === id).map((r) => r.index);
  expect(servedBy('openai-batch')).toEqual(Array.from({ length: 180 }, (_, i) => i));
  expect(servedBy('anthropic-rt')).toEqual(Array.from({ length: 20 }, (_, i) => 180 + i));

  // One provider batch of all 200 prompts; no one-at-a-time call to the batch deployment, one each for the 20 to the other.
  const batches = fake.batches('openai-batch');
  expect(batches).toHaveLength(1);
  expect(batches[0]?.requests).toHaveLength(200);
  expect(batches[0]?.requests.map((r) => r.customId)).toEqual(Array.from({ length: 200 }, (_, i) => `doc-${i}`));
  expect(JSON.stringify(batches[0]?.requests[7]?.body)).toContain('Document 7 about durable routing');
  expect(batches[0]?.cancelled).toBe(false);
  expect(fake.count('openai-batch')).toBe(0);
  expect(fake.count('anthropic-rt')).toBe(20);

  expect(result.outcome).toBe('completed');
  expect(result.progress).toMatchObject({ status: 'completed', total: 200, done: 200, failed: 0, servedBy: { 'openai-batch': 180, 'anthropic-rt': 20 } });
  const pb = result.progress.providerBatches;
  expect(pb).toMatchObject({ deployment: 'openai-batch', submitted: 1, ended: 1, documents: 200, answered: 180, unanswered: { errored: 15, expired: 5 }, direct: 0 });

  // Batch prices: half of what the same answer costs one call at a time.
  for (const listed of listPrices) {
    const batched = records[listed.index];
    expect(listed.servedBy).toBe('openai-rt');
    expect(listed.costUsd).toBeGreaterThan(0);
    expect(batched?.costUsd).toBeCloseTo((listed.costUsd ?? 0) / 2, 12);
  }
  const batchCost = records.filter((r) => r.servedBy === 'openai-batch').reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
  expect(pb?.costUsd).toBeCloseTo(batchCost, 12);
  const routedCost = records.filter((r) => r.servedBy === 'anthropic-rt').reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
  expect(result.progress.costUsd).toBeCloseTo(batchCost + routedCost, 12);

  // History holds references and counts: no document text, no answer, no key.
  const history = await ctx.client.workflow.getHandle(workflowId).fetchHistory();
  expect(historyContains(history, 'doc-7')).toBe(true); // the references are there, so the search below can see payloads
  expect(historyContains(history, 'Document 7 about durable routing')).toBe(false);
  expect(historyContains(history, records[7]?.summary ?? 'no summary')).toBe(false);
  expect(historyContains(history, batches[0]?.id ?? 'no batch id')).toBe(true);
  const { runs, leaks } = await secretsInHistories(ctx.client, ctx.taskQueue, [SECRET]);
  expect(runs).toBeGreaterThan(0);
  expect(leaks).toEqual([]);
});

test('documents too large for one call skip the provider batch and are chunked by the router; a refused submission routes every document', async () => {
  // One document far larger than the Anthropic-like deployment's window: it never goes into the provider batch.
  const source = writeJsonlDocuments(dir, 6, (i) => (i === 2 ? docText(i, 3_000) : docText(i)));
  const small = fakeRouterConfig(fake, [
    { id: 'openai-batch', group: 'sum', maxInputTokens: 1_000 },
    { id: 'anthropic-rt', group: 'sum', model: 'anthropic/claude-haiku-4-5', maxInputTokens: 1_000 },
  ]);
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  await worker.runUntil(async () => {
    const chunked = await startBatchSummarize(ctx.client, small, {
      group: 'sum', documents: { kind: 'jsonl', path: source }, output: { jsonlPath: join(dir, 'chunked.jsonl') },
      mode: 'provider-batch', providerBatch: { deployment: 'openai-batch', pollIntervalMs: 100 }, taskQueue: ctx.taskQueue, routing: FAST_ROUTING,
    });
    const result = await getBatchResult(ctx.client, chunked.workflowId);
    const records = readJsonl(result.output.jsonlPath);
    expect(records.map((r) => [r.index, r.status])).toEqual([[0, 'ok'], [1, 'ok'], [2, 'ok'], [3, 'ok'], [4, 'ok'], [5, 'ok']]);
    expect(records[2]?.chunks).toBeGreaterThan(1);
    expect(fake.batches('openai-batch')[0]?.requests.map((r) => r.customId)).toEqual(['doc-0', 'doc-1', 'doc-3', 'doc-4', 'doc-5']);
    expect(result.progress.providerBatches).toMatchObject({ submitted: 1, answered: 5, direct: 1 });
    expect(result.progress.chunkedDocuments).toBe(1);

    // The batch endpoint answers 404 (a server without one): nothing is lost, the router serves every document.
    fake.reset();
    const refusedConfig = fakeRouterConfig(fake, [
      { id: 'openai-batch', group: 'sum' },
      { id: 'anthropic-rt', group: 'sum', model: 'anthropic/claude-haiku-4-5' },
    ]);
    refusedConfig.params['openai-batch'] = { ...refusedConfig.params['openai-batch']!, apiBase: `${fake.openaiBaseUrl('openai-batch')}/no-batches-here` };
    const refused = await startBatchSummarize(ctx.client, refusedConfig, {
      group: 'sum', documents: { kind: 'jsonl', path: writeJsonlDocuments(join(dir, 'refused'), 4) }, output: { jsonlPath: join(dir, 'refused.jsonl') },
      mode: 'provider-batch', providerBatch: { pollIntervalMs: 100 }, taskQueue: ctx.taskQueue, routing: FAST_ROUTING,
    });
    const refusedResult = await getBatchResult(ctx.client, refused.workflowId);
    expect(readJsonl(refusedResult.output.jsonlPath).map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(refusedResult.progress.providerBatches).toMatchObject({ submitted: 0, answered: 0, direct: 4 });
    expect(refusedResult.progress.providerBatches?.lastError).toMatch(/^submit: /);
  });
});

test('--max-cost: provider batches admit documents while their cost bounds fit the budget, and the rest stay unstarted for a resume', async () => {
  const source = writeJsonlDocuments(join(dir, 'budget'), 30);
  // Batch prices that make a document's bound exact: input free, output $0.001 a token, 256 tokens at most: $0.256.
  const priced = config();
  Object.assign(priced.params['openai-batch'] ?? {}, { inputCostPerTokenBatches: 0, outputCostPerTokenBatches: 0.001 });
  const bound = 256 * 0.001;
  fake.scriptBatches('openai-batch', { pollsBeforeEnd: 3 });
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  const outcomes = await worker.runUntil(async () => {
    const started = await startBatchSummarize(ctx.client, priced, {
      group: 'sum', documents: { kind: 'jsonl', path: source }, output: { jsonlPath: join(dir, 'budget.jsonl') },
      mode: 'provider-batch', providerBatch: { pollIntervalMs: 100, size: 10 }, maxCostUsd: 12.5 * bound,
      taskQueue: ctx.taskQueue, routing: FAST_ROUTING,
    });
    const stopped = await getBatchResult(ctx.client, started.workflowId);
    const sentBeforeResume = fake.batches('openai-batch').map((b) => b.requests.length);
    const writtenBeforeResume = readJsonl(stopped.output.jsonlPath).map((r) => r.index);
    // A resume without the budget sends only the 18 not started; the 12 answered are not paid for again.
    const resumed = await resumeBatch(ctx.client, started.workflowId, { maxCostUsd: null });
    return { stopped, sentBeforeResume, writtenBeforeResume, resumed: await getBatchResult(ctx.client, resumed.workflowId) };
  });
  const { stopped, resumed, sentBeforeResume, writtenBeforeResume } = outcomes;
  // The first batch's 10 bounds hold $2.56 of the $3.20 while it runs; the second, submitted meanwhile, fits 2 more; nothing after.
  expect(sentBeforeResume).toEqual([10, 2]);
  expect(stopped.outcome).toBe('budget-stopped');
  expect(stopped.progress).toMatchObject({ done: 12, failed: 0, budgetReached: { limitUsd: 12.5 * bound, notStarted: 18 } });
  expect(stopped.progress.costUsd).toBeLessThanOrEqual(12.5 * bound);
  expect(writtenBeforeResume).toEqual(Array.from({ length: 12 }, (_, i) => i));
  // The resume sent the other 18, each once, and wrote all 30.
  expect(resumed.outcome).toBe('completed');
  expect(resumed.progress).toMatchObject({ done: 30, failed: 0, reused: { documents: 12 } });
  expect(readJsonl(resumed.output.jsonlPath).map((r) => r.index)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  const resent = fake.batches('openai-batch').slice(2).flatMap((b) => b.requests.map((r) => Number(r.customId.slice('doc-'.length))));
  expect(resent.sort((a, b) => a - b)).toEqual(Array.from({ length: 18 }, (_, i) => 12 + i));
  expect(fake.count('anthropic-rt')).toBe(0);
});

test('cancelling the batch while the provider batch runs cancels it at the provider and routes nothing', async () => {
  const source = writeJsonlDocuments(join(dir, 'cancel'), 10);
  // Never ends on its own: only cancellation ends it.
  fake.scriptBatches('openai-batch', { pollsBeforeEnd: 1_000_000 });
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  const workflowId = uniqueWorkflowId('provider-batch-cancel');
  await worker.runUntil(async () => {
    await startBatchSummarize(ctx.client, config(), {
      group: 'sum', documents: { kind: 'jsonl', path: source }, output: { jsonlPath: join(dir, 'cancel.jsonl') },
      mode: 'provider-batch', providerBatch: { pollIntervalMs: 100 }, taskQueue: ctx.taskQueue, routing: FAST_ROUTING, workflowId,
    });
    await eventually(async () => ((await getBatchStatus(ctx.client, workflowId)).providerBatches?.submitted === 1 && (fake.batches('openai-batch')[0]?.polls ?? 0) >= 2 ? true : undefined));
    await cancelBatch(ctx.client, workflowId);
    await expect(getBatchResult(ctx.client, workflowId)).rejects.toThrow();
  });
  expect(fake.batches('openai-batch')[0]?.cancelled).toBe(true);
  expect(fake.count('anthropic-rt')).toBe(0);
  expect(fake.count('openai-batch')).toBe(0);
  // The output was merged with what is known: nothing answered, so nothing in it.
  expect(readJsonl(join(dir, 'cancel.jsonl'))).toEqual([]);
});

test('an Anthropic-like deployment\'s Message Batches: what it failed goes to the OpenAI-like deployment, not back to it', async () => {
  const source = writeJsonlDocuments(join(dir, 'anthropic'), 20);
  fake.scriptBatches('anthropic-rt', { outcome: (position) => (position === 4 ? 'errored' : 'succeeded'), pollsBeforeEnd: 2 });
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  const result = await worker.runUntil(async () => {
    const started = await startBatchSummarize(ctx.client, config(), {
      group: 'sum', documents: { kind: 'jsonl', path: source }, output: { jsonlPath: join(dir, 'anthropic.jsonl') },
      mode: 'provider-batch', providerBatch: { deployment: 'anthropic-rt', size: 8, pollIntervalMs: 100 },
      taskQueue: ctx.taskQueue, routing: FAST_ROUTING,
    });
    return getBatchResult(ctx.client, started.workflowId);
  });
  const records = readJsonl(result.output.jsonlPath);
  expect(records.map((r) => r.index)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  expect(records.every((r) => r.status === 'ok')).toBe(true);
  // Eight documents per provider batch, submitted side by side; the fifth of each fails there.
  const batches = fake.batches('anthropic-rt').map((b) => b.requests.map((r) => Number(r.customId.slice(4)))).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
  expect(batches).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11, 12, 13, 14, 15], [16, 17, 18, 19]]);
  const failed = [4, 12];
  expect(records.filter((r) => r.servedBy === 'openai-batch').map((r) => r.index)).toEqual(failed);
  expect(fake.count('openai-batch')).toBe(failed.length);
  expect(fake.count('anthropic-rt')).toBe(0);
  expect(result.progress.providerBatches).toMatchObject({ deployment: 'anthropic-rt', submitted: 3, ended: 3, documents: 20, answered: 20 - failed.length, unanswered: { errored: failed.length } });
});
