import { assertNoLiteralSecrets, loadConfigFile, parseConfigObject, type LoadedRouterConfig } from '../config';
import type { DurableRouterConfig } from '../../workflows/types';

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
  return { routing: loaded.routing, params: { ...loaded.params } };
}

/** Checks an already-reduced config the same way (it never went through the loader's secret scan). */
function assertNoLiteralParams(config: DurableRouterConfig): void {
  const bad = Object.values(config.params).filter((p) => p.apiKey !== undefined && !p.apiKey.startsWith('os.environ/'));
  if (bad.length > 0) {
    throw new Error(bad.map((p) => `params.${p.id}.apiKey: a literal API key would be written to workflow history; use "os.environ/NAME"`).join('\n'));
  }
}
