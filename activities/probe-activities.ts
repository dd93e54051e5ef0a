import type { ProviderRegistry } from '../src/providers';
import { createProbeDeployment } from './probe-deployment';
import { readRouterHealth } from './probe-router-health';

export type { ProbeDeploymentInput, ProbeDeploymentResult } from './probe-deployment';
export type { ReadRouterHealthInput } from './probe-router-health';

/** Activities of shared health: reading the routerHealth entity, and probing cooled-down deployments. */
export function createProbeActivities(deps: { providers: Pick<ProviderRegistry, 'complete'> }) {
  return {
    readRouterHealth,
    probeDeployment: createProbeDeployment(deps),
  };
}

export type ProbeActivities = ReturnType<typeof createProbeActivities>;
