import { ScheduleOverlapPolicy, type ScheduleOptions, type ScheduleSpec } from '@temporalio/client';
import { cronProblem } from './cron';
import { parseDuration } from './duration';

export type OverlapPolicyName = 'skip' | 'buffer-one' | 'buffer-all' | 'cancel-other' | 'terminate-other' | 'allow-all';

/** When a schedule fires and what it does when runs pile up. Exactly one of `cron` and `every`. */
export interface RouterScheduleSpec {
  /** One or more cron expressions (5, 6 or 7 fields, or @daily etc.). */
  cron?: string | string[];
  /** Fixed interval: milliseconds or "5s", "15 minutes", "1h", "1d". */
  every?: number | string;
  /** Phase of the interval (e.g. every 1d, offset 2h: 02:00 UTC). */
  offset?: number | string;
  /** IANA zone for cron expressions, e.g. "Europe/Paris" (default UTC). */
  timezone?: string;
  /** Random delay up to this, so many schedules do not fire at the same instant. */
  jitter?: number | string;
  /** What to do when a run is due while the previous one still runs. Default `DEFAULT_SCHEDULE_OVERLAP`. */
  overlap?: OverlapPolicyName;
  /** After an outage, runs missed by at most this long are still taken. Default `DEFAULT_CATCHUP_WINDOW_MS`. */
  catchupWindow?: number | string;
  /** Pause the schedule when a run fails. Default false. */
  pauseOnFailure?: boolean;
}

/** A batch that is still running when the next is due is left alone; the due run is dropped, not queued. */
export const DEFAULT_SCHEDULE_OVERLAP: OverlapPolicyName = 'skip';
/**
 * Temporal's own default is a year, which after a long outage would replay a
 * backlog of runs. Ten minutes lets a short server restart still run a due
 * job, and drops anything older.
 */
export const DEFAULT_CATCHUP_WINDOW_MS = 10 * 60_000;
/** The server rejects a shorter catch-up window. */
export const MIN_CATCHUP_WINDOW_MS = 10_000;
export const MIN_INTERVAL_MS = 1_000;

const OVERLAP: Record<OverlapPolicyName, ScheduleOverlapPolicy> = {
  'skip': ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  'buffer-all': ScheduleOverlapPolicy.BUFFER_ALL,
  'cancel-other': ScheduleOverlapPolicy.CANCEL_OTHER,
  'terminate-other': ScheduleOverlapPolicy.TERMINATE_OTHER,
  'allow-all': ScheduleOverlapPolicy.ALLOW_ALL,
};

export class ScheduleSpecError extends Error {
  override readonly name = 'ScheduleSpecError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

export interface BuiltSchedule {
  spec: ScheduleSpec;
  policies: NonNullable<ScheduleOptions['policies']>;
}

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Validates a schedule spec and maps it onto Temporal's; every problem is reported with its path. */
export function buildScheduleSpec(input: RouterScheduleSpec, path = 'schedule'): BuiltSchedule {
  const problems: string[] = [];
  const duration = (key: keyof RouterScheduleSpec, min = 0): number | undefined => {
    const raw = input[key];
    if (raw === undefined) return undefined;
    const parsed = parseDuration(raw);
    if ('problem' in parsed) {
      problems.push(`${path}.${key}: ${parsed.problem}`);
      return undefined;
    }
    if (parsed.ms < min) problems.push(`${path}.${key}: ${parsed.ms} ms is below the minimum of ${min} ms`);
    return parsed.ms;
  };

  const crons = input.cron === undefined ? [] : Array.isArray(input.cron) ? input.cron : [input.cron];
  if (input.cron !== undefined && crons.length === 0) problems.push(`${path}.cron: empty list`);
  crons.forEach((c, i) => {
    const problem = typeof c === 'string' ? cronProblem(c) : `expected a string, got ${typeof c}`;
    if (problem !== null) problems.push(`${path}.cron${Array.isArray(input.cron) ? `[${i}]` : ''} "${String(c)}": ${problem}`);
  });
  const every = duration('every', MIN_INTERVAL_MS);
  const offset = duration('offset');
  const jitter = duration('jitter');
  const catchup = duration('catchupWindow', MIN_CATCHUP_WINDOW_MS) ?? DEFAULT_CATCHUP_WINDOW_MS;
  if (input.cron === undefined && input.every === undefined) problems.push(`${path}: set "cron" or "every"`);
  if (input.cron !== undefined && input.every !== undefined) problems.push(`${path}: set "cron" or "every", not both`);
  if (input.offset !== undefined && input.every === undefined) problems.push(`${path}.offset: only applies with "every"`);
  if (every !== undefined && offset !== undefined && offset >= every) problems.push(`${path}.offset: must be shorter than "every" (${every} ms)`);
  if (input.timezone !== undefined && !validZone(input.timezone)) problems.push(`${path}.timezone: "${input.timezone}" is not an IANA time zone`);
  const overlap = input.overlap ?? DEFAULT_SCHEDULE_OVERLAP;
  if (!(overlap in OVERLAP)) problems.push(`${path}.overlap: "${String(overlap)}" is not one of ${Object.keys(OVERLAP).join(', ')}`);
  if (problems.length > 0) throw new ScheduleSpecError(problems);

  const spec: ScheduleSpec = {
    ...(crons.length > 0 ? { cronExpressions: crons } : {}),
    ...(every !== undefined ? { intervals: [{ every, ...(offset !== undefined ? { offset } : {}) }] } : {}),
    ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
    ...(jitter !== undefined ? { jitter } : {}),
  };
  return { spec, policies: { overlap: OVERLAP[overlap], catchupWindow: catchup, pauseOnFailure: input.pauseOnFailure ?? false } };
}
