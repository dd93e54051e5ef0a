import type { Client, ScheduleHandle } from '@temporalio/client';
import type { DeploymentParams } from '../../providers/types';
import { HEALTH_PROBE_WORKFLOW_TYPE, type HealthProbeInput } from '../../../workflows/health-probe';
import { createWorkflowSchedule, type RouterScheduleSpec } from '../schedules';

/** How often cooled-down deployments are probed: the longest a recovered provider waits to be used again. */
export const DEFAULT_PROBE_INTERVAL = '15s';
/** A missed probe is worthless later: catch up only on the one just due (the server's minimum window). */
const PROBE_CATCHUP_WINDOW = '10s';

export function healthProbeScheduleId(routerName: string): string {
  return `health-probe:${routerName}`;
}

export interface HealthProbeScheduleOptions {
  routerName: string;
  /** How to call each deployment, by id (API keys as `os.environ/NAME`). */
  deployments: Record<string, DeploymentParams>;
  taskQueue: string;
  /** Milliseconds or "15s", "1m"… Default `DEFAULT_PROBE_INTERVAL`. */
  interval?: number | string;
  /** The probe request's only user message. Default "ping". */
  prompt?: string;
  maxTokens?: number;
  /** A probe slower than this counts as failed. */
  timeoutMs?: number;
  scheduleId?: string;
}

/**
 * Probes every deployment the routerHealth entity has cooled down, once per
 * interval. Overlap is SKIP: a probe round still waiting on a slow provider
 * is not joined by another one.
 */
export function createHealthProbeSchedule(client: Client, options: HealthProbeScheduleOptions): Promise<ScheduleHandle> {
  const input: HealthProbeInput = {
    routerName: options.routerName,
    deployments: options.deployments,
    ...(options.prompt === undefined ? {} : { prompt: options.prompt }),
    ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  const schedule: RouterScheduleSpec = { every: options.interval ?? DEFAULT_PROBE_INTERVAL, overlap: 'skip', catchupWindow: PROBE_CATCHUP_WINDOW };
  return createWorkflowSchedule(client, {
    scheduleId: options.scheduleId ?? healthProbeScheduleId(options.routerName),
    schedule,
    workflowType: HEALTH_PROBE_WORKFLOW_TYPE,
    args: [input],
    taskQueue: options.taskQueue,
    note: `probe cooled-down deployments of router "${options.routerName}"`,
  });
}
