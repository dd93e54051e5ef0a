import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions, type WorkerPlugin } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { createProviderRegistry, type ProviderRegistry } from '../providers';
import type { Env } from '../providers/resolve';
import { toDurableConfig, type DurableConfigInput } from './durable-config';
import { DEFAULT_TASK_QUEUE } from './task-queue';

export { DEFAULT_TASK_QUEUE };
/**
 * A dead worker's cached workflows are resumed elsewhere after this (the SDK's
 * default is 10 s): together with the hops' heartbeat timeout, a lost worker
 * stalls its documents for seconds, not half a minute.
 */
export const DEFAULT_STICKY_QUEUE_TIMEOUT_MS = 3_000;

export interface CreateRouterWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  /** A prebuilt workflow bundle (tests and benchmarks build it once); otherwise the workflows are bundled at start. */
  workflowBundle?: { codePath: string } | { code: string };
  /**
   * Payload encryption: every client and worker of a deployment must share one
   * converter (`routerDataConverterFromEnv()`); see docs/security.md.
   */
  dataConverter?: DataConverter;
  /**
   * Worker plugins, e.g. `tracingPlugin(settings)` (docs/observability.md).
   * A prebuilt `workflowBundle` must have been bundled with the same plugins.
   */
  plugins?: WorkerPlugin[];
  /** Passed through to the Temporal Worker, e.g. concurrency limits. */
  workerOptions?: Partial<Pick<WorkerOptions,
    | 'maxConcurrentActivityTaskExecutions'
    | 'maxConcurrentWorkflowTaskExecutions'
    | 'maxConcurrentLocalActivityExecutions'
    | 'maxCachedWorkflows'
    | 'stickyQueueScheduleToStartTimeout'
    | 'shutdownGraceTime'
    | 'identity'>>;
}

/** A Temporal worker that runs the routing workflows, the provider-call activities and the batch document activities. */
export async function createRouterWorker(options: CreateRouterWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    activities: createActivities({ providers: options.providers, ...(options.documents ? { documents: options.documents } : {}) }),
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('../../workflows') }),
    ...(options.dataConverter === undefined ? {} : { dataConverter: options.dataConverter }),
    ...(options.plugins === undefined || options.plugins.length === 0 ? {} : { plugins: options.plugins }),
    stickyQueueScheduleToStartTimeout: DEFAULT_STICKY_QUEUE_TIMEOUT_MS,
    ...options.workerOptions,
  });
}

export interface CreateWorkerOptions extends Omit<CreateRouterWorkerOptions, 'providers'> {
  /** Same forms `DurableRouter` and the in-process `Router` take; validated here so a bad config fails at start, not mid-batch. */
  config?: DurableConfigInput;
  providers?: Pick<ProviderRegistry, 'complete' | 'stream'>;
  /** Where activities resolve `os.environ/NAME` (default `process.env`). */
  env?: Env;
}

/** The worker half of `DurableRouter`: provider registry with SDK retries off, file-system document store. */
export function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  if (options.config !== undefined) toDurableConfig(options.config);
  const { config: _config, env, providers, ...rest } = options;
  return createRouterWorker({ ...rest, providers: providers ?? createProviderRegistry(env === undefined ? {} : { env }) });
}
