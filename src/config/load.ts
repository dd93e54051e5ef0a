import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { buildRouterConfig } from '../core/router-config';
import type { BudgetRule, ModelAlias, RouterConfig } from '../core/types';
import { PROVIDER_IDS } from '../providers/model-string';
import type { NormalizedDeployment } from './deployments';
import { suggest } from './suggest';
import { normalizeDeployments } from './deployments';
import { GATEWAY_TOP_LEVEL, IGNORED_TOP_LEVEL, configFileSchema } from './file-schema';
import { parseDurableSettings } from './durable-settings';
import { parseGatewaySections } from './gateway';
import { ConfigError, IssueList, type ConfigPath, type SourcePosition } from './issues';
import { defaultPricing } from './default-pricing';
import { checkComplexityTargets, checkDeploymentIds, resolveFallbacks } from './references';
import { parseSettings } from './settings';
import { parseSourceText, type SourceFormat } from './source-text';
import type { LoadConfigOptions, LoadedRouterConfig } from './types';
import { checkKeys } from './unknown-keys';
import { addZodIssues } from './zod-issues';

/** Loads a config from a file path, or validates one given as an object (a LiteLLM-shaped object or JSON value). */
export function loadConfig(input: string | object, options: LoadConfigOptions = {}): LoadedRouterConfig {
  return typeof input === 'string' ? loadConfigFile(input, options) : parseConfigObject(input, options);
}

/** Reads a LiteLLM proxy `config.yaml`, or a `.json` file of the same shape. */
export function loadConfigFile(path: string, options: LoadConfigOptions = {}): LoadedRouterConfig {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a file' : code === 'EACCES' ? 'permission denied' : String(error);
    throw new ConfigError([{ severity: 'error', path: '(file)', message: `${absolute}: ${reason}` }], path);
  }
  return parseConfigText(text, { format: extname(absolute).toLowerCase() === '.json' ? 'json' : 'yaml', source: path, ...options });
}

export interface ParseTextOptions extends LoadConfigOptions {
  readonly format?: SourceFormat;
  /** Named in error messages, usually the file path. */
  readonly source?: string;
}

export function parseConfigText(text: string, options: ParseTextOptions = {}): LoadedRouterConfig {
  const parsed = parseSourceText(text, options.format ?? 'yaml');
  if (!parsed.ok) {
    const kind = options.format === 'json' ? 'JSON' : 'YAML';
    throw new ConfigError(
      parsed.problems.map((p) => ({
        severity: 'error' as const,
        path: '(syntax)',
        message: `malformed ${kind}: ${p.message}`,
        ...(p.line === undefined ? {} : { line: p.line, column: p.column }),
      })),
      options.source,
    );
  }
  return normalize(parsed.source.value, options, parsed.source.locate, options.source);
}

export function parseConfigObject(value: object, options: LoadConfigOptions = {}): LoadedRouterConfig {
  return normalize(value, options, undefined, undefined);
}

function normalize(
  value: unknown,
  options: LoadConfigOptions,
  locate: ((path: ConfigPath) => SourcePosition | undefined) | undefined,
  source: string | undefined,
): LoadedRouterConfig {
  const issues = new IssueList();
  const fail = (): never => {
    throw new ConfigError(issues.toIssues(locate), source);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    issues.error([], 'expected a mapping with model_list (and optionally router_settings, litellm_settings)');
    return fail();
  }
  const raw = value as Record<string, unknown>;
  checkKeys(issues, [], anchorsRemoved(raw), {
    known: ['model_list', 'router_settings', 'litellm_settings', 'durable_settings', ...GATEWAY_TOP_LEVEL, 'include'],
    ignored: IGNORED_TOP_LEVEL,
    mode: 'strict',
    noun: 'section',
    ignoredBecause: 'LiteLLM proxy-only section',
  });
  if (raw.include !== undefined) issues.error(['include'], 'is not supported; inline the included files into this config');
  const top = configFileSchema.safeParse(raw);
  if (!top.success) {
    // Section schemas report their own problems below; only the model_list shape is reported here.
    const listIssues = top.error.issues.filter((i) => i.path[0] === 'model_list');
    if (listIssues.length > 0) addZodIssues(issues, [], { ...top.error, issues: listIssues } as typeof top.error, raw);
  }

  const settings = parseSettings(issues, raw.router_settings, raw.litellm_settings);
  const list = Array.isArray(raw.model_list) ? raw.model_list : [];
  const pricing = options.pricing === null ? undefined : (options.pricing ?? defaultPricing());
  const { deployments, groupNames, literalSecrets } = normalizeDeployments(issues, list, {
    pricing,
    allowLiteralSecrets: options.allowLiteralSecrets ?? true,
    defaultDropParams: settings.dropParams,
  });
  checkDeploymentIds(issues, deployments);
  checkComplexityTargets(issues, deployments, groupNames);
  const fallbacks = resolveFallbacks(issues, settings, groupNames, deployments);
  const gateway = parseGatewaySections(issues, raw, groupNames);
  const { durability, searchAttributes } = parseDurableSettings(issues, raw.durable_settings, groupNames);
  const aliases = resolveAliases(issues, settings.aliases, groupNames);
  const budgets = resolveBudgets(issues, settings.providerBudgets, deployments);
  if (deployments.some((d) => d.info.tags !== undefined) && settings.core.enableTagFiltering !== true) {
    issues.warn(['router_settings'], 'deployments have tags, but tag routing is off: set router_settings.enable_tag_filtering: true to route on metadata.tags');
  }
  if (issues.hasErrors) return fail();

  const routing: RouterConfig = buildRouterConfig(
    deployments.map((d) => d.info),
    {
      ...settings.core,
      fallbacks: fallbacks.fallbacks,
      contextWindowFallbacks: fallbacks.contextWindowFallbacks,
      contentPolicyFallbacks: fallbacks.contentPolicyFallbacks,
      ...(fallbacks.defaultFallbacks === undefined ? {} : { defaultFallbacks: fallbacks.defaultFallbacks }),
    },
  );
  if (aliases !== undefined) routing.aliases = aliases;
  if (budgets.length > 0) routing.budgets = budgets;
  const params: Record<string, NonNullable<(typeof deployments)[number]['params']>> = {};
  for (const d of deployments) if (d.params) params[d.info.id] = d.params;
  return {
    routing,
    params,
    literalSecrets,
    warnings: issues.toIssues(locate).filter((i) => i.severity === 'warning'),
    ...(source === undefined ? {} : { source }),
    gateway,
    ...(durability === undefined ? {} : { durability }),
    ...(searchAttributes === undefined ? {} : { searchAttributes }),
  };
}

