// `temporal-llm-router/temporal`: the durable side beyond `DurableRouter` and
// `createWorker` (which the package root exports): the worker factory over an
// injected registry, batch client helpers, search attributes, the one
// error-to-failure translation, payload encryption, shared health, schedules,
// observability and the document stores batches read and write.
export { createRouterWorker, createWorker, DEFAULT_TASK_QUEUE, DEFAULT_STICKY_QUEUE_TIMEOUT_MS, routerBundleOptions } from './worker';
export type { CreateRouterWorkerOptions, CreateWorkerOptions } from './worker';
export {
  DurableRouter,
  startBatchSummarize,
  getBatchStatus,
  getBatchResult,
  cancelBatch,
  resumeBatch,
  BatchNotResumableError,
  spillInlineDocuments,
  BATCH_PROGRESS_QUERY,
  DEFAULT_WORKFLOW_TASK_TIMEOUT_MS,
  DEFAULT_UNCLAIMED_HINT_MS,
  DURABLE_CANCEL_GRACE_MS,
  DURABLE_TIMEOUT_GRACE_MS,
} from './client';
export type { DurableRouterOptions, StartBatchOptions, BatchStartResult, BatchDocuments, ResumeBatchOptions, DurableCompleteOptions, CompleteOptions } from './client';
export { toDurableConfig, defaultRouterName, withSharedHealth, durableRoutingOptions } from './durable-config';
export type { DurableConfigInput } from './durable-config';
export { toApplicationFailure, giveUpFailure, giveUpOfFailure, documentFailure } from './to-application-failure';
export type { ProviderFailureDetails, GiveUpDetails } from './to-application-failure';
export { ROUTER_SEARCH_ATTRIBUTES, LlmModelGroup, LlmServedBy, LlmFallbackCount, LlmFailedDeployments, LlmBatchServedBy } from './search-attributes';
export type { RoutedCompletionInput, RoutedCompletionResult, DurableRouterConfig, DurableRoutingOptions, CarriedRoutingState, DurabilityMode } from '../../workflows/types';
export type { BatchOutcome, FailureSample, BatchProgress, BatchSummarizeInput, BatchSummarizeResult, DocumentFormat, DocumentSource, DocumentResultRecord, BatchOutput } from '../../workflows/batch-types';
export type { SharedHealthOptions } from '../../workflows/router-health-link';
// Where batch documents are read and results written: the file system and S3-compatible object storage.
export { createDocumentStore, createFsDocumentStore, StoreError, s3ClientConfigFromEnv } from '../../activities/document-store';
export type { DocumentStore, DocumentStoreOptions, ListOptions, S3StoreOptions } from '../../activities/document-store';
export { createActivities } from '../../activities';
export type { ActivityDeps, RouterActivities } from '../../activities';
// Opt-in payload encryption: the data converter every client and worker must share, the codec and its server (docs/security.md).
export * from './codec';
// Shared router health: the entity, each process's agent, operations and probes (docs/health.md).
export * from './health';
export { HealthAgent, HealthAgents, DEFAULT_HEALTH_POLL_INTERVAL_MS, DEFAULT_HEALTH_FLUSH_DELAY_MS } from './health/agent';
export type { HealthAgentOptions } from './health/agent';
// Recurring batches on Temporal Schedules.
export * from './schedules';
// Opt-in tracing and worker metrics (docs/observability.md).
export * from './observability';
