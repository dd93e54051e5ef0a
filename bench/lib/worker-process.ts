// One Temporal worker in its own process: the routing worker (routedCompletion
// over the provider registry) or the no-op baseline worker. It runs until the
// parent stops it or goes away.
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

process.once('SIGTERM', () => {
  setTimeout(() => process.exit(0), 5_000).unref();
  void created.then(async ({ worker, running }) => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
    process.exit(0);
  });
});
