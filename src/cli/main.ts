import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerBatch } from './commands/batch';
import { registerCodecServer } from './commands/codec-server';
import { registerComplete } from './commands/complete';
import { registerConfig } from './commands/config';
import { registerDevServer } from './commands/dev-server';
import { registerHealth } from './commands/health';
import { registerSchedule } from './commands/schedule';
import { registerServe } from './commands/serve';
import { registerWorker } from './commands/worker';
import { isConfigError } from '../config/issues';
import { configErrorMessage } from './config-file';
import { CliError, EXIT } from './exit-codes';

/** The package's version: from the sources in a clone (src/cli), from the compiled CLI in an installed package (dist/src/cli). */
export function packageVersion(): string {
  for (const up of [['..', '..'], ['..', '..', '..']]) {
    const file = join(__dirname, ...up, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'temporal-llm-router' && typeof pkg.version === 'string') return pkg.version;
  }
  return 'unknown';
}

/** commander's "error: unknown option '--x'" as the CLI's one line. */
function usageLine(message: string): string {
  return `llm-router: ${message.replace(/^error:\s*/, '').replace(/\s*\n\s*/g, ' ').trim()} (llm-router --help for usage)\n`;
}

export function buildProgram(): Command {
  const program = new Command()
    .name('llm-router')
    .description('Durable LLM routing on Temporal')
    .version(`llm-router ${packageVersion()}`, '-V, --version', 'print the version')
    // Flag errors (unknown option, missing argument, bad value) are one line; subcommands inherit this.
    .configureOutput({ outputError: (message, write) => write(usageLine(message)) })
    .exitOverride();
  registerDevServer(program);
  registerWorker(program);
  registerComplete(program);
  registerBatch(program);
  registerSchedule(program);
  registerHealth(program);
  registerCodecServer(program);
  registerServe(program);
  registerConfig(program);
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
    // A config refused after loading (a literal key on a durable path, say) is bad input like any other config error.
    if (isConfigError(err)) {
      process.stderr.write(`llm-router: ${configErrorMessage(err, err.source ?? 'config')}\n`);
      return EXIT.USAGE;
    }
    process.stderr.write(`llm-router: ${oneLine(err)}\n`);
    return EXIT.FAILURE;
  }
}

/**
 * One line for any failure. When routing gave up, the attempts' own messages
 * say why (a missing key variable, a 503), so the distinct ones are appended.
 */
export function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const causes = (err as { errors?: unknown } | null)?.errors;
  const distinct = Array.isArray(causes)
    ? [...new Set(causes.map((c: unknown) => (c instanceof Error ? `${c.name}: ${c.message}` : String(c))))]
    : [];
  return (distinct.length ? `${message}; errors: ${distinct.join(' | ')}` : message).replace(/\s*\n\s*/g, ' ');
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
