// Shapes that cross the client ↔ workflow boundary. Plain JSON only: they are
// written to workflow history, so they hold references (`os.environ/NAME`,
// file paths), never secrets or whole documents.
import type { AppliedCooldown, AttemptRecord, RouterConfig, RouterState } from '../src/core/types';
import type { ChatRequest, ChatResponse, DeploymentParams } from '../src/providers/types';
import type { SharedHealthOptions } from './router-health-link';

/** A loaded router config as the workflows need it: the core's routing tables plus how to call each deployment. */
export interface DurableRouterConfig {
  routing: RouterConfig;
  /** Per deployment id; API keys are `os.environ/NAME` references, resolved by the activity. */
  params: Record<string, DeploymentParams>;
}

/** Temporal-side knobs the LiteLLM config has no key for; every field has a named default in `hop-policy.ts`. */
export interface DurableRoutingOptions {
  /** First retry delay of a hop's RetryPolicy (a provider's Retry-After overrides it per attempt). */
  initialRetryIntervalMs?: number;
  backoffCoefficient?: number;
  maximumRetryIntervalMs?: number;
  /** Start-to-close timeout of one attempt when neither the deployment nor the router sets `timeout`. */
  hopTimeoutMs?: number;
  /** A worker that dies mid-call is noticed after this long instead of after the whole call timeout. */
  heartbeatTimeoutMs?: number;
  /** Share cooldowns, latency and usage with every workflow of this router through the routerHealth entity (docs/health.md). Off when unset. */
  sharedHealth?: SharedHealthOptions;
}

/** Routing state that outlives one request: carried between runs by continue-as-new. */
export interface CarriedRoutingState {
  router: RouterState;
  /** Deployments that failed and have not succeeded since: at most one call in flight each (a probe). */
  probing: string[];
}

export interface HopRecord {
  hop: number;
  deployment: string;
  model: string;
  group: string;
  reason: 'initial' | 'retry' | 'fallback';
  outcome: 'success' | 'failure';
  /** Temporal attempts inside this hop (its RetryPolicy's retries on the same deployment). */
  attempts: number;
  errorClass?: string;
  status?: number;
  message?: string;
  durationMs: number;
  summary: string;
}

/** Where a response came from and how it got there (the workflow's counterpart of the in-process Router's metadata). */
export interface DurableRoutingMetadata {
  requestedGroup: string;
  group: string;
  servedBy: string;
  model: string;
  provider: string;
  /** Provider calls made, Temporal retries inside hops included. */
  attempts: number;
  fallbackCount: number;
  fallbackPath: string[];
  failedDeployments: string[];
  hops: HopRecord[];
  attemptLog: AttemptRecord[];
  cooldowns: AppliedCooldown[];
  latencyMs: number;
  costUsd?: number;
}

export interface RoutedCompletionInput {
  config: DurableRouterConfig;
  /** `model` names the model group. */
  request: ChatRequest & { model: string };
  options?: DurableRoutingOptions;
  /** Start from this routing state (e.g. cooldowns another run learned). */
  state?: CarriedRoutingState;
}

export interface RoutedCompletionResult {
  response: ChatResponse;
  routing: DurableRoutingMetadata;
  /** Routing state after this request, for a caller that chains requests. */
  state: CarriedRoutingState;
}
