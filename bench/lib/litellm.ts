// LiteLLM (Python, pinned in bench/python/requirements.txt) for the
// benchmarks: its proxy as its own process on loopback, and its in-process
// Router measured by bench/python/inprocess.py. The venv is built once per
// machine and cached outside the clone (test/support/python-venv.ts).
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/dev-server';
import { ensurePythonVenv, type PythonVenv } from '../../test/support/python-venv';

const run = promisify(execFile);
export const PYTHON_DIR = resolve(__dirname, '..', 'python');
const READY_TIMEOUT_MS = 90_000;

/** No network here: LiteLLM must use its bundled price map and send no telemetry. */
export const LITELLM_ENV: NodeJS.ProcessEnv = { LITELLM_LOCAL_MODEL_COST_MAP: 'True', LITELLM_TELEMETRY: 'False' };

let venv: Promise<PythonVenv> | undefined;
export function litellmVenv(log: (line: string) => void): Promise<PythonVenv> {
  venv ??= ensurePythonVenv('bench-litellm', join(PYTHON_DIR, 'requirements.txt'), log);
  return venv;
}

export interface LitellmProxy {
  readonly baseURL: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** `litellm --config` on 127.0.0.1 with one uvicorn worker, its default. */
export async function startLitellmProxy(config: object, dir: string, log: (line: string) => void, name = 'litellm'): Promise<LitellmProxy> {
  const { dir: venvDir } = await litellmVenv(log);
  const port = await freePort();
  // LiteLLM reads YAML; JSON is YAML.
  const file = join(dir, `${name}-${port}.yaml`);
  writeFileSync(file, JSON.stringify(config, null, 1));
  const child = spawn(join(venvDir, 'bin', 'litellm'), ['--config', file, '--port', String(port), '--host', '127.0.0.1', '--num_workers', '1'], {
    // Its per-request access log would only cost it time writing to a terminal, as for the other gateways.
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...LITELLM_ENV },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  process.once('exit', () => child.kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`LiteLLM proxy exited with ${child.exitCode} before it was ready\n${stderr}`);
    try {
      if ((await fetch(`${url}/health/liveliness`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`LiteLLM proxy not ready at ${url} after ${READY_TIMEOUT_MS} ms\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseURL: url,
    pid: child.pid ?? -1,
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

export interface PythonRound {
  sequential: { p50: number | null; p99: number | null; ok: number; errors: number };
  concurrent: { p50: number | null; p99: number | null; ok: number; errors: number; throughput: number };
  rate: { p50: number | null; p99: number | null; ok: number; errors: number; throughput: number };
}

export interface InProcessPythonResult {
  litellm_version: string;
  openai_version: string;
  rounds: Record<'python-direct' | 'litellm-router', PythonRound[]>;
}

/** LiteLLM's Router against the Python openai client, in one Python process (see inprocess.py). */
export async function runPythonInProcess(settings: object, log: (line: string) => void, timeoutMs: number): Promise<InProcessPythonResult> {
  const { python } = await litellmVenv(log);
  const { stdout } = await run(python, [join(PYTHON_DIR, 'inprocess.py'), JSON.stringify(settings)], {
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, ...LITELLM_ENV },
  });
  const line = stdout.trim().split('\n').pop() ?? '{}';
  return JSON.parse(line) as InProcessPythonResult;
}
