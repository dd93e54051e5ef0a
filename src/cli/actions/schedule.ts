import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import {
  ScheduleSpecError,
  buildScheduleSpec,
  createBatchSchedule,
  deleteSchedule,
  describeSchedule,
  listSchedules,
  pauseSchedule,
  triggerSchedule,
  unpauseSchedule,
  type OverlapPolicyName,
  type RouterScheduleSpec,
  type ScheduleView,
} from '../../temporal/schedules';
import { outputLocationProblem } from '../../../activities/documents';
import { toDurableConfig } from '../../temporal/durable-config';
import { DEFAULT_TASK_QUEUE } from '../../temporal/worker';
import type { BatchSummarizeInput, DocumentFormat } from '../../../workflows/batch-types';
import { configPath, loadDurableCliConfig } from '../config-file';
import { connectClient } from '../connection';
import type { ConnectionFlags } from '../connection-options';
import { documentSource, outputLocation } from '../documents';
import { CliError, EXIT } from '../exit-codes';
import { writeJson } from '../output';
import { sharedHealthRouterName } from '../shared-health';

export interface ScheduleCreateFlags extends ConnectionFlags {
  model: string;
  out: string;
  format?: DocumentFormat;
  config?: string;
  cron?: string[];
  every?: string;
  offset?: string;
  timezone?: string;
  jitter?: string;
  overlap?: OverlapPolicyName;
  catchupWindow?: string;
  pauseOnFailure?: boolean;
  paused?: boolean;
  note?: string;
  concurrency?: number;
  taskQueue?: string;
  router?: string;
  json?: boolean;
}

export interface ScheduleReadFlags extends ConnectionFlags {
  json?: boolean;
  prefix?: string;
  note?: string;
}

async function withClient<T>(flags: ConnectionFlags, run: (client: Client) => Promise<T>): Promise<T> {
  const { client, close } = await connectClient(flags);
  try {
    return await run(client);
  } catch (err) {
    if (err instanceof ScheduleNotFoundError || (err as { name?: string }).name === 'ScheduleNotFoundError') {
      throw new CliError(`no schedule with that id in namespace "${client.options.namespace}"`, EXIT.NOT_FOUND);
    }
    throw err;
  } finally {
    await close();
  }
}

function formatView(v: ScheduleView): string {
  const when = v.spec?.cron ? `cron ${[v.spec.cron].flat().join(', ')}` : v.spec?.every !== undefined ? `every ${String(v.spec.every)}` : `${v.intervalsMs.length} interval(s), ${v.calendars} calendar(s)`;
  return [
    `schedule ${v.scheduleId}: ${v.paused ? 'PAUSED' : 'active'}, ${when}${v.timezone ? ` (${v.timezone})` : ''}, runs ${v.workflowType ?? '?'}`,
    `  overlap ${v.overlap}, catch-up window ${Math.round(v.catchupWindowMs / 1000)} s, pause on failure ${v.pauseOnFailure ? 'yes' : 'no'}${v.note ? `, note: ${v.note}` : ''}`,
    `  runs so far ${v.actionsTaken} (skipped for overlap ${v.skippedForOverlap}, missed catch-up ${v.missedCatchupWindow}); running: ${v.running.join(', ') || 'none'}`,
    `  next: ${v.nextRuns.slice(0, 3).join(', ') || '-'}`,
    ...v.recentRuns.slice(-5).map((r) => `  run ${r.workflowId} (${r.scheduledAt}): ${(r.outcome ?? r.status ?? 'unknown').replace(/-/g, ' ')}${r.documents ? `, ${r.documents.done} done, ${r.documents.failed} failed of ${r.documents.total ?? '?'}` : ''}`),
  ].join('\n');
}

