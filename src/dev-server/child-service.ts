import { spawn, type ChildProcess } from 'node:child_process';

/** How long a server gets to stop after SIGTERM before it is killed. */
export const STOP_GRACE_MS = 10_000;
const OUTPUT_KEPT_CHARS = 8_000;

/** A server process this one started: its latest output for error messages, and a stop that always ends it. */
export interface ChildService {
  child: ChildProcess;
  /** The last few thousand characters it printed, stdout and stderr together. */
  output(): string;
  hasExited(): boolean;
  /** Graceful stop (the stop signal, then SIGKILL after a grace period). Safe to call twice. */
  stop(): Promise<void>;
}

export interface SpawnServiceOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  graceMs?: number;
  /** The signal that asks it to stop (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
}

export function spawnService(command: string, args: string[], options: SpawnServiceOptions): ChildService {
  const child = spawn(command, args, { env: options.env, ...(options.cwd === undefined ? {} : { cwd: options.cwd }), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // A server left behind by a crashed parent would hold its ports and lock
  // its files; kill it when this process exits for any reason.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolveStop) => {
      process.removeListener('exit', killOnExit);
      const done = () => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        resolveStop();
      };
      if (hasExited()) return done();
      const timer = setTimeout(() => child.kill('SIGKILL'), options.graceMs ?? STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      child.kill(options.stopSignal ?? 'SIGTERM');
    });
    return stopped;
  };
  return { child, output: () => output, hasExited, stop };
}
