import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { ROUTER_SEARCH_ATTRIBUTES, searchAttributeCliArgs } from '../temporal/search-attributes';
import { spawnService, type ChildService } from './child-service';
import { locateTemporalCli, TemporalCliNotFoundError, type TemporalCliSource } from './temporal-cli';

export const DEFAULT_DEV_SERVER_IP = '127.0.0.1';
export const DEFAULT_GRPC_PORT = 7233;
export const DEFAULT_UI_PORT = 8233;
export const DEFAULT_READY_TIMEOUT_MS = 60_000;
const MAX_START_ATTEMPTS = 3;

export interface StartDevServerOptions {
  /** SQLite file that holds the server's state across restarts. */
  dbFilename: string;
  /** Binary to run; found through `locateTemporalCli` when omitted. */
  cliPath?: string;
  ip?: string;
  /** gRPC port. Default: 7233 if free, else any free port. */
  port?: number;
  /** Web UI port. Default: 8233 if free, else any free port. */
  uiPort?: number;
  /** Disable the Web UI. */
  headless?: boolean;
  namespace?: string;
  /** Server log level (the dev server's own default is noisy). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Fall back to the SDK's download of the dev server when no CLI can be found or built (default true). */
  allowSdkDownload?: boolean;
  log?: (line: string) => void;
}

export interface DevServerHandle {
  /** gRPC address for clients and workers, e.g. `127.0.0.1:7233`. */
  address: string;
  /** Web UI base URL, or undefined when headless. */
  uiUrl?: string;
  namespace: string;
  dbFilename: string;
  cliPath?: string;
  source: TemporalCliSource | 'sdk-download';
  pid?: number;
  /** Graceful stop (SIGTERM, then SIGKILL after a grace period). Safe to call twice. */
  stop(): Promise<void>;
}

/** Asks the kernel for a free port on `ip`. */
export function freePort(ip = DEFAULT_DEV_SERVER_IP): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, ip, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

function portIsFree(port: number, ip: string): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveFree(false));
    server.listen(port, ip, () => server.close(() => resolveFree(true)));
  });
}

