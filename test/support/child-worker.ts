import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ChildWorker {
  process: ChildProcess;
  /** SIGKILL: no graceful shutdown, no chance to report the activity's fate. */
  kill(): Promise<void>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
}

/** A worker process that has booted (imports, connection, workflow bundle) but does not poll yet. */
export interface ArmedChildWorker extends ChildWorker {
  /** Starts polling; resolves once it does. */
  go(): Promise<ChildWorker>;
}

const WORKER_SCRIPT = join(__dirname, 'worker-process.ts');
/** tsx's loader by absolute URL: a worker started in a folder of its own (no node_modules there) still finds it. */
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

export interface ChildWorkerOptions {
  /** The process's working directory, e.g. an empty folder of its own, as a separate machine would have. */
  cwd?: string;
}
const READY_TIMEOUT_MS = 60_000;

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function spawnWorker(taskQueue: string, env: Record<string, string>, armed: boolean, options: ChildWorkerOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', TSX_LOADER, WORKER_SCRIPT], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { ...process.env, ...env, TLR_WORKER_TASK_QUEUE: taskQueue, ...(armed ? { TLR_WORKER_WAIT_FOR_GO: '1' } : {}) },
    stdio: [armed ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
}

/** Resolves when the worker prints `marker` (output is collected from the start, so a marker already printed counts). */
function printed(child: ChildProcess, output: { text: string }, marker: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (output.text.includes(marker)) {
      resolve();
      return;
    }
    const onData = () => {
      if (!output.text.includes(marker)) return;
      done();
      resolve();
    };
    const onExit = (code: number | null, signal: string | null) => {
      done();
      reject(new Error(`worker exited (${code ?? signal}) before "${marker}":\n${output.text}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`worker did not print "${marker}" within ${READY_TIMEOUT_MS} ms:\n${output.text}`));
    }, READY_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

function handleFor(child: ChildProcess): ChildWorker {
  const closePipes = () => {
    child.stdin?.destroy();
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

function collectOutput(child: ChildProcess): { text: string } {
  const output = { text: '' };
  // Registered first, so every `printed` listener sees the text including its own chunk.
  child.stdout?.on('data', (chunk: Buffer) => {
    output.text += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.text += chunk.toString();
  });
  return output;
}

/** Starts a router worker process (through tsx) and resolves once it polls its task queue. */
export async function startChildWorker(taskQueue: string, env: Record<string, string>, options: ChildWorkerOptions = {}): Promise<ChildWorker> {
  const child = spawnWorker(taskQueue, env, false, options);
  await printed(child, collectOutput(child), 'worker-ready');
  return handleFor(child);
}

/**
 * Boots a worker process ahead of need (booting through tsx takes seconds on a
 * busy machine) and resolves once it is ready to poll; `go()` starts it. A
 * crash test can then replace a killed worker at once.
 */
export async function armChildWorker(taskQueue: string, env: Record<string, string>): Promise<ArmedChildWorker> {
  const child = spawnWorker(taskQueue, env, true);
  const output = collectOutput(child);
  await printed(child, output, 'worker-armed');
  const handle = handleFor(child);
  return {
    ...handle,
    async go() {
      const ready = printed(child, output, 'worker-ready');
      child.stdin?.write('go\n');
      await ready;
      return handle;
    },
  };
}
