// Provider and deployment budgets (LiteLLM's provider_budget_config and
// max_budget/budget_duration): USD per fixed window, counted from the cost
// each successful call reports. Windows are aligned to the epoch, so every
// process and the routerHealth entity agree on which window a cost falls in.
import type { BudgetRule, DeploymentInfo, DeploymentState, RouterConfig, RouterState, SpendWindow } from './types';

/** The deployment a state id stands for: itself, or the wildcard a `wildcard|model` id was made from. */
function infoOf(config: RouterConfig, id: string): DeploymentInfo | undefined {
  const own = config.deployments[id];
  if (own !== undefined) return own;
  const bar = id.indexOf('|');
  return bar === -1 ? undefined : config.deployments[id.slice(0, bar)];
}

function providerOf(config: RouterConfig, id: string): string | undefined {
  const info = infoOf(config, id);
  if (info === undefined) return undefined;
  // A `*` passthrough deployment made for `anthropic/x` is an anthropic call.
  if (info.model === '*' && id.includes('|')) {
    const model = id.slice(id.indexOf('|') + 1);
    const slash = model.indexOf('/');
    return slash === -1 ? 'openai' : model.slice(0, slash);
  }
  return info.provider;
}

function applies(config: RouterConfig, rule: BudgetRule, id: string): boolean {
  if (rule.scope === 'deployment') return rule.target === id || infoOf(config, id)?.id === rule.target;
  return providerOf(config, id) === rule.target;
}

/** Adds a call's cost to every window length a budget covering the deployment counts in. */
export function recordSpend(config: RouterConfig, ds: DeploymentState, id: string, costUsd: number, now: number): void {
  const rules = config.budgets;
  if (rules === undefined || !(costUsd > 0)) return;
  let spend: Record<string, SpendWindow> | undefined;
  // Once per window length: a provider budget and a deployment budget of the same length count one cost once.
  const done: number[] = [];
  for (const rule of rules) {
    if (done.includes(rule.windowMs) || !applies(config, rule, id)) continue;
    done.push(rule.windowMs);
    spend ??= { ...(ds.spend ?? {}) };
    const key = String(rule.windowMs);
    const window = Math.floor(now / rule.windowMs);
    const current = spend[key];
    spend[key] = { window, usd: (current !== undefined && current.window === window ? current.usd : 0) + costUsd };
  }
  if (spend !== undefined) ds.spend = spend;
}

/** What a rule's scope has spent in the current window, across every deployment it covers. */
export function spentUsd(config: RouterConfig, state: RouterState, rule: BudgetRule, now: number): number {
  const key = String(rule.windowMs);
  const window = Math.floor(now / rule.windowMs);
  let total = 0;
  for (const [id, ds] of Object.entries(state.deployments)) {
    const w = ds.spend?.[key];
    if (w === undefined || w.window !== window || !applies(config, rule, id)) continue;
    total += w.usd;
  }
  return total;
}

/** Deployments of `ids` whose budget is spent, each with when its window ends (the latest, when several are spent). */
export function overBudget(config: RouterConfig, state: RouterState, ids: readonly string[], now: number): Map<string, number> {
  const out = new Map<string, number>();
  const rules = config.budgets;
  if (rules === undefined || rules.length === 0) return out;
  for (const rule of rules) {
    let spentChecked: boolean | undefined;
    for (const id of ids) {
      if (!applies(config, rule, id)) continue;
      spentChecked ??= spentUsd(config, state, rule, now) >= rule.limitUsd;
      if (!spentChecked) break;
      const until = (Math.floor(now / rule.windowMs) + 1) * rule.windowMs;
      out.set(id, Math.max(out.get(id) ?? 0, until));
    }
  }
  return out;
}

/** Spend merged from another process's view: per window length, the newer window, or the larger total of the same one. */
export function mergeSpend(mine: Record<string, SpendWindow> | undefined, theirs: Record<string, SpendWindow>): Record<string, SpendWindow> {
  const out: Record<string, SpendWindow> = { ...(mine ?? {}) };
  for (const [key, w] of Object.entries(theirs)) {
    const m = out[key];
    if (m === undefined || w.window > m.window || (w.window === m.window && w.usd > m.usd)) out[key] = w;
  }
  return out;
}
