import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProviderRegistry } from '../../../src/providers';
import { getBatchResult, getBatchStatus, startBatchSummarize } from '../../../src/temporal/client';
import { startFakeProviderServer, type FakeProviderServer, type RecordedRequest } from '../../../src/testing';
import { chainHistories, eventually, readJsonl, writeJsonlDocuments } from '../../support/batch';
import { activitySummaries, historyContains } from '../../support/history';
import { FAKE_KEY_ENV, FAST_ROUTING, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

// Outage: the OpenAI-like deployment answers 503 for the middle third of a
// 300-document batch; an Anthropic-like deployment is its fallback group.
const SECRET = 'fake-outage-key-never-in-history';
const DOCS = 300;
/** LiteLLM's default. Requests already on the wire when the outage begins cannot be recalled, so concurrency stays at allowed_fails + 1. */
const ALLOWED_FAILS = 3;
const CONCURRENCY = ALLOWED_FAILS + 1;
const COOLDOWN_MS = 1_000;

let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let dir: string;

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  dir = mkdtempSync(join(tmpdir(), 'tlr-outage-'));
});
afterAll(async () => {
  await fake.close();
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Most requests in any interval one cooldown long. */
function maxInAnyWindow(requests: readonly RecordedRequest[], windowMs: number): number {
  const times = requests.map((r) => r.receivedAt).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] as number) - (times[j] as number) >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

test('a 503 outage for the middle third: every document is summarised, the dead deployment is probed within allowed_fails + 1 per cooldown, and the failover is visible', async () => {
  const config = fakeRouterConfig(fake, [
    { id: 'gpt', group: 'primary', model: 'openai/gpt-4o-mini', numRetries: 0 },
    { id: 'claude', group: 'backup', model: 'anthropic/claude-haiku-4-5' },
  ], {
    fallbacks: [{ primary: ['backup'] }],
    allowed_fails: ALLOWED_FAILS,
    cooldown_time: COOLDOWN_MS / 1000,
    // Failures are counted per window; an hour-long one means no window boundary falls inside the outage.
    routing_strategy_args: { usage_window: 3600 },
  });
  const path = writeJsonlDocuments(dir, DOCS);
  const worker = await createTestWorker(ctx, createProviderRegistry({ env: { [FAKE_KEY_ENV]: SECRET } }));
  const workflowId = uniqueWorkflowId('outage');
  // Each phase's requests; re-scripting a route starts its record afresh.
  const phases: { before: RecordedRequest[]; during: RecordedRequest[]; after: RecordedRequest[] } = { before: [], during: [], after: [] };

  const result = await worker.runUntil(async () => {
    await startBatchSummarize(ctx.client, config, {
      group: 'primary', documents: { kind: 'jsonl', path }, output: { jsonlPath: join(dir, 'out.jsonl') },
      concurrency: CONCURRENCY, continueAsNewAfterEvents: 400, taskQueue: ctx.taskQueue, routing: FAST_ROUTING, workflowId,
    });
    await eventually(async () => ((await getBatchStatus(ctx.client, workflowId)).done >= DOCS / 3 ? true : undefined), 60_000, 25);
    phases.before = [...fake.requests('gpt')];
    fake.script('gpt', [], { after: { status: 503, errorMessage: 'service unavailable' } });
    await eventually(async () => ((await getBatchStatus(ctx.client, workflowId)).done >= (2 * DOCS) / 3 ? true : undefined), 60_000, 25);
    phases.during = [...fake.requests('gpt')];
    fake.script('gpt', []);
    const finished = await getBatchResult(ctx.client, workflowId);
    phases.after = [...fake.requests('gpt')];
    return finished;
  });

  // Every document summarised, none failed, each exactly once.
  const records = readJsonl(result.output.jsonlPath);
  expect(records).toHaveLength(DOCS);
  expect(new Set(records.map((r) => r.id)).size).toBe(DOCS);
  expect(records.filter((r) => r.status !== 'ok')).toEqual([]);
  expect(result.progress).toMatchObject({ done: DOCS, failed: 0 });

  // The outage really happened, and the fallback carried it.
  expect(phases.during.length).toBeGreaterThan(0);
  expect(result.progress.servedBy.claude ?? 0).toBeGreaterThan(0);
  expect(result.progress.cooldownEvents).toBeGreaterThan(0);
  expect(result.progress.run).toBeGreaterThan(0);
  // Traffic went back to the primary once it recovered.
  expect(phases.after.length).toBeGreaterThan(0);

  // The dead deployment saw at most allowed_fails + 1 requests per cooldown window, counted at the fake server.
  expect(maxInAnyWindow(phases.during, COOLDOWN_MS)).toBeLessThanOrEqual(ALLOWED_FAILS + 1);
  const outageMs = Math.max(...phases.during.map((r) => r.receivedAt)) - Math.min(...phases.during.map((r) => r.receivedAt));
  expect(phases.during.length).toBeLessThanOrEqual((ALLOWED_FAILS + 1) * (Math.ceil(outageMs / COOLDOWN_MS) + 1));

  // A visibility query finds the runs that failed over, and only those.
  const runs = await chainHistories(ctx.client, workflowId);
  // About 60 documents per run: the first run ends before the outage and the last starts after it.
  expect(runs.length).toBeGreaterThan(2);
  const failedOver = await eventually(async () => {
    const ids: string[] = [];
    for await (const e of ctx.client.workflow.list({ query: `WorkflowId = '${workflowId}' AND LlmFallbackCount > 0` })) ids.push(e.runId);
    return ids.length > 0 ? ids : undefined;
  });
  expect(failedOver.length).toBeLessThan(runs.length);
  const hopLine = /^doc doc-\d+ · #2 claude \(anthropic\/claude-haiku-4-5\) · fallback from gpt \(openai\/gpt-4o-mini\) after ServiceUnavailableError/;
  for (const runId of failedOver) {
    const run = runs.find((r) => r.runId === runId);
    expect(activitySummaries(run!.history).some((s) => hopLine.test(s))).toBe(true);
  }
  // No run's history holds the API key, though every request carried it.
  expect(phases.before[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
  for (const run of runs) expect(historyContains(run.history, SECRET)).toBe(false);
});
