import type { AppliedCooldown, AttemptReason, RouterState, RoutingMetadata, WaitStep } from '../core/types';
import type { LlmRouterError } from '../errors';
import type { ProviderRegistry } from '../providers/registry';
import type { ChatChunk, ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, RequestMetadata } from '../providers/types';
import type { Env } from '../providers/resolve';
import type { ProviderLogOptions } from '../providers/logger';
import type { SharedHealthSource } from './shared-health';

/** `logger` / `logLevel` route the provider SDKs' log lines (default: silent); ignored when `providers` is given. */
export interface RouterOptions extends ProviderLogOptions {
  /** Where `os.environ/NAME` references are resolved at call time (default `process.env`). Ignored when `providers` is given. */
  readonly env?: Env;
  /** Epoch milliseconds (default `Date.now`). Drives cooldowns, latency samples and rpm windows. */
  readonly now?: () => number;
  /** Uniform in [0, 1) (default `Math.random`). Drives weighted picks and backoff jitter. */
  readonly random?: () => number;
  /** Provider registry; tests and benchmarks pass one pointed at fake servers. */
  readonly providers?: ProviderRegistry;
  /** How the router waits for backoff and cooldowns (default: a timer). Tests inject a fake clock's sleep. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Start from this state (e.g. one saved by `getState()`), instead of a fresh one. */
  readonly initialState?: RouterState;
  /**
   * Health shared with other routers (gateway replicas, durable jobs): its view is laid over this
   * router's state before each pick and it hears every call at once. Without it the router routes on
   * its own state. `healthAgentSource()` from `/temporal` shares through the routerHealth entity.
   */
  readonly sharedHealth?: SharedHealthSource;
}

/** An OpenAI-shaped request whose `model` names a model group. */
export interface RouterRequest extends ChatRequest {
  model: string;
}

export interface RouterCallOptions {
  readonly signal?: AbortSignal;
}

/** A chat completion with `routing`: which deployment answered, after which attempts, at what cost (the same fields on every path). */
export type RouterResponse = Omit<ChatResponse, 'routing'> & { routing: RoutingMetadata };
/** An OpenAI-shaped embeddings request whose `model` names a model group (`metadata.tags` routes by tag, as for chat). */
export interface RouterEmbeddingRequest extends EmbeddingRequest {
  model: string;
  metadata?: RequestMetadata;
}

/** Embeddings with `routing`, the same fields as a chat completion's (cost from the input tokens and price data). */
export type RouterEmbeddingResponse = Omit<EmbeddingResponse, 'routing'> & { routing: RoutingMetadata };

/** A stream chunk; the final one carries `routing`. */
export type RouterChunk = Omit<ChatChunk, 'routing'> & { routing?: RoutingMetadata };

// --- Events -----------------------------------------------------------------

interface RequestEventBase {
  /** Per-router sequence number, so listeners can group events of one request. */
  readonly requestId: number;
  readonly requestedGroup: string;
}

export interface AttemptEvent extends RequestEventBase {
  readonly attemptNo: number;
  readonly group: string;
  readonly deploymentId: string;
  readonly reason: AttemptReason;
  readonly isFallback: boolean;
  /** Backoff before this call (0 when moving to another deployment). */
  readonly delayMs: number;
  readonly stream: boolean;
}

export interface SuccessEvent extends RequestEventBase {
  readonly attemptNo: number;
  readonly group: string;
  readonly deploymentId: string;
  readonly latencyMs: number;
  readonly costUsd?: number;
}

export interface FailureEvent extends RequestEventBase {
  readonly attemptNo: number;
  readonly group: string;
  readonly deploymentId: string;
  readonly error: LlmRouterError;
  readonly latencyMs: number;
}

export interface CooldownEvent extends RequestEventBase, AppliedCooldown {}

export interface FallbackEvent extends RequestEventBase {
  readonly from: string;
  readonly to: string;
  /** Class of the error that sent the request on (null when the group had nothing available). */
  readonly errorClass: string | null;
}

/** Everything available was cooling or being probed; the request waited before picking again. */
export interface WaitEvent extends RequestEventBase {
  readonly reason: WaitStep['reason'];
  readonly delayMs: number;
}

export interface RouterEvents {
  attempt: AttemptEvent;
  success: SuccessEvent;
  failure: FailureEvent;
  cooldown: CooldownEvent;
  fallback: FallbackEvent;
  wait: WaitEvent;
}
