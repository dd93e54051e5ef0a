import type { DataConverter } from '@temporalio/common';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions, type WorkerPlugin } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { createProviderRegistry, type ProviderRegistry } from '../providers';
import type { Env } from '../providers/resolve';
import { ConfigRefCodec, ConfigSource } from './config-ref';
import { toDurableConfig, type DurableConfigInput } from './durable-config';
import { DEFAULT_TASK_QUEUE } from './task-queue';

export { DEFAULT_TASK_QUEUE };
/**
 * A dead worker's cached workflows are resumed elsewhere after this (the SDK's
 * default is 10 s): together with the hops' heartbeat timeout, a lost worker
 * stalls its documents for seconds, not half a minute.
 */
export const DEFAULT_STICKY_QUEUE_TIMEOUT_MS = 3_000;

/**
 * Workflow task pollers. A routed request is short-lived, so most of its
 * workflow tasks are first tasks, which come from the shared queue, not the
 * sticky one; the SDK's defaults (10 polls, a fifth of them on the shared
 * queue) leave two pollers there, and with 16 requests in flight new
 * requests queue behind them. Half and half keeps first tasks moving.
 */
export const ROUTER_WORKER_TUNING = {
  maxConcurrentWorkflowTaskPolls: 16,
  nonStickyToStickyPollRatio: 0.5,
} as const satisfies Partial<WorkerOptions>;

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
  /** Configs this worker knows already (its `--config`): requests that refer to them need no read of their routerConfig workflow. */
  knownConfigs?: DurableConfigInput[];
  /** Passed through to the Temporal Worker, e.g. concurrency limits. */
  workerOptions?: Partial<Pick<WorkerOptions,
    | 'maxConcurrentActivityTaskExecutions'
    | 'maxConcurrentWorkflowTaskExecutions'
    | 'maxConcurrentLocalActivityExecutions'
    | 'maxCachedWorkflows'
    | 'stickyQueueScheduleToStartTimeout'
    | 'maxConcurrentWorkflowTaskPolls'
    | 'nonStickyToStickyPollRatio'
    | 'shutdownGraceTime'
    | 'identity'>>;
}

/** A Temporal worker that runs the routing workflows, the provider-call activities and the batch document activities. */
export async function createRouterWorker(options: CreateRouterWorkerOptions): Promise<Worker> {
  const namespace = options.namespace ?? 'default';
  // Requests carry their config by reference (configRef); this codec, innermost, puts it back before the workflow runs.
  const codecs = options.dataConverter?.payloadCodecs ?? [];
  const configs = new ConfigSource(new Client({ connection: options.connection, namespace }), codecs);
  for (const known of options.knownConfigs ?? []) configs.add(toDurableConfig(known));
  const dataConverter = { ...options.dataConverter, payloadCodecs: [new ConfigRefCodec(configs), ...codecs] };
  return Worker.create({
    connection: options.connection,
    namespace,
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    activities: createActivities({ providers: options.providers, ...(options.documents ? { documents: options.documents } : {}) }),
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('../../workflows') }),
    dataConverter,
    ...(options.plugins === undefined || options.plugins.length === 0 ? {} : { plugins: options.plugins }),
    stickyQueueScheduleToStartTimeout: DEFAULT_STICKY_QUEUE_TIMEOUT_MS,
    ...ROUTER_WORKER_TUNING,
    ...options.workerOptions,
  });
}

export interface CreateWorkerOptions extends Omit<CreateRouterWorkerOptions, 'providers'> {
  /** Same forms `DurableRouter` and the in-process `Router` take; validated here so a bad config fails at start, not mid-batch. */
  config?: DurableConfigInput;
  providers?: Pick<ProviderRegistry, 'complete' | 'stream'> & Partial<Pick<ProviderRegistry, 'embed'>>;
  /** Where activities resolve `os.environ/NAME` (default `process.env`). */
  env?: Env;
}

/** The worker half of `DurableRouter`: provider registry with SDK retries off, file-system document store. */
export function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const known = options.config === undefined ? [] : [toDurableConfig(options.config)];
  const { config: _config, env, providers, ...rest } = options;
  return createRouterWorker({ ...rest, knownConfigs: [...(rest.knownConfigs ?? []), ...known], providers: providers ?? createProviderRegistry(env === undefined ? {} : { env }) });
}
