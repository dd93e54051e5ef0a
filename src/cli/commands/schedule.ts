import { Option, type Command } from 'commander';
import type { ScheduleCreateFlags, ScheduleReadFlags } from '../actions/schedule';
import { withConnectionOptions } from '../connection-options';
import { collect, parseDocumentFormat, parsePositiveInt } from '../parse';

// Loaded on first use; see commands/batch.ts.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const actions = (): typeof import('../actions/schedule') => require('../actions/schedule') as typeof import('../actions/schedule');

const OVERLAP_POLICIES = ['skip', 'buffer-one', 'buffer-all', 'cancel-other', 'terminate-other', 'allow-all'];

export function registerSchedule(program: Command): void {
  const schedule = program.command('schedule').description('Recurring batch summarisation on Temporal Schedules');

  withConnectionOptions(
    schedule
      .command('create <id> <documents>')
      .description('Run batchSummarize over <documents> on a cron expression or an interval')
      .requiredOption('--model <group>', 'model group that summarises')
      .requiredOption('--out <file>', 'output JSONL, a path or s3://bucket/key (each run rewrites it)')
      .option('--format <format>', 'read every document as text, markdown, html or pdf (default: by extension)', parseDocumentFormat)
      .option('--config <file>', 'router config (env LLM_ROUTER_CONFIG, default ./router.yaml)')
      .option('--cron <expression>', 'cron expression, e.g. "0 2 * * *" (repeatable)', collect)
      .option('--every <interval>', 'fixed interval, e.g. 5s, 15m, 1h, 1d')
      .option('--offset <duration>', 'phase of the interval, e.g. 2h with --every 1d')
      .option('--timezone <zone>', 'IANA zone for cron, e.g. Europe/Paris (default UTC)')
      .option('--jitter <duration>', 'random delay up to this per run')
      .addOption(new Option('--overlap <policy>', 'when a run is due while the last one runs (default skip)').choices(OVERLAP_POLICIES))
      .option('--catchup-window <duration>', 'after an outage, run what was missed by at most this long (default 10m)')
      .option('--pause-on-failure', 'pause the schedule when a run fails')
      .option('--paused', 'create it paused')
      .option('--note <text>', 'note shown with the schedule')
      .option('--concurrency <n>', 'documents in flight at once per run', parsePositiveInt('--concurrency'))
      .option('--task-queue <name>', 'task queue of the worker')
      .option('--router <name>', 'shared health: router whose routerHealth entity every run shares (env LLM_ROUTER_NAME; off when unset)')
      .option('--json', 'print the created schedule as JSON'),
  ).action(async (id: string, documents: string, flags: ScheduleCreateFlags) => actions().scheduleCreate(id, documents, flags));

  withConnectionOptions(
    schedule.command('list').description('Every schedule with its spec, policies and next runs').option('--prefix <text>', 'only ids starting with this').option('--json', 'print as JSON'),
  ).action(async (flags: ScheduleReadFlags) => actions().scheduleList(flags));

  withConnectionOptions(
    schedule.command('describe <id>').description('Spec, policies, runs so far, running and next runs').option('--json', 'print as JSON'),
  ).action(async (id: string, flags: ScheduleReadFlags) => actions().scheduleDescribe(id, flags));

  for (const [name, description] of [
    ['pause', 'Stop starting runs until unpaused'],
    ['unpause', 'Start runs again'],
    ['trigger', 'Start one run now'],
    ['delete', 'Delete the schedule (running batches keep running)'],
  ] as const) {
    withConnectionOptions(
      schedule.command(`${name} <id>`).description(description).option('--note <text>', 'reason, kept with the schedule').option('--json', 'print as JSON'),
    ).action(async (id: string, flags: ScheduleReadFlags) => actions().scheduleOperate(name, id, flags));
  }
}
