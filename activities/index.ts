import type { ProviderRegistry } from '../src/providers';
import { HealthAgents } from '../src/temporal/health/agent';
import { createCallDeployment } from './call-deployment';
import { createEmbedDeployment } from './embed-deployment';
import { createProbeActivities } from './probe-activities';
import { createProviderBatchActivities } from './provider-batch';
import { createDocumentStore, type DocumentStore } from './document-store';
import { createDocumentActivities } from './documents';

export type { CallDeploymentInput, CallDeploymentResult, CallHealth } from './call-deployment';
export type { EmbedDeploymentInput, EmbedDeploymentResult } from './embed-deployment';
export type { CollectProviderBatchResult, SubmitProviderBatchResult, UnansweredDocument } from './provider-batch';
export { createDocumentStore, createFsDocumentStore, StoreError, type DocumentStore, type DocumentStoreOptions, type S3StoreOptions } from './document-store';

/** Everything the activities touch from the outside world, injected so tests and benchmarks point it at fakes. */
export interface ActivityDeps {
  providers: Pick<ProviderRegistry, 'complete' | 'stream'> & Partial<Pick<ProviderRegistry, 'embed' | 'batch'>>;
  /** Where batch documents are read and results written (default: the local file system, and S3 for `s3://` locations with settings from the AWS environment). */
  documents?: DocumentStore;
  /** This process's links to routerHealth entities (default: one set for these activities). */
  health?: HealthAgents;
}

export function createActivities(deps: ActivityDeps) {
  const documents = deps.documents ?? createDocumentStore();
  const health = deps.health ?? new HealthAgents();
  return {
    callDeployment: createCallDeployment({ providers: deps.providers, documents, health }),
    embedDeployment: createEmbedDeployment({ providers: deps.providers, health }),
    ...createDocumentActivities({ documents }),
    ...createProbeActivities({ providers: deps.providers }),
    ...createProviderBatchActivities({ providers: deps.providers, documents }),
  };
}

export type RouterActivities = ReturnType<typeof createActivities>;
