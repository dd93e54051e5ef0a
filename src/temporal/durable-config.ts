import { assertNoLiteralSecrets, loadConfigFile, parseConfigObject, type LoadedRouterConfig } from '../config';
import { ROUTING_ENGINE, type DurableRouterConfig, type DurableRoutingOptions } from '../../workflows/types';
import { configFingerprint } from '../../workflows/router-health-state';

/** A loaded config, a path to a LiteLLM `config.yaml` / `.json`, or a LiteLLM-shaped object: what the in-process `Router` takes too. */
export type DurableConfigInput = LoadedRouterConfig | DurableRouterConfig | string | object;

function isLoaded(input: object): input is LoadedRouterConfig {
  return 'routing' in input && 'params' in input && 'literalSecrets' in input;
}

function isDurable(input: object): input is DurableRouterConfig {
  return 'routing' in input && 'params' in input && !('literalSecrets' in input);
}

/**
 * The part of a config a workflow needs, after refusing any literal secret:
 * workflow inputs are stored in history in the clear, so keys must stay
 * `os.environ/NAME` references that only activities resolve.
 */
export function toDurableConfig(input: DurableConfigInput): DurableRouterConfig {
  if (typeof input === 'object' && isDurable(input)) {
    assertNoLiteralParams(input);
    return input;
  }
  const loaded = typeof input === 'string' ? loadConfigFile(input) : isLoaded(input) ? input : parseConfigObject(input);
  assertNoLiteralSecrets(loaded);
  return {
    routing: loaded.routing,
    params: { ...loaded.params },
    ...(loaded.durability === undefined ? {} : { durability: { ...loaded.durability } }),
    ...(loaded.searchAttributes === undefined ? {} : { searchAttributes: loaded.searchAttributes }),
  };
}

/** Checks an already-reduced config the same way (it never went through the loader's secret scan). */
function assertNoLiteralParams(config: DurableRouterConfig): void {
  const bad = Object.values(config.params).filter((p) => p.apiKey !== undefined && !p.apiKey.startsWith('os.environ/'));
  if (bad.length > 0) {
    throw new Error(bad.map((p) => `params.${p.id}.apiKey: a literal API key would be written to workflow history; use "os.environ/NAME"`).join('\n'));
  }
}

/**
 * The routerHealth entity a config shares by default: one per task queue and
 * config content (deployments, their endpoints and the routing settings), so
 * every client, job and worker of the same config shares cooldowns without
 * naming a router, and two unrelated configs never mix their health. Name a
 * router (`sharedHealth.routerName`, `--router`) to keep one across config changes.
 */
export function defaultRouterName(config: DurableRouterConfig, taskQueue: string): string {
  return `${taskQueue}-${configFingerprint(config.routing)}${configFingerprint(config.params)}`;
}

/** Routing options with shared health on unless the caller set it (or turned it off with `false`). */
export function withSharedHealth(config: DurableRouterConfig, taskQueue: string, options: DurableRoutingOptions = {}): DurableRoutingOptions {
  if (options.sharedHealth !== undefined) return options;
  return { ...options, sharedHealth: { routerName: defaultRouterName(config, taskQueue) } };
}

/**
 * The routing options a client starts a run with: shared health as
 * `withSharedHealth` sets it, and this version's engine rules, so the run
 * learns them from its input rather than from patch markers.
 */
export function durableRoutingOptions(config: DurableRouterConfig, taskQueue: string, options: DurableRoutingOptions = {}): DurableRoutingOptions {
  return { ...withSharedHealth(config, taskQueue, options), engine: ROUTING_ENGINE };
}