/** Top-level `x-` keys hold YAML anchors (`x-shared: &shared`) for the rest of the file to merge; they are not sections. */
function anchorsRemoved(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !key.startsWith('x-')));
}

/** `model_group_alias`: each alias names an existing group and does not shadow one; `{ model, hidden: true }` is left out of model lists. */
function resolveAliases(
  issues: IssueList,
  written: Readonly<Record<string, string | { model: string; hidden?: boolean }>> | undefined,
  groupNames: ReadonlySet<string>,
): Record<string, ModelAlias> | undefined {
  if (written === undefined) return undefined;
  const out: Record<string, ModelAlias> = {};
  const base: ConfigPath = ['router_settings', 'model_group_alias'];
  for (const [alias, target] of Object.entries(written)) {
    const path: ConfigPath = [...base, alias];
    if (typeof target === 'object') checkKeys(issues, path, target, { known: ['model', 'hidden'], mode: 'strict' });
    const group = typeof target === 'string' ? target : target.model;
    const groupPath = typeof target === 'string' ? path : [...path, 'model'];
    if (groupNames.has(alias)) {
      issues.error(path, `"${alias}" is already a model group; an alias cannot replace it`);
      continue;
    }
    if (!groupNames.has(group)) {
      const hint = suggest(group, [...groupNames]);
      issues.error(groupPath, `no model group "${group}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`);
      continue;
    }
    out[alias] = { group, hidden: typeof target === 'object' && target.hidden === true };
  }
  return out;
}

const PERIOD = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|mo)$/;
const PERIOD_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, mo: 30 * 86_400_000 };

/** A LiteLLM budget period (`30s`, `15m`, `1h`, `1d`, `1mo` = 30 days) in ms, or an error at `path`. */
function periodMs(issues: IssueList, path: ConfigPath, written: string): number | undefined {
  const m = PERIOD.exec(written.trim());
  const ms = m === null ? NaN : Number(m[1]) * (PERIOD_MS[m[2] ?? ''] ?? NaN);
  if (!(ms > 0)) {
    issues.error(path, `expected a period such as "30m", "1h", "1d" or "1mo", got ${JSON.stringify(written)}`);
    return undefined;
  }
  return ms;
}

/** `provider_budget_config` per provider and `max_budget` + `budget_duration` per deployment, as core budget rules. */
function resolveBudgets(
  issues: IssueList,
  providers: Readonly<Record<string, { budget_limit: number; time_period: string }>> | undefined,
  deployments: readonly NormalizedDeployment[],
): BudgetRule[] {
  const rules: BudgetRule[] = [];
  const used = new Set(deployments.map((d) => d.info.provider));
  for (const [provider, entry] of Object.entries(providers ?? {})) {
    const path: ConfigPath = ['router_settings', 'provider_budget_config', provider];
    checkKeys(issues, path, entry, { known: ['budget_limit', 'time_period'], mode: 'strict' });
    if (!(PROVIDER_IDS as readonly string[]).includes(provider)) {
      const hint = suggest(provider, PROVIDER_IDS);
      issues.error(path, `unknown provider "${provider}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`);
      continue;
    }
    if (!used.has(provider)) issues.warn(path, `no deployment uses provider "${provider}"; this budget limits nothing`);
    const windowMs = periodMs(issues, [...path, 'time_period'], entry.time_period);
    if (windowMs !== undefined) rules.push({ key: `provider:${provider}`, scope: 'provider', target: provider, limitUsd: entry.budget_limit, windowMs });
  }
  for (const d of deployments) {
    if (d.budget === undefined) continue;
    const path: ConfigPath = ['model_list', d.index, 'litellm_params'];
    if (d.budget.limitUsd === undefined || d.budget.duration === undefined) {
      issues.error([...path, d.budget.limitUsd === undefined ? 'max_budget' : 'budget_duration'], 'max_budget and budget_duration go together: a budget is USD per period');
      continue;
    }
    const windowMs = periodMs(issues, [...path, 'budget_duration'], d.budget.duration);
    if (windowMs !== undefined) rules.push({ key: `deployment:${d.info.id}`, scope: 'deployment', target: d.info.id, limitUsd: d.budget.limitUsd, windowMs });
  }
  return rules;
}
