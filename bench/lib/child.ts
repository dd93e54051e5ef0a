// Child processes for the parts of a benchmark that must not share this
// process's event loop: the fake provider, the Portkey gateway, Temporal
// workers. Every child is killed when the parent exits, so nothing outlives a run.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';

const children = new Set<ChildProcess>();

function killAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

export interface ChildHandle<Msg> {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Sends a request and waits for the reply carrying the same id. */
  request<R>(message: Msg, timeoutMs?: number): Promise<R>;
  stop(): Promise<void>;
}

interface Envelope {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** Forks a TypeScript module through tsx, with a request/reply channel over IPC. */
export function forkTs<Msg extends object>(modulePath: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): ChildHandle<Msg> {
  return forkModule<Msg>(modulePath, ['--import', 'tsx'], args, env);
}

const REPO = resolve(__dirname, '../..');
const COMPILED_DIR = resolve(REPO, 'bench/.compiled');
let compiled = false;

/**
 * Forks a child of tsconfig.bench-children.json as plain JavaScript, compiled
 * by tsc (once per benchmark run), the way a deployment runs the package's
 * `dist/`: where a child's memory is what is measured, tsx's transform cache
 * and source maps (about 40 MB) must not count.
 */
export function forkCompiled<Msg extends object>(modulePath: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): ChildHandle<Msg> {
  if (!compiled) {
    rmSync(COMPILED_DIR, { recursive: true, force: true });
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', resolve(REPO, 'tsconfig.bench-children.json')], { cwd: REPO, stdio: 'inherit' });
    compiled = true;
  }
  const js = resolve(COMPILED_DIR, relative(REPO, modulePath)).replace(/\.ts$/, '.js');
  return forkModule<Msg>(js, [], args, env);
}

function forkModule<Msg extends object>(modulePath: string, execArgv: string[], args: string[], env: NodeJS.ProcessEnv): ChildHandle<Msg> {
  const child = fork(modulePath, args, {
    execArgv,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (raw) => {
    const msg = raw as Envelope;
    const waiter = pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id);
    if (msg.ok) waiter.resolve(msg.value);
    else waiter.reject(new Error(msg.error ?? 'child failed'));
  });
  child.once('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${modulePath} exited with ${code}`));
    pending.clear();
  });
  return {
    process: child,
    get pid() {
      return child.pid ?? -1;
    },
    request<R>(message: Msg, timeoutMs = 120_000): Promise<R> {
      const id = nextId++;
      return new Promise<R>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${modulePath}: no reply to ${JSON.stringify(message).slice(0, 80)} in ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v as R);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.send({ id, message });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The child side: answers each request with the handler's result. */
export function serveParent<Msg>(handler: (message: Msg) => Promise<unknown> | unknown): void {
  process.on('message', (raw) => {
    const { id, message } = raw as { id: number; message: Msg };
    Promise.resolve()
      .then(() => handler(message))
      .then(
        (value) => process.send?.({ id, ok: true, value }),
        (err: unknown) => process.send?.({ id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
      );
  });
  // The parent going away ends the child: no orphan keeps running.
  process.on('disconnect', () => process.exit(0));
}