async function choosePort(requested: number | undefined, preferred: number, ip: string, taken: Set<number>): Promise<number> {
  if (requested !== undefined) return requested;
  if (!taken.has(preferred) && (await portIsFree(preferred, ip))) return preferred;
  for (;;) {
    const port = await freePort(ip);
    if (!taken.has(port)) return port;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitUntilReady(address: string, namespace: string, service: ChildService, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (service.hasExited()) {
      throw new Error(`the Temporal dev server exited (${service.child.exitCode ?? service.child.signalCode}) before it was ready:\n${service.output()}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = ROUTER_SEARCH_ATTRIBUTES.filter((k) => !(k.name in (customAttributes ?? {})));
        if (missing.length === 0) return;
        lastError = new Error(`search attributes not registered yet: ${missing.map((k) => k.name).join(', ')}`);
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
    }
    await delay(200);
  }
  throw new Error(`the Temporal dev server at ${address} was not ready within ${timeoutMs} ms: ${String(lastError)}\n${service.output()}`);
}

/**
 * Starts `temporal server start-dev` on a SQLite file (state survives
 * restarts), with the Web UI and the project's search attributes registered,
 * on ports that do not collide with other processes.
 */
export async function startDevServer(options: StartDevServerOptions): Promise<DevServerHandle> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const ip = options.ip ?? DEFAULT_DEV_SERVER_IP;
  const namespace = options.namespace ?? 'default';
  const dbFilename = resolve(options.dbFilename);
  mkdirSync(dirname(dbFilename), { recursive: true });

  let cliPath = options.cliPath;
  let source: DevServerHandle['source'] = 'TEMPORAL_CLI_PATH';
  if (!cliPath) {
    try {
      const located = await locateTemporalCli({ env, log });
      cliPath = located.path;
      source = located.source;
    } catch (err) {
      if (!(err instanceof TemporalCliNotFoundError) || options.allowSdkDownload === false) throw err;
      return startWithSdkDownload(options, dbFilename, ip, namespace, err, log);
    }
  }

  // Ports are probed free and then handed to the server, so another process
  // can take one in between (the server also picks free ports of its own for
  // internal services). A bind failure is retried on fresh ports.
  for (let attempt = 1; ; attempt++) {
    const port = await choosePort(options.port, DEFAULT_GRPC_PORT, ip, new Set());
    const uiPort = options.headless ? undefined : await choosePort(options.uiPort, DEFAULT_UI_PORT, ip, new Set([port]));
    try {
      return await spawnDevServer({ ...options, dbFilename, ip, namespace, port, uiPort, cliPath, source, env });
    } catch (err) {
      const portsFixed = options.port !== undefined && (options.headless || options.uiPort !== undefined);
      if (attempt >= MAX_START_ATTEMPTS || portsFixed || !/address already in use|bind:/i.test(String(err))) throw err;
      log(`Temporal dev server could not bind its ports (attempt ${attempt}); retrying on other ports`);
    }
  }
}

interface SpawnOptions {
  dbFilename: string;
  ip: string;
  namespace: string;
  port: number;
  uiPort: number | undefined;
  cliPath: string;
  source: DevServerHandle['source'];
  env: NodeJS.ProcessEnv;
  logLevel?: StartDevServerOptions['logLevel'];
  readyTimeoutMs?: number;
}

async function spawnDevServer(o: SpawnOptions): Promise<DevServerHandle> {
  const args = [
    'server', 'start-dev',
    '--db-filename', o.dbFilename,
    '--ip', o.ip,
    '--port', String(o.port),
    '--namespace', o.namespace,
    '--log-level', o.logLevel ?? 'warn',
    ...searchAttributeCliArgs(),
    ...(o.uiPort === undefined ? ['--headless'] : ['--ui-port', String(o.uiPort), '--ui-ip', o.ip]),
  ];
  const service = spawnService(o.cliPath, args, { env: o.env });
  const { child, stop } = service;
  const address = `${o.ip}:${o.port}`;

  try {
    await waitUntilReady(address, o.namespace, service, o.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    address,
    uiUrl: o.uiPort === undefined ? undefined : `http://${o.ip}:${o.uiPort}`,
    namespace: o.namespace,
    dbFilename: o.dbFilename,
    cliPath: o.cliPath,
    source: o.source,
    pid: child.pid,
    stop,
  };
}

/**
 * Last resort for internet-connected machines: the SDK downloads a dev server
 * build. `@temporalio/testing` is an optional peer dependency, loaded only on
 * this path; without it the lookup's own error says what to install.
 */
async function startWithSdkDownload(
  options: StartDevServerOptions,
  dbFilename: string,
  ip: string,
  namespace: string,
  notFound: TemporalCliNotFoundError,
  log: (line: string) => void,
): Promise<DevServerHandle> {
  log('No Temporal CLI found or buildable; trying the SDK download of the dev server as a last resort...');
  let testing: typeof import('@temporalio/testing');
  try {
    testing = await import('@temporalio/testing');
  } catch {
    throw new TemporalCliNotFoundError([...notFound.attempts, 'SDK download: @temporalio/testing is not installed (npm install --save-dev @temporalio/testing to allow it)']);
  }
  const { TestWorkflowEnvironment } = testing;
  const port = await choosePort(options.port, DEFAULT_GRPC_PORT, ip, new Set());
  const uiPort = options.headless ? undefined : await choosePort(options.uiPort, DEFAULT_UI_PORT, ip, new Set([port]));
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download' },
        dbFilename,
        ip,
        port,
        namespace,
        ui: uiPort !== undefined,
        uiPort,
        searchAttributes: [...ROUTER_SEARCH_ATTRIBUTES],
      },
    });
    return {
      address: `${ip}:${port}`,
      uiUrl: uiPort === undefined ? undefined : `http://${ip}:${uiPort}`,
      namespace,
      dbFilename,
      source: 'sdk-download',
      stop: () => env.teardown(),
    };
  } catch (err) {
    throw new TemporalCliNotFoundError([...notFound.attempts, `SDK download: ${(err as Error).message}`]);
  }
}
