import type { DeploymentInfo } from '../core/types';
import type { NormalizedDeployment } from './deployments';
import type { ConfigPath, IssueList } from './issues';
import type { FallbackSource, ParsedSettings } from './settings';

/** LiteLLM's wildcard source: `fallbacks: [{"*": [...]}]` applies to every group. */
export const WILDCARD_GROUP = '*';

export interface ResolvedFallbacks {
  readonly fallbacks: Record<string, string[]>;
  readonly contextWindowFallbacks: Record<string, string[]>;
  readonly contentPolicyFallbacks: Record<string, string[]>;
  readonly defaultFallbacks: string[] | undefined;
}

/** Duplicate ids, and groups that mix a complexity router with real deployments. */
export function checkDeploymentIds(issues: IssueList, deployments: readonly NormalizedDeployment[]): void {
  const firstById = new Map<string, NormalizedDeployment>();
  for (const d of deployments) {
    const first = firstById.get(d.info.id);
    if (first === undefined) firstById.set(d.info.id, d);
    else issues.error(d.idPath, `duplicate deployment id "${d.info.id}" (also model_list[${first.index}])`);
  }
  const routersByGroup = new Map<string, NormalizedDeployment[]>();
  const plainGroups = new Set<string>();
  for (const d of deployments) {
    if (d.complexity) routersByGroup.set(d.info.group, [...(routersByGroup.get(d.info.group) ?? []), d]);
    else plainGroups.add(d.info.group);
  }
  for (const [group, routers] of routersByGroup) {
    const [first, ...rest] = routers;
    if (first === undefined) continue;
    if (plainGroups.has(group)) {
      issues.error(['model_list', first.index, 'model_name'], `group "${group}" mixes a complexity router with provider deployments; give the router its own model_name`);
    }
    for (const other of rest) issues.error(['model_list', other.index, 'model_name'], `group "${group}" already has a complexity router (model_list[${first.index}])`);
  }
}

/** Complexity-router tiers and default groups must name real groups, and not other complexity routers. */
export function checkComplexityTargets(issues: IssueList, deployments: readonly NormalizedDeployment[], groupNames: ReadonlySet<string>): void {
  const routerGroups = new Set(deployments.filter((d) => d.complexity).map((d) => d.info.group));
  for (const d of deployments) {
    if (!d.complexity) continue;
    for (const { group, path } of d.complexity.targetPaths) {
      if (!groupNames.has(group)) issues.error(path, noGroup(group, groupNames));
      else if (routerGroups.has(group)) issues.error(path, `"${group}" is itself a complexity router; a tier must name a group of provider deployments`);
    }
  }
}

export function noGroup(group: string, groupNames: ReadonlySet<string>): string {
  const known = [...groupNames].sort();
  return `no model group "${group}"${known.length > 0 ? ` (groups: ${known.join(', ')})` : ''}`;
}

/**
 * Every fallback source and target must be a group; a group may not be listed
 * twice as a source in one list; no list may contain a cycle. The walker never
 * enters a group twice per request, so a cycle would not loop, but it means the
 * author's intended order is not what runs, which is worth stopping for.
 */
