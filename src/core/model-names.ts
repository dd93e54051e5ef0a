// Which group a requested model name routes to, beyond a group of that name:
// a `model_group_alias` entry, or a wildcard deployment (`model_name:
// "openai/*"`) that serves any model of its provider with the name the caller
// asked for. Pure, like the rest of the core, so the in-process Router, the
// workflow router and the gateway all route names the same way.
import type { DeploymentInfo, RouterConfig } from './types';

/** Whether a group name is a wildcard pattern (`openai/*`, `*`, `claude-*`). */
export function isWildcard(name: string): boolean {
  return name.includes('*');
}

/** The parts of `name` the pattern's `*`s stand for, or undefined when it does not match. */
export function matchWildcard(pattern: string, name: string): string[] | undefined {
  const parts = pattern.split('*');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (!name.startsWith(first) || !name.endsWith(last) || name.length < first.length + last.length) return undefined;
  const captured: string[] = [];
  let at = first.length;
  const end = name.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const literal = parts[i] ?? '';
    const found = name.indexOf(literal, at + 1);
    if (found === -1 || found + literal.length > end) return undefined;
    captured.push(name.slice(at, found));
    at = found + literal.length;
  }
  const tail = name.slice(at, end);
  if (tail === '') return undefined;
  captured.push(tail);
  return captured;
}

/** The most specific wildcard group matching `name` (the longest literal text wins), with what its `*`s matched. */
export function wildcardGroupFor(config: RouterConfig, name: string): { group: string; captured: string[] } | undefined {
  let best: { group: string; captured: string[] } | undefined;
  let bestLiteral = -1;
  for (const group of Object.keys(config.groups)) {
    if (!isWildcard(group)) continue;
    const captured = matchWildcard(group, name);
    if (captured === undefined) continue;
    const literal = group.length - (group.split('*').length - 1);
    if (literal > bestLiteral) {
      best = { group, captured };
      bestLiteral = literal;
    }
  }
  return best;
}

/** The group a name routes to directly: itself, or its alias target. */
export function aliasTarget(config: RouterConfig, name: string): string {
  if (config.groups[name] !== undefined) return name;
  return config.aliases?.[name]?.group ?? name;
}

/** Whether a request for `name` has somewhere to go: a group, an alias or a matching wildcard. */
export function routesModel(config: RouterConfig, name: string): boolean {
  return config.groups[name] !== undefined || config.aliases?.[name] !== undefined || wildcardGroupFor(config, name) !== undefined;
}

/** Names a model list shows: the groups that are not patterns and the aliases that are not hidden. */
export function listedModels(config: RouterConfig): string[] {
  const names = Object.keys(config.groups).filter((g) => !isWildcard(g));
  for (const [alias, target] of Object.entries(config.aliases ?? {})) if (!target.hidden && !names.includes(alias)) names.push(alias);
  return names;
}

function substitute(model: string, captured: readonly string[]): string {
  if (model === '*') return captured.join('');
  let i = 0;
  return model.replace(/\*/g, () => captured[i++] ?? '');
}

/**
 * The config a request for `name` routes on. Unchanged when `name` is a group
 * or an alias; when only a wildcard group matches, the same config plus a
 * group named `name` whose deployments are the wildcard's, each calling the
 * requested model (`openai/*` asked for `openai/gpt-4o-mini` calls
 * `openai/gpt-4o-mini`). Their ids are the wildcard's id and the name, so each
 * model keeps its own cooldowns and shared health.
 */
export function configForModel(config: RouterConfig, name: string): RouterConfig {
  if (config.groups[name] !== undefined || config.aliases?.[name] !== undefined) return config;
  const match = wildcardGroupFor(config, name);
  if (match === undefined) return config;
  const ids: string[] = [];
  const deployments: Record<string, DeploymentInfo> = { ...config.deployments };
  for (const id of config.groups[match.group] ?? []) {
    const d = config.deployments[id];
    if (d === undefined) continue;
    const model = substitute(d.model, match.captured);
    const slash = model.indexOf('/');
    const derived: DeploymentInfo = { ...d, id: `${id}|${name}`, group: name, model, wildcardOf: id };
    if (d.model === '*') derived.provider = slash === -1 ? 'openai' : model.slice(0, slash);
    deployments[derived.id] = derived;
    ids.push(derived.id);
  }
  return { ...config, deployments, groups: { ...config.groups, [name]: ids } };
}

/** Call parameters of a picked deployment; a wildcard-made one uses its wildcard's, calling its own model. */
export function paramsForDeployment<P extends { id: string; model: string }>(params: Readonly<Record<string, P>>, deployment: DeploymentInfo): P | undefined {
  const own = params[deployment.id];
  if (own !== undefined || deployment.wildcardOf === undefined) return own;
  const base = params[deployment.wildcardOf];
  return base === undefined ? undefined : { ...base, id: deployment.id, model: deployment.model };
}
