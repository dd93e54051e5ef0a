import type { Command } from 'commander';
import type { WorkerFlags } from '../actions/worker';
import { withConnectionOptions } from '../connection-options';
import { parsePositiveInt } from '../parse';

/** Same default as the client helpers; a literal here so `--help` loads no Temporal code. */

// Loaded on first use so `--help` and argument errors answer without loading
// Temporal or the SDKs. A require, not import(): tsx's CommonJS hook (how the
// CLI runs from a clone) does not see dynamic import().
// eslint-disable-next-line @typescript-eslint/no-require-imports
const actions = (): typeof import('../actions/worker') => require('../actions/worker') as typeof import('../actions/worker');

export const DEFAULT_TASK_QUEUE = 'llm-router';

export function registerWorker(program: Command): void {
  withConnectionOptions(
    program
      .command('worker')
      .description('Run a worker: the routing workflows, batch workflows and provider-call activities, until interrupted')
      .option('--config <file>', 'router config to validate at start (env LLM_ROUTER_CONFIG, default ./router.yaml)')
      .option('--task-queue <name>', 'task queue to poll', DEFAULT_TASK_QUEUE)
      .option('--max-activities <n>', 'provider calls and document activities in flight at once', parsePositiveInt('--max-activities'))
      .option('--log-level <level>', 'TRACE, DEBUG, INFO, WARN or ERROR', 'WARN')
      .option('--workflow-bundle <file>', 'a prebuilt workflow bundle (bundleWorkflowCode) instead of bundling at start')
      .option('--router <name>', 'shared health: start (or hand this config to) the routerHealth entity of this router at start (env LLM_ROUTER_NAME; off when unset)'),
  ).action(async (flags: WorkerFlags) => actions().runWorker(flags));
}
