import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProviderRegistry } from '../../../src/providers';
import { getBatchResult, startBatchSummarize } from '../../../src/temporal/client';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import type { RoutedCompletionInput, RoutedCompletionResult } from '../../../workflows';
import { readJsonl, writeJsonlDocuments } from '../../support/batch';
import { FAKE_KEY_ENV, FAST_ROUTING, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

// `order` tiers in the durable path: a failing order-1 deployment is alone in
// its tier, yet the group still has an order-2 deployment. The hop makes one
// call and the walker moves to order 2 before any fallback group, as the
// in-process Router does.
const env = { [FAKE_KEY_ENV]: 'fake-order-tiers-key' };

let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let dir: string;

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  dir = mkdtempSync(join(tmpdir(), 'tlr-order-'));
});
afterAll(async () => {
  await fake.close();
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

const messages = [{ role: 'user' as const, content: 'Summarise: order tiers keep the expensive deployment for when the cheap one fails.' }];

function tieredConfig(settings: Record<string, unknown> = {}) {
  return fakeRouterConfig(fake, [
    { id: 'first', group: 'g', order: 1 },
    { id: 'second', group: 'g', order: 2, model: 'anthropic/claude-haiku-4-5' },
    { id: 'fb', group: 'backup' },
  ], { num_retries: 2, fallbacks: [{ g: ['backup'] }], ...settings });
}

async function routed(input: RoutedCompletionInput, prefix: string): Promise<RoutedCompletionResult> {
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  return worker.runUntil(
    ctx.client.workflow.execute('routedCompletion', { taskQueue: ctx.taskQueue, workflowId: uniqueWorkflowId(prefix), args: [input] }) as Promise<RoutedCompletionResult>,
  );
}

test('a dead order-1 deployment gets one call, then the order-2 deployment of the same group serves; the fallback group is never called', async () => {
  fake.script('first', [], { after: { status: 503, errorMessage: 'down' } });
  const result = await routed({ config: tieredConfig(), request: { model: 'g', messages }, options: FAST_ROUTING }, 'order-tiers');

  expect(result.routing.deployment).toBe('second');
  expect(result.routing.fallbackPath).toEqual(['g']);
  expect(result.routing.attemptLog.map((a) => [a.deploymentId, a.reason, a.outcome, a.errorClass])).toEqual([
    ['first', 'initial', 'failure', 'ServiceUnavailableError'],
    ['second', 'retry', 'success', null],
  ]);
  expect(fake.count('first')).toBe(1);
  expect(fake.count('second')).toBe(1);
  expect(fake.count('fb')).toBe(0);
});

test('both tiers failing: num_retries 2 means three calls in the group (order 1, order 2, order 1 again), then the fallback group', async () => {
  fake.script('first', [], { after: { status: 503, errorMessage: 'down' } });
  fake.script('second', [], { after: { status: 500, errorMessage: 'broken' } });
  const result = await routed({ config: tieredConfig(), request: { model: 'g', messages }, options: FAST_ROUTING }, 'order-tiers-both');

  expect(result.routing.deployment).toBe('fb');
  expect(result.routing.fallbackPath).toEqual(['g', 'backup']);
  expect(result.routing.attemptLog.map((a) => [a.deploymentId, a.reason])).toEqual([
    ['first', 'initial'],
    ['second', 'retry'],
    ['first', 'retry'],
    ['fb', 'fallback'],
  ]);
  expect(result.routing.attempts).toBe(4);
  expect(fake.count('first')).toBe(2);
  expect(fake.count('second')).toBe(1);
  expect(fake.count('fb')).toBe(1);
});

test('a batch whose order-1 deployment is dead: every document served by order 2, none by the fallback group, the dead one called a bounded number of times', async () => {
  const DOCS = 8;
  const CONCURRENCY = 2;
  const ALLOWED_FAILS = 1;
  fake.script('first', [], { after: { status: 503, errorMessage: 'down' } });
  // A cooldown longer than the batch: once cooled, the dead deployment stays out.
  const config = tieredConfig({ allowed_fails: ALLOWED_FAILS, cooldown_time: 300 });
  const path = writeJsonlDocuments(dir, DOCS);
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  const { workflowId } = await startBatchSummarize(ctx.client, config, {
    group: 'g', documents: { kind: 'jsonl', path }, output: { jsonlPath: join(dir, 'out.jsonl') },
    concurrency: CONCURRENCY, taskQueue: ctx.taskQueue, routing: FAST_ROUTING, workflowId: uniqueWorkflowId('order-tiers-batch'),
  });
  const result = await worker.runUntil(getBatchResult(ctx.client, workflowId));

  const records = readJsonl(result.output.jsonlPath);
  expect(records).toHaveLength(DOCS);
  expect(records.filter((r) => r.status !== 'ok')).toEqual([]);
  expect(result.progress).toMatchObject({ done: DOCS, failed: 0 });
  expect(result.progress.servedBy).toEqual({ second: DOCS });
  expect(fake.count('second')).toBe(DOCS);
  expect(fake.count('fb')).toBe(0);
  // One call per document at most, and only until the cooldown: the calls
  // that cool it, plus one per document already on the wire.
  expect(fake.count('first')).toBeGreaterThan(0);
  expect(fake.count('first')).toBeLessThanOrEqual(ALLOWED_FAILS + CONCURRENCY);
});
