import type { Command } from 'commander';
import { parsePort } from '../parse';
import { untilInterrupted } from '../until-interrupted';

export const DEFAULT_DEV_DB = '.temporal/temporal.db';

interface DevServerFlags {
  dbFilename: string;
  ip: string;
  port?: number;
  uiPort?: number;
  headless?: boolean;
  namespace: string;
  json?: boolean;
  installOnly?: boolean;
}

export function registerDevServer(program: Command): void {
  program
    .command('dev-server')
    .description('Run a Temporal dev server (SQLite state, Web UI, this project\'s search attributes) until interrupted')
    .option('--db-filename <path>', 'SQLite file that keeps the server state across restarts', DEFAULT_DEV_DB)
    .option('--ip <address>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'gRPC port (default 7233 if free, else a free port)', parsePort)
    .option('--ui-port <port>', 'Web UI port (default 8233 if free, else a free port)', parsePort)
    .option('--headless', 'run without the Web UI')
    .option('--namespace <name>', 'namespace to create', 'default')
    .option('--json', 'print the addresses as one JSON line')
    .option('--install-only', 'find or build the Temporal CLI, print its path, and exit (CI uses this to warm the cache)')
    .action(async (flags: DevServerFlags) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use, see commands/batch.ts
      const { locateTemporalCli, startDevServer } = require('../../dev-server') as typeof import('../../dev-server');
      if (flags.installOnly) {
        const started = Date.now();
        const cli = await locateTemporalCli();
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        process.stdout.write(flags.json ? `${JSON.stringify({ ...cli, seconds: Number(seconds) })}\n` : `Temporal CLI: ${cli.path} (${cli.source}, ${seconds} s)\n`);
        return;
      }
      const server = await startDevServer({
        dbFilename: flags.dbFilename,
        ip: flags.ip,
        port: flags.port,
        uiPort: flags.uiPort,
        headless: flags.headless,
        namespace: flags.namespace,
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ address: server.address, uiUrl: server.uiUrl ?? null, namespace: server.namespace, dbFilename: server.dbFilename, cli: server.cliPath ?? null, source: server.source })}\n`);
      } else {
        process.stdout.write(
          [
            'Temporal dev server is running',
            `  gRPC address: ${server.address}`,
            `  Web UI:       ${server.uiUrl ?? '(headless)'}`,
            `  namespace:    ${server.namespace}`,
            `  state:        ${server.dbFilename}`,
            `  binary:       ${server.cliPath ?? 'SDK download'} (${server.source})`,
            'Press Ctrl-C to stop.',
            '',
          ].join('\n'),
        );
      }
      await untilInterrupted(() => server.stop());
    });
}
