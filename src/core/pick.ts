// `pick`: which deployment of a group serves the next call. Filters run in a
// fixed order (walker exclusions, cooldown, context window, rpm/tpm limits,
// already-tried peers, `order` tier) and the configured strategy chooses among
// what is left. Reads state, never writes it.
import { groupForTier, scoreComplexity } from './complexity/score';
import { aliasTarget } from './model-names';
import { overBudget } from './budgets';
import { STRATEGIES } from './strategies';
import { windowOf } from './state';
import {
  COMPLEXITY_ROUTER_MODEL,
  type ComplexityExplanation,
  type DeploymentInfo,
  type DeploymentState,
  type PickConstraints,
  type PickResult,
  type RouterConfig,
  type RouterState,
  type RoutingRequest,
  type SkippedDeployment,
} from './types';

export interface ResolvedGroup {
  group: string;
  complexity: ComplexityExplanation | null;
}

/**
 * A complexity-router group resolves to the group of the scored tier; any
 * other group resolves to itself. One level only: a tier that names another
 * complexity router is routed as an ordinary group, so a config loop cannot hang.
 */
export function resolveGroup(config: RouterConfig, request: RoutingRequest): ResolvedGroup {
  const name = aliasTarget(config, request.group);
  const ids = config.groups[name];
  if (ids === undefined) return { group: name, complexity: null };
  for (const id of ids) {
    const d = config.deployments[id];
    if (d === undefined || d.model !== COMPLEXITY_ROUTER_MODEL || d.complexityRouterConfig === undefined) continue;
    const scored = scoreComplexity(request.text ?? '', d.complexityRouterConfig, request.estimatedInputTokens);
    const target = groupForTier(d.complexityRouterConfig, scored.tier) ?? name;
    return { group: target, complexity: { routerDeploymentId: id, ...scored, targetGroup: target } };
  }
  return { group: name, complexity: null };
}

export function pick(
  config: RouterConfig,
  state: RouterState,
  request: RoutingRequest,
  now: number,
  random: () => number,
  constraints: PickConstraints = {},
): PickResult {
  const resolved = resolveGroup(config, request);
  const result = pickInGroup(config, state, resolved.group, request, now, random, constraints);
  if (resolved.complexity !== null) {
    if (result.kind === 'picked') result.explanation.complexity = resolved.complexity;
    else result.complexity = resolved.complexity;
  }
  return result;
}

