// A lost worker is not a provider failure. With allowed_fails: 1 a single
// miscounted hop would cool a healthy deployment, so three SIGKILLs of the
// worker in a 200-document batch over two healthy providers must leave no
// failure and no cooldown anywhere, keep every document once, and stall the
// batch for seconds only. The worker runs with the factory's defaults
// (heartbeat and sticky-queue timeouts), the routing with the defaults too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBatchResult, getBatchStatus, startBatchSummarize } from '../../../src/temporal/client';
import { getRouterHealthReport } from '../../../src/temporal/health';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { eventually, readJsonl, writeJsonlDocuments } from '../../support/batch';
import { armChildWorker, startChildWorker, type ArmedChildWorker, type ChildWorker } from '../../support/child-worker';
import { FAKE_KEY_ENV, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

const DOCS = 200;
const KILLS = 3;
/** The acceptance bound on how long one kill may hold the batch up. */
const MAX_STALL_MS = 10_000;

let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let dir: string;
const workers: ChildWorker[] = [];
const spares: Array<Promise<ArmedChildWorker>> = [];
const env = { [FAKE_KEY_ENV]: 'fake-crash-cooldown-key' };

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  dir = mkdtempSync(join(tmpdir(), 'tlr-crash-cooldown-'));
});
afterAll(async () => {
  for (const w of workers) await w.kill();
  for (const spare of spares) await spare.then((w) => w.kill(), () => undefined);
  await fake.close();
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

test('three SIGKILLs with allowed_fails 1: no document failed, no cooldown, every document once, each kill stalls the batch at most 10 s', async () => {
  const config = fakeRouterConfig(fake, [
    { id: 'openai-a', group: 'sum' },
    { id: 'anthropic-b', group: 'sum', model: 'anthropic/claude-haiku-4-5' },
  ], { allowed_fails: 1 });
  // Calls take a little while, so every kill finds calls in flight.
  for (const id of ['openai-a', 'anthropic-b']) fake.script(id, [], { after: { latencyMs: 30 } });
  const path = writeJsonlDocuments(dir, DOCS);
  const workflowId = uniqueWorkflowId('crash-cooldown');
  const routerName = uniqueWorkflowId('crash-cooldown-health');
  const arm = () => {
    const spare = armChildWorker(ctx.taskQueue, env);
    spare.catch(() => undefined);
    spares.push(spare);
    return spare;
  };
  workers.push(await startChildWorker(ctx.taskQueue, env));
  let spare = arm();
  await startBatchSummarize(ctx.client, config, {
    group: 'sum', documents: { kind: 'jsonl', path }, output: { jsonlPath: join(dir, 'out.jsonl') },
    concurrency: 8, taskQueue: ctx.taskQueue, workflowId, routing: { sharedHealth: { routerName } },
  });

  const stalls: number[] = [];
  for (let k = 0; k < KILLS; k++) {
    const threshold = Math.floor(((k + 1) / (KILLS + 1)) * DOCS);
    const doneAtKill = await eventually(async () => {
      const done = await getBatchStatus(ctx.client, workflowId).then((p) => p.done, () => -1);
      return done >= threshold ? done : undefined;
    }, 90_000, 10);
    // The replacement is booted already; it starts polling the moment the victim is dead.
    const victim = workers[workers.length - 1] as ChildWorker;
    await victim.kill();
    const killedAt = Date.now();
    workers.push(await (await spare).go());
    if (k + 1 < KILLS) spare = arm();
    // The stall: from the kill until the batch finishes documents again (its in-flight ones re-run on the new worker).
    await eventually(async () => {
      const p = await getBatchStatus(ctx.client, workflowId).catch(() => undefined);
      return p !== undefined && p.done > doneAtKill ? true : undefined;
    }, 60_000, 10);
    stalls.push(Date.now() - killedAt);
  }
  const result = await getBatchResult(ctx.client, workflowId);
  // Nothing was held against either deployment, in the batch or in the shared health (read while a worker still answers).
  const health = await getRouterHealthReport(ctx.client, routerName);
  await (workers[workers.length - 1] as ChildWorker).stop();
  process.stdout.write(`[crash-no-cooldown] stall per kill: ${stalls.map((s) => `${s} ms`).join(', ')}; provider calls ${fake.count('openai-a') + fake.count('anthropic-b')} for ${DOCS} documents\n`);

  const records = readJsonl(result.output.jsonlPath);
  expect(records.map((r) => r.id)).toEqual(Array.from({ length: DOCS }, (_, i) => `doc-${i}`));
  expect(records.filter((r) => r.status !== 'ok')).toEqual([]);
  expect(result.progress).toMatchObject({ done: DOCS, failed: 0, cooldownEvents: 0 });
  expect(health.cooldowns).toEqual([]);
  expect(health.deployments.map((d) => [d.deploymentId, d.failures])).toEqual([['openai-a', 0], ['anthropic-b', 0]]);
  for (const stall of stalls) expect(stall).toBeLessThanOrEqual(MAX_STALL_MS);
}, 300_000);
