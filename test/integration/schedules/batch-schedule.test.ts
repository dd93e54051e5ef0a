import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { createProviderRegistry } from '../../../src/providers';
import {
  createBatchSchedule,
  createWorkflowSchedule,
  deleteSchedule,
  describeSchedule,
  listSchedules,
  pauseSchedule,
  ScheduleSpecError,
  triggerSchedule,
  unpauseSchedule,
  type ScheduleView,
} from '../../../src/temporal/schedules';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import type { BatchSummarizeInput, BatchSummarizeResult } from '../../../workflows';
import { FAKE_KEY_ENV, FAST_ROUTING, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let dir: string;
let worker: Worker;

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  dir = mkdtempSync(join(tmpdir(), 'tlr-schedules-'));
  worker = await createTestWorker(ctx, createProviderRegistry({ env: { [FAKE_KEY_ENV]: 'sk-schedule' } }));
});
afterAll(async () => {
  await fake.close();
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

function batchInput(name: string): BatchSummarizeInput {
  const path = join(dir, `${name}.jsonl`);
  writeFileSync(path, ['first', 'second'].map((w, i) => JSON.stringify({ id: `doc-${i}`, text: `The ${w} nightly note for ${name}.` })).join('\n') + '\n');
  return {
    config: fakeRouterConfig(fake, [{ id: 'dep-a', group: 'digest' }]),
    group: 'digest',
    source: { kind: 'jsonl', path },
    output: { jsonlPath: join(dir, `${name}-out.jsonl`) },
    options: FAST_ROUTING,
  };
}

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('a 5-second interval schedule runs batchSummarize at least twice; list, describe, pause, trigger and delete work on it', async () => {
  const scheduleId = uniqueWorkflowId('digest');
  await worker.runUntil(async () => {
    await createBatchSchedule(ctx.client, {
      scheduleId,
      schedule: { every: '5s', overlap: 'skip', catchupWindow: '1m' },
      input: batchInput('interval'),
      taskQueue: ctx.taskQueue,
      note: 'test digest',
    });
    try {
      const view = await waitFor(() => describeSchedule(ctx.client, scheduleId), (v) => v.recentRuns.length >= 2);
      expect(view).toMatchObject({
        workflowType: 'batchSummarize', paused: false, note: 'test digest', intervalsMs: [5_000], overlap: 'SKIP', catchupWindowMs: 60_000,
        spec: { every: '5s', overlap: 'skip', catchupWindow: '1m' },
      });
      // Both runs really summarised the batch.
      for (const run of view.recentRuns.slice(0, 2)) {
        const result = (await ctx.client.workflow.getHandle(run.workflowId, run.runId).result()) as BatchSummarizeResult;
        expect(result.progress).toMatchObject({ status: 'completed', done: 2, failed: 0 });
      }
      // Describe names how each finished run ended.
      const ended = await describeSchedule(ctx.client, scheduleId);
      expect(ended.recentRuns.slice(0, 2).map((r) => [r.status, r.outcome, r.documents])).toEqual([
        ['COMPLETED', 'completed', { done: 2, failed: 0, total: 2 }],
        ['COMPLETED', 'completed', { done: 2, failed: 0, total: 2 }],
      ]);
      expect(view.recentRuns[0]!.workflowId.startsWith(scheduleId)).toBe(true);
      expect(fake.count('dep-a')).toBeGreaterThanOrEqual(4);

      const listed = await waitFor(() => listSchedules(ctx.client, { prefix: scheduleId }), (l) => l.length === 1);
      expect(listed[0]?.scheduleId).toBe(scheduleId);

      await pauseSchedule(ctx.client, scheduleId, 'maintenance');
      const paused = await describeSchedule(ctx.client, scheduleId);
      expect(paused).toMatchObject({ paused: true, note: 'maintenance' });
      const before = paused.actionsTaken;
      // A manual trigger runs even while paused: the operator asked for it.
      await triggerSchedule(ctx.client, scheduleId);
      const triggered: ScheduleView = await waitFor(() => describeSchedule(ctx.client, scheduleId), (v) => v.actionsTaken === before + 1);
      expect(triggered.paused).toBe(true);
      await unpauseSchedule(ctx.client, scheduleId);
      expect((await describeSchedule(ctx.client, scheduleId)).paused).toBe(false);
    } finally {
      await deleteSchedule(ctx.client, scheduleId);
    }
    await expect(describeSchedule(ctx.client, scheduleId)).rejects.toMatchObject({ name: 'ScheduleNotFoundError' });
    // Let runs the schedule started before deletion finish while the worker is still up.
    await waitFor(async () => {
      const open = [];
      for await (const w of ctx.client.workflow.list({ query: `WorkflowId STARTS_WITH '${scheduleId}' AND ExecutionStatus = 'Running'` })) open.push(w);
      return open.length;
    }, (n) => n === 0, 30_000);
  });
});

test('an invalid cron is refused before anything reaches the server, with the field at fault named', async () => {
  const scheduleId = uniqueWorkflowId('bad-cron');
  const attempt = createBatchSchedule(ctx.client, { scheduleId, schedule: { cron: '61 2 * * *' }, input: batchInput('bad'), taskQueue: ctx.taskQueue });
  await expect(attempt).rejects.toBeInstanceOf(ScheduleSpecError);
  await expect(createBatchSchedule(ctx.client, { scheduleId, schedule: { cron: '61 2 * * *' }, input: batchInput('bad'), taskQueue: ctx.taskQueue }))
    .rejects.toThrow('schedule.cron "61 2 * * *": minute field "61": 61 is out of range 0-59');
  await expect(describeSchedule(ctx.client, scheduleId)).rejects.toMatchObject({ name: 'ScheduleNotFoundError' });
});

test('every cron form the validator accepts, the server accepts too', async () => {
  const forms = ['0 2 * * *', '*/15 9-17 * * MON-FRI', '0 0 1 JAN,JUL *', '30 0 12 * * * 2027', '@daily', '@every 1h/15m', 'CRON_TZ=Europe/Paris 0 8 * * *', '0 8 * * * # digest', '0 0 * * 7'];
  // Independent schedules, so all at once: one round trip's wait instead of nine.
  const views = await Promise.all(forms.map(async (cron) => {
    const scheduleId = uniqueWorkflowId('cron-form');
    await createWorkflowSchedule(ctx.client, { scheduleId, schedule: { cron }, workflowType: 'batchSummarize', args: [], taskQueue: ctx.taskQueue, paused: true });
    try {
      return await describeSchedule(ctx.client, scheduleId);
    } finally {
      await deleteSchedule(ctx.client, scheduleId);
    }
  }));
  expect(views.map((v) => v.spec)).toEqual(forms.map((cron) => ({ cron })));
  for (const view of views) expect(view.calendars + view.intervalsMs.length).toBeGreaterThan(0);
});
