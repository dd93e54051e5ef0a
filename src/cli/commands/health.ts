import type { Command } from 'commander';
import type { HealthFlags } from '../actions/health';
import { withConnectionOptions } from '../connection-options';

// Loaded on first use; see commands/batch.ts.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const actions = (): typeof import('../actions/health') => require('../actions/health') as typeof import('../actions/health');

const ROUTER_OPTION = ['--router <name>', 'router whose shared health to use (env LLM_ROUTER_NAME, default "default")'] as const;

export function registerHealth(program: Command): void {
  const health = withConnectionOptions(
    program
      .command('health')
      .description('Shared router health: cooldowns, latency and usage per deployment; cool down or restore by hand')
      .option(...ROUTER_OPTION)
      .option('--json', 'print the report as JSON'),
  ).action(async (flags: HealthFlags) => actions().healthShow(flags));

  withConnectionOptions(
    health
      .command('cooldown <deployment>')
      .description('Take a deployment out of rotation now, for every job of the router')
      .requiredOption('--for <duration>', 'how long, e.g. 90s, 10m, 1h')
      .option(...ROUTER_OPTION)
      .option('--note <text>', 'why, kept in the health history')
      .option('--json', 'print as JSON'),
  ).action(async (deployment: string, flags: HealthFlags) => actions().healthCooldown(deployment, flags));

  withConnectionOptions(
    health
      .command('restore <deployment>')
      .description('Put a cooled-down deployment back into rotation now')
      .option(...ROUTER_OPTION)
      .option('--note <text>', 'why, kept in the health history')
      .option('--json', 'print as JSON'),
  ).action(async (deployment: string, flags: HealthFlags) => actions().healthRestore(deployment, flags));
}
