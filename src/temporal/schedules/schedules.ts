import type { Client, ScheduleDescription, ScheduleHandle, ScheduleOverlapPolicy } from '@temporalio/client';
import type { BatchSummarizeInput } from '../../../workflows/batch-types';
import { buildScheduleSpec, type RouterScheduleSpec } from './spec';

export const BATCH_SUMMARIZE_WORKFLOW_TYPE = 'batchSummarize';
const SPEC_MEMO_KEY = 'routerSchedule';

export interface CreateWorkflowScheduleOptions {
  scheduleId: string;
  schedule: RouterScheduleSpec;
  workflowType: string;
  args: unknown[];
  taskQueue: string;
  /** Each run's workflow id is this plus the scheduled time (Temporal appends it). Default: the schedule id. */
  workflowIdPrefix?: string;
  /** Shown in `describe` and the UI. */
  note?: string;
  /** Create it paused. */
  paused?: boolean;
}

/** Creates a schedule whose action starts a workflow. The spec is validated first (ScheduleSpecError names every problem). */
export async function createWorkflowSchedule(client: Client, options: CreateWorkflowScheduleOptions): Promise<ScheduleHandle> {
  const { spec, policies } = buildScheduleSpec(options.schedule);
  return client.schedule.create({
    scheduleId: options.scheduleId,
    spec,
    policies,
    action: {
      type: 'startWorkflow',
      workflowType: options.workflowType,
      args: options.args,
      taskQueue: options.taskQueue,
      workflowId: options.workflowIdPrefix ?? options.scheduleId,
    },
    // The server keeps crons only in compiled calendar form; the memo keeps the spec as written, for describe.
    memo: { [SPEC_MEMO_KEY]: options.schedule },
    state: {
      paused: options.paused ?? false,
      ...(options.note === undefined ? {} : { note: options.note }),
    },
  });
}

export interface CreateBatchScheduleOptions {
  scheduleId: string;
  schedule: RouterScheduleSpec;
  /** The batch every run summarises. Every run writes the same output paths, so the latest run's results are there. */
  input: BatchSummarizeInput;
  taskQueue: string;
  note?: string;
  paused?: boolean;
}

/** A recurring `batchSummarize`, e.g. a nightly digest. */
export function createBatchSchedule(client: Client, options: CreateBatchScheduleOptions): Promise<ScheduleHandle> {
  return createWorkflowSchedule(client, {
    scheduleId: options.scheduleId,
    schedule: options.schedule,
    workflowType: BATCH_SUMMARIZE_WORKFLOW_TYPE,
    args: [options.input],
    taskQueue: options.taskQueue,
    ...(options.note === undefined ? {} : { note: options.note }),
    ...(options.paused === undefined ? {} : { paused: options.paused }),
  });
}

/** What `llm-router schedule list` and `describe` print. */
export interface ScheduleView {
  scheduleId: string;
  workflowType: string | null;
  paused: boolean;
  note: string | null;
  /** The spec as written at creation (null for schedules made elsewhere). */
  spec: RouterScheduleSpec | null;
  intervalsMs: number[];
  calendars: number;
  timezone: string | null;
  overlap: string;
  catchupWindowMs: number;
  pauseOnFailure: boolean;
  nextRuns: string[];
  actionsTaken: number;
  skippedForOverlap: number;
  missedCatchupWindow: number;
  recentRuns: ScheduleRun[];
  running: string[];
}

/** One run a schedule started, with how it ended (batches: their outcome and counts). */
export interface ScheduleRun {
  scheduledAt: string;
  workflowId: string;
  runId: string;
  /** Temporal's status (RUNNING, COMPLETED, FAILED, …); absent when the run could not be described. */
  status?: string;
  /** Batches: completed, completed-with-failures, failed, cancelled, budget-stopped; 'running' while it runs. */
  outcome?: string;
  documents?: { done: number; failed: number; total: number | null };
}

