import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { createProviderRegistry } from '../../../src/providers';
import { DurableRouter, getBatchResult, startBatchSummarize } from '../../../src/temporal/client';
import { defaultRouterName } from '../../../src/temporal/durable-config';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { routerHealthWorkflowId, snapshotQuery } from '../../../workflows/router-health-api';
import { eventually, readJsonl } from '../../support/batch';
import { FAKE_KEY_ENV, FAST_ROUTING, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

// Acceptance (issue 16): two durable jobs share a $0.01/hour budget on one
// provider, held in the routerHealth entity. Once it is spent both route to
// the other provider, and the fake server shows no call to the budgeted one
// beyond those already in flight when the budget ran out.
let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let dir: string;
let worker: Worker;
const env = { [FAKE_KEY_ENV]: 'sk-budget' };
const DOCS = 14;
const CONCURRENCY = 2;

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  dir = mkdtempSync(join(tmpdir(), 'tlr-budget-'));
  worker = await createTestWorker(ctx, createProviderRegistry({ env }));
});
afterAll(async () => {
  await fake.close();
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

test('two durable batches share a $0.01/hour OpenAI budget: once spent, both go to Anthropic', async () => {
  // OpenAI first by order; priced so that a handful of summaries spend the budget.
  const config = fakeRouterConfig(
    fake,
    [
      { id: 'openai-a', group: 'sum', order: 1, inputCostPerToken: 0.00003 },
      { id: 'anthropic-b', group: 'sum', model: 'anthropic/claude-haiku-4-5', order: 2 },
    ],
    { provider_budget_config: { openai: { budget_limit: 0.01, time_period: '1h' } } },
  );
  const routerName = defaultRouterName(config, ctx.taskQueue);
  await worker.runUntil(async () => {
    const start = (tag: string) => startBatchSummarize(ctx.client, config, {
      group: 'sum',
      documents: { kind: 'inline', texts: Array.from({ length: DOCS }, (_, i) => `${tag} document ${i}: notes on budgets that hold across every job of a fleet.`) },
      output: { jsonlPath: join(dir, `${tag}.jsonl`) },
      concurrency: CONCURRENCY, taskQueue: ctx.taskQueue, routing: FAST_ROUTING, workflowId: uniqueWorkflowId(tag),
    });
    const [one, two] = await Promise.all([start('one'), start('two')]);
    const [r1, r2] = await Promise.all([getBatchResult(ctx.client, one.workflowId), getBatchResult(ctx.client, two.workflowId)]);
    expect(r1.progress).toMatchObject({ done: DOCS, failed: 0 });
    expect(r2.progress).toMatchObject({ done: DOCS, failed: 0 });

    const records = [...readJsonl(join(dir, 'one.jsonl')), ...readJsonl(join(dir, 'two.jsonl'))];
    const openaiCalls = fake.requests('openai-a').length;
    const costs = records.filter((r) => r.servedBy === 'openai-a').map((r) => r.costUsd ?? 0);
    expect(costs).toHaveLength(openaiCalls);
    const spent = costs.reduce((a, b) => a + b, 0);
    const maxCost = Math.max(...costs);
    // Both jobs together have at most this many calls in flight when the budget runs out.
    const inFlight = 2 * CONCURRENCY;
    const byJob = (tag: string) => ({
      openai: fake.requests('openai-a').filter((r) => JSON.stringify(r.body).includes(`${tag} document`)).length,
      anthropic: fake.requests('anthropic-b').filter((r) => JSON.stringify(r.body).includes(`${tag} document`)).length,
    });
    const counts = { one: byJob('one'), two: byJob('two') };
    process.stdout.write(`[provider-budget] OpenAI calls: ${openaiCalls}, spent $${spent.toFixed(5)} of $0.01 (max $${maxCost.toFixed(5)} a call), per job: ${JSON.stringify(counts)}\n`);
    // The budget was reached, and what was spent past it is no more than the calls that were in flight then.
    expect(spent).toBeGreaterThanOrEqual(0.01);
    expect(spent).toBeLessThan(0.01 + inFlight * maxCost);
    expect(openaiCalls).toBeLessThanOrEqual(Math.ceil(0.01 / Math.min(...costs)) + inFlight - 1);
    // Both jobs ended on the other provider.
    expect(counts.one.anthropic).toBeGreaterThan(0);
    expect(counts.two.anthropic).toBeGreaterThan(0);
    expect(records.filter((r) => r.status === 'ok')).toHaveLength(2 * DOCS);

    // The spend is held by the entity, not by one process: once the worker's health agent has
    // shipped its last successes (they wait up to a flush delay), its snapshot carries every
    // cost the records show, each counted once.
    const entity = ctx.client.workflow.getHandle(routerHealthWorkflowId(routerName));
    const entitySpend = await eventually(async () => {
      const snapshot = await entity.query(snapshotQuery);
      const usd = Object.values(snapshot.state.deployments['openai-a']?.spend ?? {})[0]?.usd ?? 0;
      return usd >= spent - 1e-9 ? usd : undefined;
    }, 10_000);
    expect(entitySpend).toBeCloseTo(spent, 9);

    // A job started later makes no OpenAI call at all.
    const before = fake.count('openai-a');
    const later = await new DurableRouter({ client: ctx.client, config, taskQueue: ctx.taskQueue, options: FAST_ROUTING })
      .complete({ model: 'sum', messages: [{ role: 'user', content: 'one more' }] });
    expect(later.routing.deployment).toBe('anthropic-b');
    expect(fake.count('openai-a')).toBe(before);
  });
}, 180_000);
