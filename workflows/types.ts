// Shapes that cross the client ↔ workflow boundary. Plain JSON only: they are
// written to workflow history, so they hold references (`os.environ/NAME`,
// file paths), never secrets or whole documents.
import type { RouterConfig, RouterState, RoutingMetadata } from '../src/core/types';
import type { ChatRequest, ChatResponse, DeploymentParams, EmbeddingRequest, EmbeddingResponse, RequestMetadata } from '../src/providers/types';
import type { SharedHealthOptions } from './router-health-link';

/** A loaded router config as the workflows need it: the core's routing tables plus how to call each deployment. */
export interface DurableRouterConfig {
  routing: RouterConfig;
  /** Per deployment id; API keys are `os.environ/NAME` references, resolved by the activity. */
  params: Record<string, DeploymentParams>;
}

/**
 * Temporal-side knobs the LiteLLM config has no key for; every field has a
 * named default in `hop-policy.ts`. Provider errors never use them (the
 * routing driver retries those, as in-process); they shape how a hop lost to
 * our own infrastructure is noticed and run again.
 */
export interface DurableRoutingOptions {
  /** First re-run of a hop whose worker was lost. */
  initialRetryIntervalMs?: number;
  backoffCoefficient?: number;
  maximumRetryIntervalMs?: number;
  /** A worker that dies mid-call is noticed after this long instead of after the whole call timeout. */
  heartbeatTimeoutMs?: number;
  /**
   * Share cooldowns, latency and usage with every workflow of this router
   * through the routerHealth entity (docs/health.md); `false` routes on this
   * workflow's own state. `DurableRouter` and the client helpers fill it in
   * by default (`withSharedHealth`); a workflow started without it routes alone.
   */
  sharedHealth?: SharedHealthOptions | false;
}

/** Routing state that outlives one request: carried between runs by continue-as-new. */
export interface CarriedRoutingState {
  router: RouterState;
  /** Runs of the older rules listed suspect deployments here; the state's `suspect` flags now say it. */
  probing?: string[];
}

export interface RoutedCompletionInput {
  config: DurableRouterConfig;
  /** `model` names the model group. */
  request: ChatRequest & { model: string };
  options?: DurableRoutingOptions;
  /** Start from this routing state (e.g. cooldowns another run learned). */
  state?: CarriedRoutingState;
  /** The prompt's token count, when the config's pre-call checks or usage routing read it (counted by the client). */
  estimatedInputTokens?: number;
}

export interface RoutedCompletionResult {
  response: ChatResponse;
  /** The same fields the in-process Router's responses carry. */
  routing: RoutingMetadata;
  /**
   * Routing state after this request, for a caller that chains requests
   * instead of sharing health (`sharedHealth: false`); absent when health is
   * shared, where the routerHealth entity holds it.
   */
  state?: CarriedRoutingState;
}

export interface RoutedEmbeddingInput {
  config: DurableRouterConfig;
  /** `model` names the model group; `metadata.tags` routes by tag. */
  request: EmbeddingRequest & { model: string; metadata?: RequestMetadata };
  options?: DurableRoutingOptions;
  state?: CarriedRoutingState;
}

export interface RoutedEmbeddingResult {
  response: EmbeddingResponse;
  routing: RoutingMetadata;
  state?: CarriedRoutingState;
}
