import { Command, CommanderError } from 'commander';
import { registerDevServer } from './commands/dev-server';
import { CliError, EXIT } from './exit-codes';

export function buildProgram(): Command {
  const program = new Command()
    .name('llm-router')
    .description('Durable LLM routing on Temporal')
    .showHelpAfterError('(run llm-router --help for usage)')
    .exitOverride();
  registerDevServer(program);
  return program;
}

/** Runs the CLI; every failure ends in one clear line on stderr and a documented exit code. */
export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message; help and version are not failures.
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (err instanceof CliError) {
      process.stderr.write(`llm-router: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`llm-router: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.FAILURE;
  }
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