/** How each recent run ended: one describe per run, and the result of those that completed. */
async function withOutcomes(client: Client, view: ScheduleView): Promise<ScheduleView> {
  const runs = await Promise.all(view.recentRuns.map(async (run): Promise<ScheduleRun> => {
    const handle = client.workflow.getHandle(run.workflowId);
    let status: string;
    try {
      status = (await handle.describe()).status.name;
    } catch {
      return run;
    }
    if (status === 'RUNNING') return { ...run, status, outcome: 'running' };
    if (status !== 'COMPLETED') return { ...run, status, outcome: status === 'CANCELLED' ? 'cancelled' : 'failed' };
    const result = (await handle.result()) as { outcome?: string; progress?: { done: number; failed: number; total: number | null } } | undefined;
    const p = result?.progress;
    const outcome = result?.outcome ?? (p === undefined ? 'completed' : p.failed === 0 ? 'completed' : p.done === 0 ? 'failed' : 'completed-with-failures');
    return { ...run, status, outcome, ...(p === undefined ? {} : { documents: { done: p.done, failed: p.failed, total: p.total } }) };
  }));
  return { ...view, recentRuns: runs };
}

export function toScheduleView(d: ScheduleDescription): ScheduleView {
  const action = d.action as { type: string; workflowType?: string };
  return {
    scheduleId: d.scheduleId,
    workflowType: action.type === 'startWorkflow' ? (action.workflowType ?? null) : null,
    paused: d.state.paused,
    note: d.state.note ?? null,
    spec: (d.memo?.[SPEC_MEMO_KEY] as RouterScheduleSpec | undefined) ?? null,
    intervalsMs: (d.spec.intervals ?? []).map((i) => Number(i.every)),
    calendars: d.spec.calendars?.length ?? 0,
    timezone: d.spec.timezone ?? null,
    overlap: String(d.policies.overlap),
    catchupWindowMs: d.policies.catchupWindow,
    pauseOnFailure: d.policies.pauseOnFailure,
    nextRuns: d.info.nextActionTimes.map((t) => t.toISOString()),
    actionsTaken: d.info.numActionsTaken,
    skippedForOverlap: d.info.numActionsSkippedOverlap,
    missedCatchupWindow: d.info.numActionsMissedCatchupWindow,
    recentRuns: d.info.recentActions.map((a) => ({
      scheduledAt: a.scheduledAt.toISOString(),
      workflowId: a.action.workflow.workflowId,
      runId: a.action.workflow.firstExecutionRunId,
    })),
    running: d.info.runningActions.map((a) => a.workflow.workflowId),
  };
}

export async function describeSchedule(client: Client, scheduleId: string): Promise<ScheduleView> {
  return withOutcomes(client, toScheduleView(await client.schedule.getHandle(scheduleId).describe()));
}

/** Schedule ids (optionally only those starting with `prefix`), with each one described. Visibility is eventually consistent: a schedule created a moment ago may be missing. */
export async function listSchedules(client: Client, options: { prefix?: string } = {}): Promise<ScheduleView[]> {
  const views: ScheduleView[] = [];
  for await (const summary of client.schedule.list()) {
    if (options.prefix !== undefined && !summary.scheduleId.startsWith(options.prefix)) continue;
    views.push(await describeSchedule(client, summary.scheduleId));
  }
  return views.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
}

export function pauseSchedule(client: Client, scheduleId: string, note?: string): Promise<void> {
  return client.schedule.getHandle(scheduleId).pause(note);
}

export function unpauseSchedule(client: Client, scheduleId: string, note?: string): Promise<void> {
  return client.schedule.getHandle(scheduleId).unpause(note);
}

/** Runs the action now, outside the spec; `overlap` overrides the schedule's policy for this run. */
export function triggerSchedule(client: Client, scheduleId: string, overlap?: ScheduleOverlapPolicy): Promise<void> {
  return client.schedule.getHandle(scheduleId).trigger(overlap);
}

/** Deletes the schedule; runs it already started keep running. */
export function deleteSchedule(client: Client, scheduleId: string): Promise<void> {
  return client.schedule.getHandle(scheduleId).delete();
}
