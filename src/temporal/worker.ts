import type { DataConverter } from '@temporalio/common';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions, type WorkerPlugin } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { HealthAgents } from './health/agent';
import { createProviderRegistry, type ProviderRegistry } from '../providers';
import type { Env } from '../providers/resolve';
import { ConfigRefCodec, ConfigSource } from './config-ref';
import { toDurableConfig, type DurableConfigInput } from './durable-config';
import { DEFAULT_TASK_QUEUE } from './task-queue';

export { DEFAULT_TASK_QUEUE };

/** The routing workflows' module, as the bundler takes it. */
export const ROUTER_WORKFLOWS_PATH = require.resolve('../../workflows');

/**
 * How the routing workflows are bundled, at worker start or ahead of time
 * (`bundleWorkflowCode({ ...routerBundleOptions() })` for `--workflow-bundle`).
 *
 * By default the SDK evaluates every module a workflow imports once more for
 * each new workflow, so that module-level state cannot leak from one to the
 * next; for a request that lives one workflow task, that was about 2-4 ms of
 * the worker's 22 ms of CPU per request. `preloadModules` evaluates the
 * workflow API and our workflows (with the routing core) once per worker
 * thread and shares them, frozen. That is sound because none of them keeps
 * module-level state: the core has no globals, and a workflow's state lives
 * in its function's scope (test/unit/replay/preload.test.ts checks this).
 */
export function routerBundleOptions(): { workflowsPath: string; preloadModules: string[] } {
  return sharedModulesBundle(ROUTER_WORKFLOWS_PATH);
}

/** Bundle options that share the workflow API and `workflowsPath`'s modules between workflows (see above); the module must keep no module-level state. */
export function sharedModulesBundle(workflowsPath: string): { workflowsPath: string; preloadModules: string[] } {
  return { workflowsPath, preloadModules: [require.resolve('@temporalio/workflow'), workflowsPath] };
}
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

function bundledAtStart(): Pick<WorkerOptions, 'workflowsPath' | 'bundlerOptions'> {
  const { workflowsPath, preloadModules } = routerBundleOptions();
  return { workflowsPath, bundlerOptions: { preloadModules } };
}

/** A Temporal worker that runs the routing workflows, the provider-call activities and the batch document activities. */
export async function createRouterWorker(options: CreateRouterWorkerOptions): Promise<Worker> {
  const namespace = options.namespace ?? 'default';
  // Requests carry their config by reference (configRef); this codec, innermost, puts it back before the workflow runs.
  const codecs = options.dataConverter?.payloadCodecs ?? [];
  const configs = new ConfigSource(new Client({ connection: options.connection, namespace }), codecs);
  for (const known of options.knownConfigs ?? []) configs.add(toDurableConfig(known));
  const dataConverter = { ...options.dataConverter, payloadCodecs: [new ConfigRefCodec(configs), ...codecs] };
  // Health agents the caller passed are the caller's to close; the worker's own ship their unsent outcomes when it stops.
  const health = options.health ?? new HealthAgents();
  const plugins = options.health === undefined ? [...(options.plugins ?? []), closesOnStop(health)] : options.plugins ?? [];
  return Worker.create({
    connection: options.connection,
    namespace,
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    activities: createActivities({ providers: options.providers, health, ...(options.documents ? { documents: options.documents } : {}) }),
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : bundledAtStart()),
    dataConverter,
    ...(plugins.length === 0 ? {} : { plugins }),
    stickyQueueScheduleToStartTimeout: DEFAULT_STICKY_QUEUE_TIMEOUT_MS,
    ...ROUTER_WORKER_TUNING,
    ...options.workerOptions,
  });
}

/**
 * Closes the worker's health agents once its run has ended (shut down or
 * failed), so successes still waiting for their one-a-second signal reach
 * the routerHealth entity rather than die with the process.
 */
function closesOnStop(health: HealthAgents): WorkerPlugin {
  return {
    name: 'llm-router-health-agents',
    async runWorker(worker, next) {
      try {
        await next(worker);
      } finally {
        await health.close();
      }
    },
  };
}

export interface CreateWorkerOptions extends Omit<CreateRouterWorkerOptions, 'providers'> {
  /** Same forms `DurableRouter` and the in-process `Router` take; validated here so a bad config fails at start, not mid-batch. */
  config?: DurableConfigInput;
  providers?: Pick<ProviderRegistry, 'complete' | 'stream'> & Partial<Pick<ProviderRegistry, 'embed' | 'batch'>>;
  /** Where activities resolve `os.environ/NAME` (default `process.env`). */
  env?: Env;
}

/** The worker half of `DurableRouter`: provider registry with SDK retries off, file-system document store. */
export function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const known = options.config === undefined ? [] : [toDurableConfig(options.config)];
  const { config: _config, env, providers, ...rest } = options;
  return createRouterWorker({ ...rest, knownConfigs: [...(rest.knownConfigs ?? []), ...known], providers: providers ?? createProviderRegistry(env === undefined ? {} : { env }) });
}
