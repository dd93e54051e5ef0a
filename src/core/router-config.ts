// Assembles the lookup tables `pick` needs once, so each decision is a couple
// of property reads instead of a scan of the model list. Validation with
// path-naming errors is the config layer's job; this only refuses what would
// make the core itself ambiguous.
import { defaultRouterSettings } from './defaults';
import type { DeploymentInfo, RouterConfig, RouterSettings, RoutingStrategyArgs } from './types';

export interface RouterSettingsInput extends Partial<Omit<RouterSettings, 'routingStrategyArgs'>> {
  routingStrategyArgs?: { latency?: Partial<RoutingStrategyArgs['latency']>; usage?: Partial<RoutingStrategyArgs['usage']> };
}

export function buildRouterConfig(deployments: readonly DeploymentInfo[], settings: RouterSettingsInput = {}): RouterConfig {
  const base = defaultRouterSettings();
  const merged: RouterSettings = { ...base };
  for (const key of Object.keys(settings) as (keyof RouterSettingsInput)[]) {
    const value = settings[key];
    if (value !== undefined && key !== 'routingStrategyArgs') (merged as unknown as Record<string, unknown>)[key] = value;
  }
  merged.routingStrategyArgs = {
    latency: { ...base.routingStrategyArgs.latency, ...dropUndefined(settings.routingStrategyArgs?.latency) },
    usage: { ...base.routingStrategyArgs.usage, ...dropUndefined(settings.routingStrategyArgs?.usage) },
  };
  const byId: Record<string, DeploymentInfo> = {};
  const groups: Record<string, string[]> = {};
  for (const d of deployments) {
    if (Object.prototype.hasOwnProperty.call(byId, d.id)) throw new Error(`duplicate deployment id "${d.id}"`);
    byId[d.id] = d;
    const ids = groups[d.group];
    if (ids) ids.push(d.id);
    else groups[d.group] = [d.id];
  }
  return { deployments: byId, groups, settings: merged };
}

function dropUndefined<T extends object>(o: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (!o) return out;
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
