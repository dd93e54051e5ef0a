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
  s3?: boolean;
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
    .option('--s3', 'also run a SeaweedFS S3 server on loopback (temporary data) and print the AWS_* variables that reach it')
    .option('--install-only', 'find or build the Temporal CLI (with --s3 also SeaweedFS), print the paths, and exit (CI uses this to warm the cache)')
    .action(async (flags: DevServerFlags) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use, see commands/batch.ts
      const { locateSeaweedFs, locateTemporalCli, startDevServer, startS3Server } = require('../../dev-server') as typeof import('../../dev-server');
      if (flags.installOnly) {
        const timed = async <T>(find: () => Promise<T>) => {
          const started = Date.now();
          const found = await find();
          return { ...found, seconds: Number(((Date.now() - started) / 1000).toFixed(1)) };
        };
        const cli = await timed(() => locateTemporalCli());
        const weed = flags.s3 ? await timed(() => locateSeaweedFs()) : undefined;
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(weed === undefined ? cli : { ...cli, seaweedfs: weed })}\n`);
        } else {
          process.stdout.write(`Temporal CLI: ${cli.path} (${cli.source}, ${cli.seconds} s)\n`);
          if (weed !== undefined) process.stdout.write(`SeaweedFS: ${weed.path} (${weed.source}, ${weed.seconds} s)\n`);
        }
        return;
      }
      const s3 = flags.s3 ? await startS3Server({ ip: flags.ip }) : undefined;
      let server;
      try {
        server = await startDevServer({
          dbFilename: flags.dbFilename,
          ip: flags.ip,
          port: flags.port,
          uiPort: flags.uiPort,
          headless: flags.headless,
          namespace: flags.namespace,
        });
      } catch (err) {
        await s3?.stop();
        throw err;
      }
      const s3Json = s3 === undefined ? {} : { s3: { endpoint: s3.endpoint, env: s3.env, weed: s3.weedPath, source: s3.source } };
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ address: server.address, uiUrl: server.uiUrl ?? null, namespace: server.namespace, dbFilename: server.dbFilename, cli: server.cliPath ?? null, source: server.source, ...s3Json })}\n`);
      } else {
        process.stdout.write(
          [
            'Temporal dev server is running',
            `  gRPC address: ${server.address}`,
            `  Web UI:       ${server.uiUrl ?? '(headless)'}`,
            `  namespace:    ${server.namespace}`,
            `  state:        ${server.dbFilename}`,
            `  binary:       ${server.cliPath ?? 'SDK download'} (${server.source})`,
            ...(s3 === undefined ? [] : [
              `S3 server (SeaweedFS, data removed on stop) at ${s3.endpoint}; for workers and clients:`,
              ...Object.entries(s3.env).map(([name, value]) => `  export ${name}=${value}`),
            ]),
            'Press Ctrl-C to stop.',
            '',
          ].join('\n'),
        );
      }
      const running = server;
      await untilInterrupted(async () => {
        await Promise.all([running.stop(), s3?.stop()]);
      });
    });
}
