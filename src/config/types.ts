import type { RouterConfig } from '../core/types';
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
