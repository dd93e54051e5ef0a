// The Portkey AI gateway (@portkey-ai/gateway from npm) run locally as its own
// Node process, forced onto loopback, with configs sent per request in the
// `x-portkey-config` header and `custom_host` pointed at our fake provider.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from '../../src/dev-server';

export const PORTKEY_PACKAGE = '@portkey-ai/gateway';
const READY_TIMEOUT_MS = 30_000;

export interface PortkeyGateway {
  /** Base URL for the openai SDK, ending in /v1. */
  readonly baseURL: string;
  readonly pid: number;
  readonly version: string;
  stop(): Promise<void>;
}

export interface PortkeyTarget {
  provider: 'openai';
  api_key: string;
  custom_host: string;
  weight?: number;
  retry?: { attempts: number; on_status_codes?: number[] };
  override_params?: { model: string };
}

export type PortkeyConfig =
  | PortkeyTarget
  | { strategy: { mode: 'fallback' | 'loadbalance'; on_status_codes?: number[] }; retry?: { attempts: number; on_status_codes?: number[] }; targets: Array<PortkeyTarget | PortkeyConfig> };

/** Headers the openai SDK sends so the gateway applies `config` to every request. */
export function portkeyHeaders(config: PortkeyConfig): Record<string, string> {
  return { 'x-portkey-config': JSON.stringify(config) };
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Portkey gateway exited with ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Portkey gateway not ready at ${url} after ${READY_TIMEOUT_MS} ms`);
}

export async function startPortkey(): Promise<PortkeyGateway> {
  const pkgJson = require.resolve(`${PORTKEY_PACKAGE}/package.json`);
  const pkgDir = resolve(pkgJson, '..');
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--require', resolve(__dirname, 'loopback-only.js'), resolve(pkgDir, 'build/start-server.js'), `--port=${port}`, '--headless'],
    // Its banner and per-request console output would only cost it time writing to a terminal.
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  process.once('exit', () => child.kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${stderr}`, { cause: err });
  }
  return {
    baseURL: `${url}/v1`,
    pid: child.pid ?? -1,
    version,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
