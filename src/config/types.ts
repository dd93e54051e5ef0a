import type { RouterConfig } from '../core/types';
import type { DurabilityMode, SearchAttributePolicy } from '../../workflows/types';
import type { DeploymentParams } from '../providers/types';
import type { ConfigIssue } from './issues';
import type { ModelPricingLookup } from './model-pricing';
import type { LiteralSecretLocation } from './secret-ref';

/**
 * A validated, normalised config: what the pure core routes on, plus how to
 * call each deployment. Plain JSON throughout. It holds no resolved secret:
 * keys stay `os.environ/NAME` references, except literal keys written in the
 * config, which `literalSecrets` lists so the durable path can refuse them.
 */
export interface LoadedRouterConfig {
  /** Deployments, groups and settings for `pick` and the walker. */
  readonly routing: RouterConfig;
  /** Provider call parameters per deployment id (complexity routers have none: they make no call). */
  readonly params: Readonly<Record<string, DeploymentParams>>;
  readonly literalSecrets: readonly LiteralSecretLocation[];
  readonly warnings: readonly ConfigIssue[];
  /** File the config came from, when it came from one. */
  readonly source?: string;
  /** What `llm-router serve` reads: gateway keys and per-group gateway settings (absent from configs built by hand). */
  readonly gateway?: GatewayConfig;
  /** `durable_settings.group_durability`: how each group's durable requests run unless the request says (DurableRouter reads it). */
  readonly durability?: Readonly<Record<string, DurabilityMode>>;
  /** `durable_settings.search_attributes`: `always` tags every durable request with our search attributes; absent, only requests with news (a failed call, a fallback). */
  readonly searchAttributes?: SearchAttributePolicy;
}

/** One entry of the `keys:` list. */
export interface GatewayKeyConfig {
  /** A literal key or `os.environ/NAME`, resolved by the gateway when it starts. Never logged. */
  key: string;
  /** Shown in metrics and messages in place of the key (default: its config path, e.g. `keys[2]`). */
  name: string;
  /** Model groups the key may call; every group when absent. */
  models?: string[];
  rpmLimit?: number;
  /** USD per calendar month (UTC). */
  monthlyBudgetUsd?: number;
  /** Config path of the entry, e.g. `keys[2]`, for errors found when the gateway resolves the key. */
  path: string;
}

export interface GatewayConfig {
  /** `general_settings.master_key`: every group, no limits. A literal or `os.environ/NAME`. */
  masterKey?: string;
  /** `general_settings.max_request_size_mb`, in bytes. */
  maxRequestBytes?: number;
  keys: GatewayKeyConfig[];
  /** `gateway_settings.durable_groups`: groups served by a durable routedCompletion. */
  durableGroups: string[];
}

export interface LoadConfigOptions {
  /**
   * Prices and context windows for models the config does not price itself.
   * Defaults to the provider layer's bundled price data.
   */
  readonly pricing?: ModelPricingLookup | null;
  /**
   * Whether a literal `api_key` (or a literal secret in an auth header) is a
   * warning (default) or an error. Durable callers pass false.
   */
  readonly allowLiteralSecrets?: boolean;
}
