import type { Command } from 'commander';
import type { ValidateFlags } from '../actions/config';


// Loaded on first use so `--help` and argument errors answer without loading
// Temporal or the SDKs. A require, not import(): tsx's CommonJS hook (how the
// CLI runs from a clone) does not see dynamic import().
// eslint-disable-next-line @typescript-eslint/no-require-imports
const actions = (): typeof import('../actions/config') => require('../actions/config') as typeof import('../actions/config');

export function registerConfig(program: Command): void {
  const config = program.command('config').description('Work with router config files (LiteLLM model_list / router_settings)');
  config
    .command('validate <file>')
    .description('Check a config file; every problem is reported with its path (and line), exit 2 when invalid')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, flags: ValidateFlags) => actions().validateConfig(file, flags));
}