/** Like `pick`, for a group already resolved (the walker resolves complexity once per request). */
export function pickInGroup(
  config: RouterConfig,
  state: RouterState,
  group: string,
  request: RoutingRequest,
  now: number,
  random: () => number,
  constraints: PickConstraints = {},
): PickResult {
  const settings = config.settings;
  const strategyName = settings.routingStrategy;
  const ids = config.groups[group];
  if (ids === undefined || ids.length === 0) {
    return { kind: 'no-deployments', group, unknownGroup: true, deployments: [], earliestAvailableAt: null };
  }
  const window = windowOf(config, now);
  const enforceLimits = settings.enablePreCallChecks || strategyName === 'usage-based-routing-v2';
  const est = request.estimatedInputTokens;
  const needed = settings.enablePreCallChecks && est !== undefined ? est + (request.maxOutputTokens ?? 0) : undefined;
  const minWindow = constraints.minContextWindowExclusive;
  const exclude = constraints.exclude;
  const avoid = constraints.avoid;

  const skipped: SkippedDeployment[] = [];
  let candidates: DeploymentInfo[] = [];
  let states: (DeploymentState | undefined)[] = [];
  let avoided = 0;
  const tagged = settings.enableTagFiltering === true ? tagMatches(config, ids, request.tags) : undefined;
  const spent = config.budgets === undefined ? undefined : overBudget(config, state, ids, now);
  for (const id of ids) {
    const d = config.deployments[id];
    if (d === undefined || d.model === COMPLEXITY_ROUTER_MODEL) continue;
    if (tagged !== undefined && !tagged.has(id)) { skipped.push({ id, reason: 'tags' }); continue; }
    const budgetUntil = spent?.get(id);
    if (budgetUntil !== undefined) { skipped.push({ id, reason: 'budget', until: budgetUntil }); continue; }
    const ds = state.deployments[id];
    if (exclude !== undefined && exclude.includes(id)) { skipped.push({ id, reason: 'excluded' }); continue; }
    if (ds !== undefined && ds.suspect === true && ds.inFlight > 0) { skipped.push({ id, reason: 'probing' }); continue; }
    if (ds !== undefined && ds.cooldownUntil > now) {
      const s: SkippedDeployment = { id, reason: 'cooldown', until: ds.cooldownUntil };
      if (ds.cooldownReason !== null) s.cooldown = ds.cooldownReason;
      skipped.push(s);
      continue;
    }
    if (minWindow !== undefined && d.maxInputTokens !== undefined && d.maxInputTokens <= minWindow) {
      skipped.push({ id, reason: 'smaller-context-window' });
      continue;
    }
    if (needed !== undefined && d.maxInputTokens !== undefined && needed > d.maxInputTokens) {
      skipped.push({ id, reason: 'context-window' });
      continue;
    }
    if (enforceLimits) {
      const cur = ds !== undefined && ds.window === window ? ds : undefined;
      if (d.rpm !== undefined && (cur?.rpmUsed ?? 0) >= d.rpm) { skipped.push({ id, reason: 'rpm-limit' }); continue; }
      if (d.tpm !== undefined && (cur?.tpmUsed ?? 0) + (est ?? 0) > d.tpm) { skipped.push({ id, reason: 'tpm-limit' }); continue; }
    }
    if (avoid !== undefined && avoid.includes(id)) avoided++;
    candidates.push(d);
    states.push(ds);
  }

  if (candidates.length === 0) return unavailable(config, group, skipped, window);

  // Peers not yet tried in this request come first; tried ones only when nothing else is left.
  if (avoided > 0 && avoided < candidates.length && avoid !== undefined) {
    const keepD: DeploymentInfo[] = [];
    const keepS: (DeploymentState | undefined)[] = [];
    for (let i = 0; i < candidates.length; i++) {
      const d = candidates[i] as DeploymentInfo;
      if (avoid.includes(d.id)) skipped.push({ id: d.id, reason: 'already-tried' });
      else { keepD.push(d); keepS.push(states[i]); }
    }
    candidates = keepD;
    states = keepS;
  }

  // `order` tiers: the lowest value wins; deployments without `order` rank after every ordered one.
  let orderTier: number | undefined;
  for (const d of candidates) if (d.order !== undefined && (orderTier === undefined || d.order < orderTier)) orderTier = d.order;
  if (orderTier !== undefined) {
    let mixed = false;
    for (const d of candidates) if (d.order !== orderTier) { mixed = true; break; }
    if (mixed) {
      const keepD: DeploymentInfo[] = [];
      const keepS: (DeploymentState | undefined)[] = [];
      for (let i = 0; i < candidates.length; i++) {
        const d = candidates[i] as DeploymentInfo;
        if (d.order === orderTier) { keepD.push(d); keepS.push(states[i]); }
        else skipped.push({ id: d.id, reason: 'lower-priority' });
      }
      candidates = keepD;
      states = keepS;
    }
  }

  const choice = candidates.length === 1
    ? { index: 0 }
    : STRATEGIES[strategyName]({ config, candidates, states, request, now, window, random });
  const chosen = candidates[choice.index] ?? (candidates[0] as DeploymentInfo);
  const explanation: PickResult & { kind: 'picked' } = {
    kind: 'picked',
    deployment: chosen,
    explanation: { strategy: strategyName, group, candidates: candidates.map((d) => d.id), skipped },
  };
  if (orderTier !== undefined) explanation.explanation.orderTier = orderTier;
  if ('scores' in choice && choice.scores !== undefined) explanation.explanation.scores = choice.scores;
  return explanation;
}

/**
 * LiteLLM's tag filtering: a tagged request goes to deployments sharing one of
 * its tags, else to `default` ones; an untagged request goes to `default`
 * ones when there are any, else anywhere. The set may be empty: then every
 * deployment is skipped for its tags and the error says so.
 */
function tagMatches(config: RouterConfig, ids: readonly string[], tags: readonly string[] | undefined): Set<string> {
  const matched = new Set<string>();
  const defaults = new Set<string>();
  for (const id of ids) {
    const own = config.deployments[id]?.tags;
    if (own === undefined) continue;
    if (own.includes('default')) defaults.add(id);
    if (tags !== undefined && tags.some((t) => own.includes(t))) matched.add(id);
  }
  if (tags !== undefined && tags.length > 0) return matched.size > 0 ? matched : defaults;
  return defaults.size > 0 ? defaults : new Set(ids);
}

function unavailable(config: RouterConfig, group: string, skipped: SkippedDeployment[], window: number): PickResult {
  let earliest: number | null = null;
  const nextWindow = (window + 1) * config.settings.routingStrategyArgs.usage.windowMs;
  for (const s of skipped) {
    // Cooldowns end at a known time; rpm/tpm limits reset with the next window.
    const back = s.reason === 'cooldown' || s.reason === 'budget' ? s.until : s.reason === 'rpm-limit' || s.reason === 'tpm-limit' ? nextWindow : undefined;
    if (back !== undefined && (earliest === null || back < earliest)) earliest = back;
  }
  return { kind: 'no-deployments', group, unknownGroup: false, deployments: skipped, earliestAvailableAt: earliest };
}
