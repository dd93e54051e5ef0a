// `temporal-llm-router`: what an application writes code against. The rest
// lives behind subpaths: `/temporal` (worker and client helpers, codec,
// health, schedules, observability, document stores), `/core` (the pure
// routing core), `/providers` (the provider registry and price data),
// `/gateway`, `/dev-server`, `/testing` (fake providers) and `/workflows`
// (the workflow code a worker bundles).
export const PACKAGE_NAME = 'temporal-llm-router';

// In-process routing.
export { Router, RouterFallbacksExhaustedError, routingOfError } from './router';
export type {
  RouterConfigInput,
  RouterOptions,
  RouterRequest,
  RouterCallOptions,
  RouterResponse,
  RouterChunk,
  RouterEvents,
  AttemptEvent,
  SuccessEvent,
  FailureEvent,
  CooldownEvent,
  FallbackEvent,
  WaitEvent,
  ErrorRouting,
} from './router';

// Durable routing: the client and the worker.
export { DurableRouter } from './temporal/client';
export type { DurableRouterOptions, DurableCompleteOptions, StartBatchOptions, BatchStartResult, BatchDocuments } from './temporal/client';
export { createWorker, DEFAULT_TASK_QUEUE } from './temporal/worker';
export type { CreateWorkerOptions } from './temporal/worker';
export type { RoutedCompletionResult, DurableRoutingOptions, DurabilityMode } from '../workflows/types';
export type { BatchProgress, BatchSummarizeResult, DocumentSource, DocumentResultRecord, BatchOutput } from '../workflows/batch-types';
export type { SharedHealthOptions } from '../workflows/router-health-link';

// LiteLLM-compatible config.
export { loadConfig, loadConfigFile, parseConfigText, parseConfigObject, ConfigError, isConfigError } from './config';
export type { LoadedRouterConfig, LoadConfigOptions, ConfigIssue } from './config';

// The error taxonomy: one class per kind, the router's own give-up errors, the guards.
export {
  LlmRouterError,
  BadRequestError,
  ContextWindowExceededError,
  ContentPolicyViolationError,
  UnsupportedParamsError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  Timeout,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  BadGatewayError,
  ServiceUnavailableError,
  APIConnectionError,
  MidStreamError,
  RequestAbortedError,
  APIError,
  ERROR_CLASS_NAMES,
  isLlmRouterError,
  isErrorClassName,
  errorClassOf,
  isRetryableError,
  isRetryableStatus,
} from './errors';
export type { ErrorClassName, LlmRouterErrorData } from './errors';
export { FallbacksExhaustedError, NoDeploymentsAvailableError } from './core/errors';

// The shapes requests and responses take.
export type { RoutingMetadata, AttemptRecord, PickExplanation, ComplexityExplanation, AppliedCooldown, RouterState } from './core/types';
export type { ChatRequest, ChatResponse, ChatChunk, ChatMessage, ToolCall, Usage } from './providers/types';
