import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createFsDocumentStore } from '../../../activities/document-store';
import { createDocumentActivities } from '../../../activities/documents';
import { createProviderBatchActivities, type SubmitProviderBatchResult } from '../../../activities/provider-batch';
import { createAnthropicBatchClient } from '../../../src/providers/anthropic/batch';
import { createAnthropicClient } from '../../../src/providers/anthropic/client';
import type { ProviderBatchClient, ProviderBatchItem, ProviderBatchResult } from '../../../src/providers/batch';
import { createOpenAiBatchClient } from '../../../src/providers/openai/batch';
import { createOpenAiClient } from '../../../src/providers/openai-compatible/client';
import { createProviderRegistry } from '../../../src/providers';
import { resolveDeployment } from '../../../src/providers/resolve';
import { startFakeProviderServer, type FakeBatchOutcome, type FakeProviderServer } from '../../../src/testing';
import { collect, deploymentOn, TEST_ENV } from './helpers';

// The providers' batch endpoints through the real SDKs (openai's files and
// batches, @anthropic-ai/sdk's messages.batches) against the fake server,
// which speaks both batch protocols: partial failure, expiry, cancellation.
let fake: FakeProviderServer;

beforeAll(async () => {
  fake = await startFakeProviderServer();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

function openai(route: string): ProviderBatchClient {
  const target = resolveDeployment(deploymentOn(fake, route, 'openai/gpt-4o-mini'), TEST_ENV);
  return createOpenAiBatchClient(createOpenAiClient(target, false), target);
}

function anthropic(route: string): ProviderBatchClient {
  const target = resolveDeployment(deploymentOn(fake, route, 'anthropic/claude-3-5-haiku-20241022'), TEST_ENV);
  return createAnthropicBatchClient(createAnthropicClient(target), target);
}

const items = (n: number): ProviderBatchItem[] => Array.from({ length: n }, (_, i) => ({
  customId: `doc-${i}`,
  request: { model: 'sum', messages: [{ role: 'user', content: `Summarise document ${i}: durable routing keeps its state across crashes.` }], max_tokens: 64 },
}));

/** 180 answers, 15 failures, 5 expired, by position. */
const acceptanceOutcome = (position: number): FakeBatchOutcome => (position < 180 ? 'succeeded' : position < 195 ? 'errored' : 'expired');

async function pollUntilEnded(client: ProviderBatchClient, id: string): Promise<number> {
  for (let polls = 1; polls <= 20; polls++) if ((await client.status(id)).ended) return polls;
  throw new Error(`batch ${id} did not end`);
}

function byOutcome(results: ProviderBatchResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) out[r.outcome] = (out[r.outcome] ?? 0) + 1;
  return out;
}

test.each([
  ['OpenAI (files + batches)', openai, 'oa-batch'],
  ['Anthropic (message batches)', anthropic, 'an-batch'],
] as const)('%s: 200 requests, 180 answers, 15 failures and 5 expired, each mapped back once by custom id', async (_name, make, route) => {
  fake.scriptBatches(route, { outcome: acceptanceOutcome, pollsBeforeEnd: 3 });
  const client = make(route);
  const id = await client.submit(items(200));
  const first = await client.status(id);
  expect(first).toMatchObject({ ended: false, succeeded: 0 });
  expect(await pollUntilEnded(client, id)).toBe(2);
  expect(await client.status(id)).toMatchObject({ ended: true, total: 200, succeeded: 180, failed: 20 });

  const results = await collect(client.results(id));
  expect(byOutcome(results)).toEqual({ succeeded: 180, errored: 15, expired: 5 });
  expect(results.map((r) => r.customId).sort()).toEqual(items(200).map((i) => i.customId).sort());
  for (const r of results) {
    const position = Number(r.customId.slice('doc-'.length));
    expect(r.outcome).toBe(acceptanceOutcome(position));
    if (r.outcome !== 'succeeded') continue;
    // The canned answer summarises this document's own prompt, with usage for the cost.
    expect(r.response.choices[0]?.message.content).toContain(`document ${position}:`);
    expect(r.response.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(r.response.usage?.completion_tokens).toBeGreaterThan(0);
  }
  const [batch] = fake.batches(route);
  expect(batch?.requests).toHaveLength(200);
  expect(batch?.requests[7]?.body).toMatchObject({ max_tokens: 64, messages: [{ role: 'user' }] });
});

test.each([
  ['OpenAI', openai, 'oa-cancel'],
  ['Anthropic', anthropic, 'an-cancel'],
] as const)('%s: a cancelled batch ends with every unfinished request cancelled', async (_name, make, route) => {
  fake.scriptBatches(route, { pollsBeforeEnd: 1_000 });
  const client = make(route);
  const id = await client.submit(items(12));
  expect((await client.status(id)).ended).toBe(false);
  await client.cancel(id);
  const ended = await client.status(id);
  expect(ended).toMatchObject({ ended: true, succeeded: 0, failed: 12 });
  expect(ended.providerStatus).toBe(route.startsWith('oa') ? 'cancelled' : 'ended');
  const results = await collect(client.results(id));
  expect(byOutcome(results)).toEqual({ cancelled: 12 });
  expect(fake.batches(route)[0]?.cancelled).toBe(true);
});

test('custom ids the providers refuse are one clear error before anything is sent', async () => {
  const client = openai('oa-ids');
  await expect(client.submit([{ ...items(1)[0] as ProviderBatchItem, customId: 'doc 1/2' }])).rejects.toThrow('batch custom id "doc 1/2": expected 1-64 letters, digits, "_" or "-"');
  await expect(client.submit([...items(2), ...items(1)])).rejects.toThrow('batch custom id "doc-0" appears twice');
  expect(fake.batches('oa-ids')).toEqual([]);
});

describe('the registry\'s batch endpoint', () => {
  const registry = createProviderRegistry({ env: TEST_ENV });

  test('answers carry routing metadata at the batch price: half the list price, or the deployment\'s own batch prices', async () => {
    fake.scriptBatches('reg-batch', { pollsBeforeEnd: 1 });
    const listed = deploymentOn(fake, 'reg-batch', 'openai/gpt-4o-mini', { inputCostPerToken: 0.000002, outputCostPerToken: 0.000008, defaults: { temperature: 0.3 } });
    const own = { ...listed, inputCostPerTokenBatches: 0.0000005, outputCostPerTokenBatches: 0.000001 };
    for (const [deployment, price] of [[listed, { input: 0.000001, output: 0.000004 }], [own, { input: 0.0000005, output: 0.000001 }]] as const) {
      const client = registry.batch(deployment);
      expect(client).toBeDefined();
      const id = await client!.submit(items(3));
      expect((await client!.status(id)).ended).toBe(true);
      const results = await collect(client!.results(id));
      expect(results).toHaveLength(3);
      for (const r of results) {
        if (r.outcome !== 'succeeded') throw new Error(`unexpected ${r.outcome}`);
        const usage = r.response.usage!;
        expect(r.response.routing).toMatchObject({ provider: 'openai', deployment: 'reg-batch', attempts: 1 });
        expect(r.response.routing?.costUsd).toBeCloseTo(usage.prompt_tokens * price.input + usage.completion_tokens * price.output, 15);
      }
    }
    // The deployment's sampling defaults went into every request.
    expect(fake.batches('reg-batch').flatMap((b) => b.requests.map((r) => r.body.temperature))).toEqual([0.3, 0.3, 0.3, 0.3, 0.3, 0.3]);
  });

  test('providers without a batch endpoint here have none; a refused call is one of our error classes', async () => {
    expect(registry.batch(deploymentOn(fake, 'bed', 'bedrock/anthropic.claude-3-haiku-20240307-v1:0'))).toBeUndefined();
    expect(registry.batch(deploymentOn(fake, 'gem', 'gemini/gemini-2.0-flash'))).toBeUndefined();
    const nowhere = registry.batch(deploymentOn(fake, 'gone', 'openai/gpt-4o-mini', { apiBase: `${fake.openaiBaseUrl('gone')}/nothing-here` }));
    await expect(nowhere!.submit(items(1))).rejects.toMatchObject({ name: 'NotFoundError', status: 404, deployment: 'gone' });
  });
});

test('OpenAI: a second submission with the same idempotency key returns the first batch instead of paying for another', async () => {
  const client = openai('oa-idem');
  const first = await client.submit(items(5), { idempotencyKey: 'batch-wf/run-1/7' });
  const again = await client.submit(items(5), { idempotencyKey: 'batch-wf/run-1/7' });
  expect(again).toBe(first);
  expect(fake.batches('oa-idem')).toHaveLength(1);
  // Another key, or none, is another batch.
  const other = await client.submit(items(5), { idempotencyKey: 'batch-wf/run-1/8' });
  const unkeyed = await client.submit(items(5));
  expect(new Set([first, other, unkeyed]).size).toBe(3);
  expect(fake.batches('oa-idem')).toHaveLength(3);
});

test('the submitting activity names its submission by run and activity id, so its retry after a crash finds the batch the first attempt made', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlr-submit-retry-'));
  try {
    const source = join(dir, 'docs.jsonl');
    writeFileSync(source, Array.from({ length: 4 }, (_, i) => JSON.stringify({ id: `d${i}`, text: `Document ${i}: durable routing keeps its state.` })).join('\n'));
    const activities = createProviderBatchActivities({ providers: createProviderRegistry({ env: TEST_ENV }), documents: createFsDocumentStore() });
    const refs = await createDocumentActivities({ documents: createFsDocumentStore() }).listDocuments({ source: { kind: 'jsonl', path: source }, cursor: { index: 0 }, limit: 10 });
    const input = { deployment: deploymentOn(fake, 'oa-retry', 'openai/gpt-4o-mini'), source: { kind: 'jsonl' as const, path: source }, refs: refs.refs, prompt: { chunkTokens: null } };
    const run = { workflowId: 'batch-1', runId: 'run-a' };
    const submit = (info: { workflowExecution: typeof run; activityId: string; attempt: number }): Promise<SubmitProviderBatchResult> =>
      new MockActivityEnvironment(info).run(activities.submitProviderBatch, input);
    const first = await submit({ workflowExecution: run, activityId: '3', attempt: 1 });
    const retried = await submit({ workflowExecution: run, activityId: '3', attempt: 2 });
    expect(first.batchId).not.toBeNull();
    expect(retried).toEqual(first);
    expect(fake.batches('oa-retry')).toHaveLength(1);
    // The next run of a continue-as-new chain reuses activity ids: its submission is its own.
    const nextRun = await submit({ workflowExecution: { ...run, runId: 'run-b' }, activityId: '3', attempt: 1 });
    expect(nextRun.batchId).not.toBe(first.batchId);
    expect(fake.batches('oa-retry')).toHaveLength(2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
