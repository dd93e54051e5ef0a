// Public entry point of temporal-llm-router.
// Workflow code lives in `temporal-llm-router/workflows` (bundled by the worker) and
// the fake provider server in `temporal-llm-router/testing`; everything else is here.
export const PACKAGE_NAME = 'temporal-llm-router';

// In-process routing over the same pure core the workflows run.
export * from './router';
export * as core from './core';
export { NoDeploymentsAvailableError, FallbacksExhaustedError } from './core';
export type { RouterConfig, RouterState, RoutingMetadata, AttemptRecord } from './core';

// LiteLLM-compatible config, providers and the error taxonomy.
export * from './config';
export * from './providers';
export * from './errors';

// Temporal: the dev server, the worker and the single error-to-failure translation.
export * from './dev-server';
export { createRouterWorker, createWorker, DEFAULT_TASK_QUEUE } from './temporal/worker';
export type { CreateRouterWorkerOptions, CreateWorkerOptions } from './temporal/worker';
export { DurableRouter, startBatchSummarize, getBatchStatus, getBatchResult, cancelBatch, BATCH_PROGRESS_QUERY } from './temporal/client';
export type { DurableRouterOptions, StartBatchOptions, BatchStartResult, BatchDocuments } from './temporal/client';
export { toDurableConfig } from './temporal/durable-config';
export type { DurableConfigInput } from './temporal/durable-config';
export type { RoutedCompletionInput, RoutedCompletionResult, DurableRoutingOptions } from '../workflows/types';
export type { BatchProgress, BatchSummarizeResult, DocumentFormat, DocumentSource, DocumentResultRecord, BatchOutput } from '../workflows/batch-types';
// Where batch documents are read and results written: the file system and S3-compatible object storage.
export { createDocumentStore, createFsDocumentStore, StoreError, s3ClientConfigFromEnv } from '../activities/document-store';
export type { DocumentStore, DocumentStoreOptions, ListOptions, S3StoreOptions } from '../activities/document-store';
export { toApplicationFailure } from './temporal/to-application-failure';
export type { ProviderFailureDetails } from './temporal/to-application-failure';
export { ROUTER_SEARCH_ATTRIBUTES, LlmModelGroup, LlmServedBy, LlmFallbackCount, LlmFailedDeployments } from './temporal/search-attributes';

// Opt-in payload encryption: the data converter every client and worker must share, the codec and its server (docs/security.md).
export * from './temporal/codec';
// Shared router health: start or reconfigure the routerHealth entity, read it, cool down or restore by hand, probes (docs/health.md).
export * from './temporal/health';
export type { SharedHealthOptions } from '../workflows/router-health-link';
// Recurring batches on Temporal Schedules.
export * from './temporal/schedules';
// Opt-in tracing and worker metrics (docs/observability.md).
export * from './temporal/observability';
