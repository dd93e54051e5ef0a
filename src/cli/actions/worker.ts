import { existsSync } from 'node:fs';
import { Runtime } from '@temporalio/worker';
import { CliError, EXIT } from '../exit-codes';
import { ensureRouterHealth } from '../../temporal/health';
import { installWorkerMetrics } from '../../temporal/observability/metrics';
import { routerWorkerLogger } from '../../temporal/observability/worker-logger';
import { createWorker } from '../../temporal/worker';
import { configPath, loadDurableCliConfig } from '../config-file';
import { connectClient } from '../connection';
import type { ConnectionFlags } from '../connection-options';
import { sharedHealthRouterName } from '../shared-health';
import { cliTemporalExtras } from '../temporal-extras';
import { connectWorker } from '../worker-connection';
import type { DeploymentParams } from '../../providers/types';

export interface WorkerFlags extends ConnectionFlags {
  config?: string;
  taskQueue: string;
  maxActivities?: number;
  logLevel: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  workflowBundle?: string;
  /** Shared health: the router whose routerHealth entity this worker starts or reconfigures at start (env LLM_ROUTER_NAME). */
  router?: string;
}

/** Names every `os.environ/NAME` reference of the config that this process cannot resolve. */
export function missingKeyVariables(
  params: Readonly<Record<string, Pick<DeploymentParams, 'apiKey' | 'aws' | 'vertex'>>>,
  env: NodeJS.ProcessEnv,
): string[] {
  const missing = new Set<string>();
  for (const p of Object.values(params)) {
    // Bedrock keys and Vertex credentials are references like api_key.
    for (const value of [p.apiKey, ...Object.values(p.aws ?? {}), ...Object.values(p.vertex ?? {})]) {
      const m = /^os\.environ\/(.+)$/.exec(typeof value === 'string' ? value : '');
      if (m?.[1] && !env[m[1]]) missing.add(m[1]);
    }
  }
  return [...missing];
}

export async function runWorker(flags: WorkerFlags): Promise<void> {
  const file = configPath(flags.config);
  const config = loadDurableCliConfig(file);
  if (!['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'].includes(flags.logLevel)) {
    throw new CliError(`--log-level "${flags.logLevel}": expected TRACE, DEBUG, INFO, WARN or ERROR`, EXIT.USAGE);
  }
  if (flags.workflowBundle !== undefined && !existsSync(flags.workflowBundle)) {
    throw new CliError(`--workflow-bundle ${flags.workflowBundle}: file not found`, EXIT.USAGE);
  }
  const extras = cliTemporalExtras();
  // Metrics (LLM_ROUTER_METRICS_*) live in the process-wide Runtime, so it is installed before any connection.
  if (!installWorkerMetrics(extras.observability, flags.logLevel)) Runtime.install({ logger: routerWorkerLogger(flags.logLevel) });
  const routerName = sharedHealthRouterName(flags.router);
  for (const name of missingKeyVariables(config.params, process.env)) {
    process.stderr.write(`warning: ${name} is not set in this worker's environment; calls to deployments that use os.environ/${name} will fail with AuthenticationError\n`);
  }
  const { connection, target } = await connectWorker(flags);
  const worker = await createWorker({
    connection,
    namespace: target.namespace,
    taskQueue: flags.taskQueue,
    config,
    ...(flags.workflowBundle ? { workflowBundle: { codePath: flags.workflowBundle } } : {}),
    ...(flags.maxActivities ? { workerOptions: { maxConcurrentActivityTaskExecutions: flags.maxActivities } } : {}),
    dataConverter: extras.dataConverter,
    plugins: extras.plugins,
  });
  if (routerName !== undefined) {
    // docs/health.md: a deployment's process starts the entity, or hands a running one this config.
    const { client, close } = await connectClient(flags);
    try {
      await ensureRouterHealth(client, { routerName, config: config.routing, taskQueue: flags.taskQueue });
    } finally {
      await close();
    }
  }
  const stop = () => worker.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const notes = [
    extras.encryptionKeyId === null ? null : `payloads encrypted (key ${extras.encryptionKeyId})`,
    routerName === undefined ? null : `shared health "${routerName}"`,
    extras.plugins.length ? 'tracing on' : null,
  ].filter((n) => n !== null);
  process.stdout.write(`worker polling task queue "${flags.taskQueue}" on ${target.address} (namespace ${target.namespace}), config ${file}${notes.map((n) => `, ${n}`).join('')}; Ctrl-C to stop\n`);
  try {
    await worker.run();
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await connection.close();
  }
}