/** The spec from flags, validated before anything is sent to the server. */
export function specFromFlags(flags: ScheduleCreateFlags): RouterScheduleSpec {
  if (!flags.cron?.length && flags.every === undefined) throw new CliError('give --cron <expression> or --every <interval> (e.g. --every 1h)', EXIT.USAGE);
  const spec: RouterScheduleSpec = {
    ...(flags.cron?.length ? { cron: flags.cron } : {}),
    ...(flags.every !== undefined ? { every: flags.every } : {}),
    ...(flags.offset !== undefined ? { offset: flags.offset } : {}),
    ...(flags.timezone !== undefined ? { timezone: flags.timezone } : {}),
    ...(flags.jitter !== undefined ? { jitter: flags.jitter } : {}),
    ...(flags.overlap !== undefined ? { overlap: flags.overlap } : {}),
    ...(flags.catchupWindow !== undefined ? { catchupWindow: flags.catchupWindow } : {}),
    ...(flags.pauseOnFailure ? { pauseOnFailure: true } : {}),
  };
  try {
    buildScheduleSpec(spec, 'schedule');
  } catch (err) {
    if (err instanceof ScheduleSpecError || (err as { name?: string }).name === 'ScheduleSpecError') {
      throw new CliError((err as Error).message.replace(/\s*\n\s*/g, '; '), EXIT.USAGE);
    }
    throw err;
  }
  return spec;
}

export async function scheduleCreate(id: string, documents: string, flags: ScheduleCreateFlags): Promise<void> {
  const schedule = specFromFlags(flags);
  const source = documentSource(documents, process.cwd(), flags.format);
  const file = configPath(flags.config);
  const config = loadDurableCliConfig(file);
  if (!(flags.model in config.routing.groups)) {
    throw new CliError(`--model "${flags.model}": no such model group in ${file} (groups: ${Object.keys(config.routing.groups).join(', ')})`, EXIT.USAGE);
  }
  const jsonlPath = outputLocation(flags.out, '--out');
  // Every run would fail on it: refuse the schedule now. (The source may fill up before the first run, so it may be empty.)
  const problem = await outputLocationProblem(jsonlPath);
  if (problem !== undefined) throw new CliError(`--out ${problem}`, EXIT.USAGE);
  const routerName = sharedHealthRouterName(flags.router);
  const input: BatchSummarizeInput = {
    config: toDurableConfig(config),
    group: flags.model,
    source,
    output: { jsonlPath },
    ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
    ...(routerName === undefined ? {} : { options: { sharedHealth: { routerName } } }),
  };
  await withClient(flags, async (client) => {
    await createBatchSchedule(client, {
      scheduleId: id,
      schedule,
      input,
      taskQueue: flags.taskQueue ?? DEFAULT_TASK_QUEUE,
      ...(flags.note ? { note: flags.note } : {}),
      ...(flags.paused ? { paused: true } : {}),
    });
    const view = await describeSchedule(client, id);
    if (flags.json) return writeJson(view);
    process.stdout.write(`created\n${formatView(view)}\n`);
  });
}

export async function scheduleList(flags: ScheduleReadFlags): Promise<void> {
  await withClient(flags, async (client) => {
    const views = await listSchedules(client, flags.prefix ? { prefix: flags.prefix } : {});
    if (flags.json) return writeJson(views);
    process.stdout.write(views.length ? `${views.map(formatView).join('\n')}\n` : 'no schedules\n');
  });
}

export async function scheduleDescribe(id: string, flags: ScheduleReadFlags): Promise<void> {
  await withClient(flags, async (client) => {
    const view = await describeSchedule(client, id);
    if (flags.json) return writeJson(view);
    process.stdout.write(`${formatView(view)}\n`);
  });
}

type Operation = 'pause' | 'unpause' | 'trigger' | 'delete';

export async function scheduleOperate(operation: Operation, id: string, flags: ScheduleReadFlags): Promise<void> {
  await withClient(flags, async (client) => {
    // Describe first so an unknown id is reported as such, whatever the operation.
    await describeSchedule(client, id);
    if (operation === 'pause') await pauseSchedule(client, id, flags.note);
    else if (operation === 'unpause') await unpauseSchedule(client, id, flags.note);
    else if (operation === 'trigger') await triggerSchedule(client, id);
    else await deleteSchedule(client, id);
    if (flags.json) return writeJson({ scheduleId: id, [operation === 'delete' ? 'deleted' : operation === 'trigger' ? 'triggered' : 'paused']: operation !== 'unpause' });
    process.stdout.write(`schedule ${id}: ${operation === 'trigger' ? 'triggered a run now' : `${operation}d`}\n`);
  });
}
