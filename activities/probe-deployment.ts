import { Context } from '@temporalio/activity';
import { isLlmRouterError } from '../src/errors';
import type { ProviderRegistry } from '../src/providers';
import type { DeploymentParams } from '../src/providers/types';

/** Short and cheap: a probe asks whether the deployment answers at all, not what it says. */
export const DEFAULT_PROBE_PROMPT = 'ping';
export const DEFAULT_PROBE_MAX_TOKENS = 1;

export interface ProbeDeploymentInput {
  deployment: DeploymentParams;
  prompt?: string;
  maxTokens?: number;
}

export interface ProbeDeploymentResult {
  deploymentId: string;
  ok: boolean;
  latencyMs: number;
  errorClass?: string;
  status?: number;
}

/**
 * One tiny request to a cooling deployment. A provider failure is the probe's
 * answer, not an activity failure: it is returned, so Temporal does not retry
 * a probe whose whole point is to observe the failure.
 */
export function createProbeDeployment(deps: { providers: Pick<ProviderRegistry, 'complete'> }) {
  return async function probeDeployment(input: ProbeDeploymentInput): Promise<ProbeDeploymentResult> {
    const started = Date.now();
    const deploymentId = input.deployment.id;
    try {
      await deps.providers.complete(
        input.deployment,
        { messages: [{ role: 'user', content: input.prompt ?? DEFAULT_PROBE_PROMPT }], max_tokens: input.maxTokens ?? DEFAULT_PROBE_MAX_TOKENS },
        { signal: Context.current().cancellationSignal },
      );
      return { deploymentId, ok: true, latencyMs: Date.now() - started };
    } catch (err) {
      if (!isLlmRouterError(err)) throw err;
      return {
        deploymentId,
        ok: false,
        latencyMs: Date.now() - started,
        errorClass: err.name,
        ...(err.status === undefined ? {} : { status: err.status }),
      };
    }
  };
}
