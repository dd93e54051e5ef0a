import type { Command } from 'commander';
import type { CompleteFlags } from '../actions/complete';
import { withConnectionOptions } from '../connection-options';
import { parsePositiveInt, parseTimeLimit } from '../parse';


// Loaded on first use so `--help` and argument errors answer without loading
// Temporal or the SDKs. A require, not import(): tsx's CommonJS hook (how the
// CLI runs from a clone) does not see dynamic import().
// eslint-disable-next-line @typescript-eslint/no-require-imports
const actions = (): typeof import('../actions/complete') => require('../actions/complete') as typeof import('../actions/complete');

export function registerComplete(program: Command): void {
  withConnectionOptions(
    program
      .command('complete <prompt>')
      .description('One chat completion from a model group: durable (a routedCompletion workflow) by default, or --direct in this process')
      .requiredOption('--model <group>', 'model group (model_name in the config)')
      .option('--config <file>', 'router config (env LLM_ROUTER_CONFIG, default ./router.yaml)')
      .option('--direct', 'route in this process with the in-process Router, without Temporal')
      .option('--system <text>', 'system prompt')
      .option('--max-tokens <n>', 'maximum tokens to generate', parsePositiveInt('--max-tokens'))
      .option('--task-queue <name>', 'task queue of the worker (durable only)')
      .option('--id <workflow-id>', 'workflow id of the request (durable only; default completion-<uuid>)')
      .option('--timeout <duration>', 'give up after this long, e.g. 30s or 2m (a bare number is seconds); the workflow is cancelled, exit 124 (durable only)', parseTimeLimit('--timeout'))
      .option('--router <name>', 'shared health: router whose routerHealth entity this request shares (durable only; env LLM_ROUTER_NAME; off when unset)')
      .option('--durability <mode>', 'durable only: latency (hops as local activities) or standard (hops as activities); default: the group\'s durable_settings.group_durability, else latency')
      .option('--json', 'print the whole response with its routing metadata as JSON'),
  ).action(async (prompt: string, flags: CompleteFlags) => actions().complete(prompt, flags));
}