export function resolveFallbacks(
  issues: IssueList,
  settings: ParsedSettings,
  groupNames: ReadonlySet<string>,
  deployments: readonly NormalizedDeployment[],
): ResolvedFallbacks {
  const out = {
    fallbacks: {} as Record<string, string[]>,
    context_window_fallbacks: {} as Record<string, string[]>,
    content_policy_fallbacks: {} as Record<string, string[]>,
  };
  let wildcard: { path: ConfigPath; groups: string[] } | undefined;

  for (const source of settings.fallbackSources) {
    const target = out[source.kind];
    const sourceIndex = new Map<string, number>();
    source.entries.forEach((entry, i) => {
      for (const [from, targets] of Object.entries(entry)) {
        const entryPath: ConfigPath = [...source.path, i, from];
        if (from === WILDCARD_GROUP) {
          if (source.kind !== 'fallbacks') {
            issues.error(entryPath, `"*" is only allowed in fallbacks; use default_fallbacks or list the groups`);
          } else {
            wildcard = { path: entryPath, groups: [...targets] };
            checkTargets(issues, entryPath, from, targets, groupNames);
          }
          continue;
        }
        if (!groupNames.has(from)) issues.error(entryPath, noGroup(from, groupNames));
        const earlier = sourceIndex.get(from);
        if (earlier !== undefined) {
          issues.error(entryPath, `fallbacks for "${from}" are already given at ${source.kind}[${earlier}]`);
          continue;
        }
        sourceIndex.set(from, i);
        checkTargets(issues, entryPath, from, targets, groupNames);
        target[from] = [...new Set(targets)];
      }
    });
    reportCycles(issues, source, target);
    if (source.kind === 'context_window_fallbacks') warnSmallerWindows(issues, source, target, deployments);
  }

  let defaultFallbacks: string[] | undefined;
  if (settings.defaultFallbacks) {
    const { path, groups } = settings.defaultFallbacks;
    groups.forEach((g, i) => {
      if (!groupNames.has(g)) issues.error([...path, i], noGroup(g, groupNames));
    });
    defaultFallbacks = [...new Set(groups)];
    if (wildcard) issues.warn(wildcard.path, 'ignored: default_fallbacks is also set and takes precedence');
  } else if (wildcard) {
    defaultFallbacks = [...new Set(wildcard.groups)];
  }
  return {
    fallbacks: out.fallbacks,
    contextWindowFallbacks: out.context_window_fallbacks,
    contentPolicyFallbacks: out.content_policy_fallbacks,
    defaultFallbacks,
  };
}

function checkTargets(issues: IssueList, entryPath: ConfigPath, from: string, targets: readonly string[], groupNames: ReadonlySet<string>): void {
  const seen = new Set<string>();
  targets.forEach((to, j) => {
    if (to === from) issues.error([...entryPath, j], `"${from}" cannot fall back to itself`);
    else if (!groupNames.has(to)) issues.error([...entryPath, j], noGroup(to, groupNames));
    else if (seen.has(to)) issues.warn([...entryPath, j], `"${to}" is listed twice; the second is ignored`);
    seen.add(to);
  });
}

function reportCycles(issues: IssueList, source: FallbackSource, graph: Readonly<Record<string, readonly string[]>>): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const stack: string[] = [];
  const visit = (group: string): void => {
    state.set(group, 'visiting');
    stack.push(group);
    for (const next of graph[group] ?? []) {
      if (next === group) continue; // self-reference is reported where it is written
      const s = state.get(next);
      if (s === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const key = [...cycle].slice(0, -1).sort().join('\u0000');
        if (!reported.has(key)) {
          reported.add(key);
          issues.error(source.path, `fallback cycle: ${cycle.join(' -> ')}`);
        }
      } else if (s === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(group, 'done');
  };
  for (const group of Object.keys(graph)) if (!state.has(group)) visit(group);
}

function largestWindow(group: string, deployments: readonly NormalizedDeployment[]): number | undefined {
  let best: number | undefined;
  for (const d of deployments) {
    if (d.info.group !== group) continue;
    const w = (d.info as DeploymentInfo).maxInputTokens;
    if (w === undefined) return undefined; // unknown window: cannot judge
    best = best === undefined ? w : Math.max(best, w);
  }
  return best;
}

/** A context-window fallback to a group whose largest window is no bigger than the source's cannot help. */
function warnSmallerWindows(
  issues: IssueList,
  source: FallbackSource,
  graph: Readonly<Record<string, readonly string[]>>,
  deployments: readonly NormalizedDeployment[],
): void {
  source.entries.forEach((entry, i) => {
    for (const from of Object.keys(entry)) {
      const fromWindow = largestWindow(from, deployments);
      if (fromWindow === undefined) continue;
      (graph[from] ?? []).forEach((to) => {
        const toWindow = largestWindow(to, deployments);
        if (toWindow !== undefined && toWindow <= fromWindow) {
          const j = (entry[from] ?? []).indexOf(to);
          issues.warn([...source.path, i, from, j], `"${to}" holds at most ${toWindow} input tokens, no more than "${from}" (${fromWindow}); the router skips it on context-window errors`);
        }
      });
    }
  });
}
