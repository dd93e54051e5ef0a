// A Temporal dev server, prebuilt workflow bundles and worker processes for
// the durable benchmarks. Bundles are built once (webpack is slow), workers
// run in their own processes so this process only generates load.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDevServer, type DevServerHandle } from '../../src/dev-server';
import { routerBundleOptions, sharedModulesBundle } from '../../src/temporal/worker';
import { forkCompiled, forkTs, type ChildHandle } from './child';
import type { WorkerKind } from './worker-process';

export const BENCH_KEY_ENV = 'BENCH_PROVIDER_KEY';
const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m), log() {} };

export interface TemporalStack {
  readonly server: DevServerHandle;
  readonly client: Client;
  /**
   * `env` adds to this process's environment (e.g. S3 settings, NODE_OPTIONS);
   * `compiled` runs the worker as tsc's JavaScript rather than through tsx (where its memory is measured).
   */
  startWorker(kind: WorkerKind, taskQueue: string, env?: NodeJS.ProcessEnv, options?: { compiled?: boolean }): Promise<ChildHandle<{ type: 'hello' }>>;
  stop(): Promise<void>;
}

/**
 * Where the dev server keeps its SQLite file: `tmpfs` (default, /dev/shm) or
 * `disk` (the OS temp folder), set with BENCH_TEMPORAL_DB. On the machine
 * these benchmarks were written on one synced 4 KiB write takes about 4 ms,
 * which alone halves the dev server's throughput and would hide what our
 * workflow costs; a production server has its own database anyway.
 */
export function temporalDbLocation(): 'disk' | 'tmpfs' {
  return process.env.BENCH_TEMPORAL_DB !== 'disk' && existsSync('/dev/shm') ? 'tmpfs' : 'disk';
}

export async function startTemporalStack(log: (line: string) => void): Promise<TemporalStack> {
  const dir = mkdtempSync(join(temporalDbLocation() === 'tmpfs' ? '/dev/shm' : tmpdir(), 'llm-router-bench-'));
  let started = Date.now();
  const server = await startDevServer({ dbFilename: join(dir, 'temporal.db'), headless: true, logLevel: 'error' });
  log(`Temporal dev server (${server.source}) at ${server.address}, SQLite on ${temporalDbLocation()}, in ${Date.now() - started} ms`);
  started = Date.now();
  const bundles: Record<WorkerKind, string> = { router: join(dir, 'router-bundle.js'), noop: join(dir, 'noop-bundle.js') };
  const noopWorkflows = resolve(__dirname, '../durable-throughput/noop-workflow.ts');
  const [router, noop] = await Promise.all([
    bundleWorkflowCode({ ...routerBundleOptions(), logger: quietLogger }),
    // Like with like: the floor's workflow API is shared between workflows the way ours is (routerBundleOptions).
    bundleWorkflowCode({ ...sharedModulesBundle(noopWorkflows), logger: quietLogger }),
  ]);
  writeFileSync(bundles.router, router.code);
  writeFileSync(bundles.noop, noop.code);
  log(`workflow bundles built in ${Date.now() - started} ms`);
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const workers = new Set<ChildHandle<{ type: 'hello' }>>();
  return {
    server,
    client,
    async startWorker(kind, taskQueue, env = {}, options = {}) {
      const child = (options.compiled === true ? forkCompiled : forkTs)<{ type: 'hello' }>(resolve(__dirname, 'worker-process.ts'), [], {
        ...env,
        BENCH_TEMPORAL_ADDRESS: server.address,
        BENCH_TASK_QUEUE: taskQueue,
        BENCH_BUNDLE: bundles[kind],
        BENCH_WORKER_KIND: kind,
        [BENCH_KEY_ENV]: 'sk-bench-fake',
      });
      workers.add(child);
      await child.request({ type: 'hello' }, 120_000);
      return child;
    },
    async stop() {
      await Promise.all([...workers].map((w) => w.stop()));
      await connection.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
