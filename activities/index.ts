import type { ProviderRegistry } from '../src/providers';
import { createCallDeployment } from './call-deployment';
import { createProbeActivities } from './probe-activities';
import { createFsDocumentStore, type DocumentStore } from './document-store';
import { createDocumentActivities } from './documents';

export type { CallDeploymentInput } from './call-deployment';
export { createFsDocumentStore, type DocumentStore } from './document-store';

/** Everything the activities touch from the outside world, injected so tests and benchmarks point it at fakes. */
export interface ActivityDeps {
  providers: Pick<ProviderRegistry, 'complete' | 'stream'>;
  /** Where batch documents are read and results written (default: the local file system). */
  documents?: DocumentStore;
}

export function createActivities(deps: ActivityDeps) {
  const documents = deps.documents ?? createFsDocumentStore();
  return {
    callDeployment: createCallDeployment({ providers: deps.providers, documents }),
    ...createDocumentActivities({ documents }),
    ...createProbeActivities({ providers: deps.providers }),
  };
}

export type RouterActivities = ReturnType<typeof createActivities>;
