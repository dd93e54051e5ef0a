import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface ChildWorker {
  process: ChildProcess;
  /** SIGKILL: no graceful shutdown, no chance to report the activity's fate. */
  kill(): Promise<void>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
}

const WORKER_SCRIPT = join(__dirname, 'worker-process.ts');
const READY_TIMEOUT_MS = 60_000;

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a router worker process (through tsx) and resolves once it polls its task queue. */
export async function startChildWorker(taskQueue: string, env: Record<string, string>): Promise<ChildWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
    env: { ...process.env, ...env, TLR_WORKER_TASK_QUEUE: taskQueue },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready within ${READY_TIMEOUT_MS} ms:\n${output}`)), READY_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker-ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  const closePipes = () => {
    child.stdout?.destroy();
    child.stderr?.destroy();
  };
  return {
    process: child,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
      closePipes();
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
      closePipes();
    },
  };
}
