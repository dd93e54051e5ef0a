// One Temporal worker in its own process: the routing worker (routedCompletion
// over the provider registry) or the no-op baseline worker. It runs until the
// parent stops it or goes away.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createProviderRegistry } from '../../src/providers';
import { createRouterWorker, ROUTER_WORKER_TUNING } from '../../src/temporal/worker';
import { createNoopActivities } from '../durable-throughput/noop-activities';
import { serveParent } from './child';

export type WorkerKind = 'router' | 'noop';

export interface WorkerProcessEnv {
  BENCH_TEMPORAL_ADDRESS: string;
  BENCH_TASK_QUEUE: string;
  BENCH_BUNDLE: string;
  BENCH_WORKER_KIND: WorkerKind;
}

function env(name: keyof WorkerProcessEnv): string {
  const value = process.env[name];
  if (!value) throw new Error(`worker process: ${name} is not set`);
  return value;
}

// BENCH_WORKER_CPU_PROFILE=<dir>: profiles this worker's main thread; `kill -USR2 <pid>` writes the profile
// there (open it in Chrome DevTools). Workflow code runs in worker threads, which this does not see.
const profileDir = process.env.BENCH_WORKER_CPU_PROFILE;
const profiler = profileDir === undefined ? undefined : (async () => {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return session;
})();

async function writeProfile(): Promise<void> {
  if (profiler === undefined || profileDir === undefined) return;
  const session = await profiler;
  const { profile } = await session.post('Profiler.stop');
  const file = join(profileDir, `worker-${process.pid}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  console.error(`worker ${process.pid}: CPU profile written to ${file}`);
}

const created = (async (): Promise<{ worker: Worker; running: Promise<void> }> => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const connection = await NativeConnection.connect({ address: env('BENCH_TEMPORAL_ADDRESS') });
  const taskQueue = env('BENCH_TASK_QUEUE');
  const workflowBundle = { codePath: env('BENCH_BUNDLE') };
  const worker =
    env('BENCH_WORKER_KIND') === 'noop'
      ? // The floor gets the same pollers as the router's worker: like against like.
        await Worker.create({ connection, taskQueue, workflowBundle, activities: createNoopActivities(), ...ROUTER_WORKER_TUNING })
      : await createRouterWorker({ connection, taskQueue, workflowBundle, providers: createProviderRegistry() });
  const running = worker.run();
  running.catch((err: unknown) => {
    console.error('worker failed', err);
    process.exit(1);
  });
  return { worker, running };
})();

serveParent<{ type: 'hello' }>(async () => {
  const { worker } = await created;
  while (worker.getState() !== 'RUNNING') await new Promise((r) => setTimeout(r, 20));
  return null;
});

// BENCH_WORKER_MEMORY_LOG=<ms>: a line on stderr every <ms> with the main thread's heap and the process's RSS,
// to tell V8's heap from the rest (the SDK's native core, the workflow thread, code).
const memoryLogMs = Number(process.env.BENCH_WORKER_MEMORY_LOG ?? 0);
if (memoryLogMs > 0) {
  setInterval(() => {
    const m = process.memoryUsage();
    const mb = (n: number) => (n / 1e6).toFixed(0);
    console.error(`worker ${process.pid}: rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} MB, external ${mb(m.external)} MB, array buffers ${mb(m.arrayBuffers)} MB`);
  }, memoryLogMs).unref();
}

// SIGUSR2 writes the CPU profile (the SDK's runtime handles SIGTERM itself).
process.on('SIGUSR2', () => void writeProfile().catch((err: unknown) => console.error('cpu profile', err)));

process.once('SIGTERM', () => {
  setTimeout(() => process.exit(0), 5_000).unref();
  void created.then(async ({ worker, running }) => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
    process.exit(0);
  });
});
