import type { Client, WorkflowHandle } from '@temporalio/client';
import type { RouterConfig } from '../../core/types';
import type { routerHealth } from '../../../workflows/router-health';
import {
  configureSignal,
  cooldownsQuery,
  cooldownUpdate,
  healthQuery,
  latencyQuery,
  restoreUpdate,
  routerHealthWorkflowId,
  ROUTER_HEALTH_WORKFLOW_TYPE,
  usageQuery,
  type CooldownView,
  type DeploymentHealthView,
  type LatencyView,
  type ManualCooldownRequest,
  type ManualRestoreRequest,
  type RouterHealthInput,
  type UsageView,
} from '../../../workflows/router-health-api';

export interface EnsureRouterHealthOptions {
  routerName: string;
  config: RouterConfig;
  taskQueue: string;
  maxHistoryEvents?: number;
  probeBackoff?: RouterHealthInput['probeBackoff'];
}

/**
 * Starts the entity, or hands a running one the current config (a reload).
 * Idempotent: call it whenever a worker or CLI loads the config.
 */
export async function ensureRouterHealth(client: Client, options: EnsureRouterHealthOptions): Promise<WorkflowHandle<typeof routerHealth>> {
  const input: RouterHealthInput = {
    routerName: options.routerName,
    config: options.config,
    ...(options.maxHistoryEvents === undefined ? {} : { maxHistoryEvents: options.maxHistoryEvents }),
    ...(options.probeBackoff === undefined ? {} : { probeBackoff: options.probeBackoff }),
  };
  return client.workflow.signalWithStart<typeof routerHealth, [RouterConfig]>(ROUTER_HEALTH_WORKFLOW_TYPE, {
    workflowId: routerHealthWorkflowId(options.routerName),
    taskQueue: options.taskQueue,
    args: [input],
    signal: configureSignal,
    signalArgs: [options.config],
  });
}

export function routerHealthHandle(client: Client, routerName: string): WorkflowHandle<typeof routerHealth> {
  return client.workflow.getHandle<typeof routerHealth>(routerHealthWorkflowId(routerName));
}

export interface RouterHealthReport {
  routerName: string;
  workflowId: string;
  deployments: DeploymentHealthView[];
  cooldowns: CooldownView[];
  latency: LatencyView[];
  usage: UsageView[];
}

/** Everything `llm-router health` shows, read by queries (no history written). */
export async function getRouterHealthReport(client: Client, routerName: string): Promise<RouterHealthReport> {
  const handle = routerHealthHandle(client, routerName);
  const [deployments, cooldowns, latency, usage] = await Promise.all([
    handle.query(healthQuery),
    handle.query(cooldownsQuery),
    handle.query(latencyQuery),
    handle.query(usageQuery),
  ]);
  return { routerName, workflowId: handle.workflowId, deployments, cooldowns, latency, usage };
}

/** Operator: take a deployment out of rotation for every routing workflow. Throws (WorkflowUpdateFailedError) naming the problem for an unknown id. */
export function cooldownDeployment(client: Client, routerName: string, request: ManualCooldownRequest): Promise<CooldownView> {
  return routerHealthHandle(client, routerName).executeUpdate(cooldownUpdate, { args: [request] });
}

/** Operator: put a deployment back into rotation now. */
export function restoreDeployment(client: Client, routerName: string, request: ManualRestoreRequest): Promise<DeploymentHealthView> {
  return routerHealthHandle(client, routerName).executeUpdate(restoreUpdate, { args: [request] });
}
