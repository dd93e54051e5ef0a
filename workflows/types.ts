// Shapes that cross the client ↔ workflow boundary. Plain JSON only: they are
// written to workflow history, so they hold references (`os.environ/NAME`,
// file paths), never secrets or whole documents.
import type { RouterConfig, RouterState, RoutingMetadata } from '../src/core/types';
import type { ChatRequest, ChatResponse, DeploymentParams, EmbeddingRequest, EmbeddingResponse, RequestMetadata } from '../src/providers/types';
import type { SharedHealthOptions } from './router-health-link';

/**
 * How a routed request's hops run:
 *   - `standard`: each hop is a normal activity, dispatched through the task
 *     queue, heartbeating, visible as its own events in history (batches);
 *   - `latency`: each hop is a local activity run by the worker that runs the
 *     workflow, with the same RetryPolicy, summary and failure details, and no
 *     task-queue round trip or extra workflow task per hop. A hop whose call
 *     could outlive what a local activity should hold (a long timeout, a
 *     stream) still runs as a normal activity (`workflows/hop-policy.ts`).
 */
export type DurabilityMode = 'standard' | 'latency';

export const DURABILITY_MODES: readonly DurabilityMode[] = ['standard', 'latency'];

/**
 * The routing rules this version's clients start runs under
 * (`DurableRoutingOptions.engine`). A run that names them needs no
 * `patched()` check to learn them: in a new run every such check writes a
 * patch marker and a `TemporalChangeVersion` search-attribute update (two
 * history events and one visibility write per check), which for a one-hop
 * request cost about 6% of a dev server's throughput. Runs that name it
 * also write search attributes by `DurableRouterConfig.searchAttributes`
 * (default: only with news). Runs started without it (by older clients, or
 * recorded histories) still ask `patched()`, and tag every outcome.
 */
export const ROUTING_ENGINE = 2;

/** A loaded router config as the workflows need it: the core's routing tables plus how to call each deployment. */
export interface DurableRouterConfig {
  routing: RouterConfig;
  /** Per deployment id; API keys are `os.environ/NAME` references, resolved by the activity. */
  params: Record<string, DeploymentParams>;
  /** Per model group (`durable_settings.group_durability`): the mode its durable requests run in unless the request names one. */
  durability?: Record<string, DurabilityMode>;
  /** `durable_settings.search_attributes` (absent: `failover`). */
  searchAttributes?: SearchAttributePolicy;
}

/**
 * Which routed requests write our search attributes (`LlmModelGroup`,
 * `LlmServedBy`, `LlmFallbackCount`, `LlmFailedDeployments`):
 *   - `failover` (the default): a request with news, that is a failed call or
 *     a fallback, so every failover can be found in the UI; a request its
 *     first pick served writes none, which spares it a history event and a
 *     visibility write (about 6% of a dev server's throughput for a one-hop
 *     latency-mode request);
 *   - `always`: every request, so `LlmServedBy` also finds the requests a
 *     deployment served first time.
 */
export type SearchAttributePolicy = 'failover' | 'always';

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
  /** How hops run (default `standard`); the client resolves it from the request, the group's setting and the caller's default. */
  durability?: DurabilityMode;
  /** In `latency` mode, a hop whose call timeout (plus grace) is longer than this runs as a normal activity (default `DEFAULT_LOCAL_HOP_LIMIT_MS`). */
  localHopLimitMs?: number;
  /**
   * The routing rules the run follows, set by the client (`ROUTING_ENGINE`):
   * with it the run takes the current rules (and, in `latency` mode, local
   * hops) without `patched()` checks; without it, it asks them. Clients
   * fill it in (`durableRoutingOptions`); workers must be upgraded before
   * clients, as for any new input field.
   */
  engine?: number;
}

/** Routing state that outlives one request: carried between runs by continue-as-new. */
export interface CarriedRoutingState {
  router: RouterState;
  /** Runs of the older rules listed suspect deployments here; the state's `suspect` flags now say it. */
  probing?: string[];
}

export interface RoutedCompletionInput {
  /**
   * The content hash of the config (src/temporal/config-ref): a request that
   * carries it leaves `config` out of history, and the worker's codec fills
   * `config` in from the config's routerConfig workflow before this
   * workflow runs. First key, so the codec finds it by prefix.
   */
  configRef?: string;
  /** Present when the workflow runs (given inline, or filled in from `configRef`). */
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
  /** The provider's response; its call metadata is `routing` (workflows older than config references also left the hop's in `response.routing`). */
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
