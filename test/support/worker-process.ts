// A router worker in its own process, so a test can SIGKILL it mid-activity
// the way a crashed machine would. Configured through the environment:
//   TLR_TEST_TEMPORAL_ADDRESS, TLR_TEST_WORKFLOW_BUNDLE, TLR_WORKER_TASK_QUEUE
// (TLR_WORKER_WAIT_FOR_GO=1: boot, then wait for a line on stdin before polling)
// and any provider key variables the deployments reference.
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { createProviderRegistry } from '../../src/providers';
import { createRouterWorker } from '../../src/temporal/worker';
import { requireTestEnv } from './test-env';

async function runWorker(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const taskQueue = process.env.TLR_WORKER_TASK_QUEUE;
  if (!taskQueue) throw new Error('TLR_WORKER_TASK_QUEUE is not set');
  const connection = await NativeConnection.connect({ address: requireTestEnv('address') });
  const worker = await createRouterWorker({
    connection,
    taskQueue,
    providers: createProviderRegistry(),
    workflowBundle: { codePath: requireTestEnv('bundle') },
    // A killed worker's sticky workflow tasks move to the shared queue after this (default: the worker factory's).
    ...(process.env.TLR_WORKER_STICKY_TIMEOUT_MS === undefined ? {} : { workerOptions: { stickyQueueScheduleToStartTimeout: Number(process.env.TLR_WORKER_STICKY_TIMEOUT_MS) } }),
  });
  if (process.env.TLR_WORKER_WAIT_FOR_GO === '1') {
    // Booted (imports, connection, bundle loaded) but not polling until the test says so on stdin.
    process.stdout.write('worker-armed\n');
    await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
    // An open stdin would keep this process alive after a graceful shutdown.
    process.stdin.destroy();
  }
  process.stdout.write('worker-ready\n');
  // SIGTERM (ChildWorker.stop) shuts down gracefully: the SDK handles the signal and run() resolves.
  await worker.run();
  await connection.close();
}

runWorker().catch((err: unknown) => {
  process.stderr.write(`worker failed: ${String(err)}\n`);
  process.exit(1);
});
