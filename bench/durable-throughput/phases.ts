// Where a durable request's time goes, from its history's event times and the
// client's clock (one machine, one clock): the start call, the first workflow
// task's dispatch and run (a local-activity hop runs inside it), an
// activity's dispatch and run, the workflow task after it, and the time from
// the completion event to the client holding the result.
import { performance } from 'node:perf_hooks';
import type { temporal } from '@temporalio/proto';
import { median, round } from '../lib/stats';
import type { TemporalStack } from '../lib/temporal-stack';

export const PHASES = ['start', 'firstTaskDispatch', 'firstTask', 'activityDispatch', 'activity', 'nextTasks', 'resultPoll'] as const;
export type Phase = (typeof PHASES)[number];
export const PHASE_LABELS: Record<Phase, string> = {
  start: 'start call → started event',
  firstTaskDispatch: 'first workflow task: scheduled → started (dispatch to the worker)',
  firstTask: 'first workflow task: started → completed (a local-activity hop runs here)',
  activityDispatch: 'activity: scheduled → started (dispatch)',
  activity: 'activity: started → completed',
  nextTasks: 'workflow tasks after the first (scheduled → completed)',
  resultPoll: 'completed event → result at the client',
};

type Event = temporal.api.history.v1.IHistoryEvent;

function at(e: Event | undefined): number | undefined {
  const t = e?.eventTime;
  if (!t) return undefined;
  return Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
}

/** One request's phases in ms (0 for a phase it does not have). */
export function phasesOf(events: readonly Event[], clientStart: number, clientEnd: number): Record<Phase, number> {
  const find = (key: keyof Event, from = 0) => events.slice(from).find((e) => e[key]);
  const started = at(events[0]);
  const wftScheduled = events.findIndex((e) => e.workflowTaskScheduledEventAttributes);
  const wftStarted = events.findIndex((e, i) => i > wftScheduled && e.workflowTaskStartedEventAttributes);
  const wftCompleted = events.findIndex((e, i) => i > wftStarted && e.workflowTaskCompletedEventAttributes);
  const span = (a: Event | undefined, b: Event | undefined) => {
    const x = at(a);
    const y = at(b);
    return x === undefined || y === undefined ? 0 : Math.max(0, y - x);
  };
  let nextTasks = 0;
  for (let i = wftCompleted + 1; i < events.length; i++) {
    if (!events[i]?.workflowTaskScheduledEventAttributes) continue;
    const done = events.findIndex((e, j) => j > i && e.workflowTaskCompletedEventAttributes);
    if (done > 0) nextTasks += span(events[i], events[done]);
  }
  const completed = find('workflowExecutionCompletedEventAttributes');
  return {
    start: started === undefined ? 0 : Math.max(0, started - clientStart),
    firstTaskDispatch: span(events[wftScheduled], events[wftStarted]),
    firstTask: span(events[wftStarted], events[wftCompleted]),
    activityDispatch: span(find('activityTaskScheduledEventAttributes'), find('activityTaskStartedEventAttributes')),
    activity: span(find('activityTaskStartedEventAttributes'), find('activityTaskCompletedEventAttributes')),
    nextTasks,
    resultPoll: Math.max(0, clientEnd - (at(completed) ?? clientEnd)),
  };
}

/** Runs `count` requests one at a time and returns the median of each phase. */
export async function measurePhases(stack: TemporalStack, count: number, call: (seq: number) => Promise<unknown>, workflowId: (seq: number) => string): Promise<Record<Phase, number>> {
  const samples: Array<Record<Phase, number>> = [];
  for (let seq = 0; seq < count; seq++) {
    // Date.now for the client's side of the clock the server stamps events with; performance.now would be another epoch.
    const t0 = performance.timeOrigin + performance.now();
    await call(seq);
    const t1 = performance.timeOrigin + performance.now();
    const history = await stack.client.workflow.getHandle(workflowId(seq)).fetchHistory();
    samples.push(phasesOf(history.events ?? [], t0, t1));
  }
  const out = {} as Record<Phase, number>;
  for (const p of PHASES) out[p] = round(median(samples.map((s) => s[p])), 2);
  return out;
}
