// healthProbe: run on a schedule (see src/temporal/health/probe-schedule.ts).
// Each run reads which deployments the routerHealth entity has cooled down,
// sends each one tiny request, and reports the result: success ends the
// cooldown early, failure extends it with backoff. A provider that recovers is
// back in rotation within one probe interval instead of after a fixed cooldown.
import { getExternalWorkflowHandle, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { DeploymentParams } from '../src/providers/types';
import type { ProbeActivities, ProbeDeploymentResult } from '../activities/probe-activities';
import { reportProbeSignal, routerHealthWorkflowId } from './router-health-api';

export const HEALTH_PROBE_WORKFLOW_TYPE = 'healthProbe';
/** A probe that has not answered in this long counts as failed. */
export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

export interface HealthProbeInput {
  routerName: string;
  /** How to call each deployment, by id (API keys as `os.environ/NAME`). Cooling deployments without params are not probed. */
  deployments: Record<string, DeploymentParams>;
  /** Default `DEFAULT_PROBE_PROMPT` ("ping"). */
  prompt?: string;
  maxTokens?: number;
  timeoutMs?: number;
}

export interface HealthProbeResult {
  probed: ProbeDeploymentResult[];
  /** Cooling deployments with no call parameters in the input. */
  skipped: string[];
}

export async function healthProbe(input: HealthProbeInput): Promise<HealthProbeResult> {
  const { readRouterHealth } = proxyLocalActivities<ProbeActivities>({ startToCloseTimeout: '5 seconds', retry: { maximumAttempts: 3 } });
  const snapshot = await readRouterHealth({ routerName: input.routerName });
  if (snapshot === null) return { probed: [], skipped: [] };
  const now = Date.now();
  const cooling = Object.entries(snapshot.state.deployments).filter(([, ds]) => ds.cooldownUntil > now).map(([id]) => id);
  const skipped = cooling.filter((id) => input.deployments[id] === undefined);

  const timeoutMs = input.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const { probeDeployment } = proxyActivities<ProbeActivities>({
    startToCloseTimeout: timeoutMs,
    // A probe failure is data, returned not thrown; only a lost worker is worth one more try.
    retry: { maximumAttempts: 2 },
  });
  const entity = getExternalWorkflowHandle(routerHealthWorkflowId(input.routerName));
  const probed = await Promise.all(
    cooling.filter((id) => input.deployments[id] !== undefined).map(async (id) => {
      const deployment = { ...input.deployments[id]!, timeoutMs };
      const result = await probeDeployment.executeWithOptions({ summary: `probe ${id} (${deployment.model})` }, [{
        deployment,
        ...(input.prompt === undefined ? {} : { prompt: input.prompt }),
        ...(input.maxTokens === undefined ? {} : { maxTokens: input.maxTokens }),
      }]);
      await entity.signal(reportProbeSignal, {
        deploymentId: id,
        ok: result.ok,
        latencyMs: result.latencyMs,
        ...(result.errorClass === undefined ? {} : { errorClass: result.errorClass }),
        ...(result.status === undefined ? {} : { status: result.status }),
      });
      return result;
    }),
  );
  return { probed, skipped };
}
