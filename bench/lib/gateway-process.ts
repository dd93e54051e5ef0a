// Our gateway as an operator runs it: `llm-router serve` (the real CLI) in
// its own process, on loopback, over a LiteLLM-shaped config file.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const CLI = resolve(__dirname, '..', '..', 'bin', 'llm-router.js');
const READY_TIMEOUT_MS = 60_000;

export interface GatewayProcess {
  readonly baseURL: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startGatewayProcess(config: object, dir: string, name: string, extraArgs: string[] = []): Promise<GatewayProcess> {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config, null, 1));
  const child = spawn(process.execPath, [CLI, 'serve', '--config', file, '--port', '0', '--json', '--log-level', 'warn', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  process.once('exit', () => child.kill('SIGKILL'));
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`llm-router serve (${name}) printed no URL in ${READY_TIMEOUT_MS} ms\n${err}`)), READY_TIMEOUT_MS);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`llm-router serve (${name}) exited with ${code}\n${err}`));
    });
  });
  return {
    baseURL: url,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
