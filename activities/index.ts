import type { ProviderRegistry } from '../src/providers';
import { createCallDeployment } from './call-deployment';
import { createProbeActivities } from './probe-activities';

export type { CallDeploymentInput } from './call-deployment';

/** Everything the activities touch from the outside world, injected so tests and benchmarks point it at fakes. */
export interface ActivityDeps {
  providers: Pick<ProviderRegistry, 'complete'>;
}

export function createActivities(deps: ActivityDeps) {
  return {
    callDeployment: createCallDeployment(deps),
    ...createProbeActivities({ providers: deps.providers }),
  };
}

export type RouterActivities = ReturnType<typeof createActivities>;
