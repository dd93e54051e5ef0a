import type { z } from 'zod';
import type { RouterSettingsInput as CoreSettingsInput } from '../core/router-config';
import type { ErrorClassName, PerErrorClass } from '../core/types';
import type { ConfigPath, IssueList } from './issues';
import {
  ALLOWED_FAILS_POLICY_KEYS,
  IGNORED_LITELLM_SETTINGS,
  IGNORED_ROUTER_SETTINGS,
  RETRY_POLICY_KEYS,
  litellmSettingsSchema,
  routerSettingsSchema,
  routingStrategyArgsSchema,
  type LitellmSettingsInput,
  type RouterSettingsInput,
} from './router-settings-schema';
import { checkKeys } from './unknown-keys';
import { addZodIssues } from './zod-issues';

const SECONDS = 1000;

/** A fallback list as written, with where it was written, so reference errors can name the path. */
export interface FallbackSource {
  readonly kind: 'fallbacks' | 'context_window_fallbacks' | 'content_policy_fallbacks';
  readonly path: ConfigPath;
  readonly entries: readonly Readonly<Record<string, readonly string[]>>[];
}

export interface ParsedSettings {
  readonly core: CoreSettingsInput;
  /** `router_settings.model_group_alias` as written, checked against the groups in load.ts. */
  readonly aliases: Readonly<Record<string, string | { model: string; hidden?: boolean }>> | undefined;
  /** `router_settings.provider_budget_config` as written. */
  readonly providerBudgets: Readonly<Record<string, { budget_limit: number; time_period: string }>> | undefined;
  readonly fallbackSources: readonly FallbackSource[];
  readonly defaultFallbacks: { readonly path: ConfigPath; readonly groups: readonly string[] } | undefined;
  /** `litellm_settings.drop_params`: the default for deployments that do not set their own. */
  readonly dropParams: boolean | undefined;
}

// LiteLLM's policy keys name its exception classes; `Timeout` is ours (and LiteLLM's) class name for TimeoutError.
function policyClassName(key: string, suffix: string): ErrorClassName {
  const base = key.slice(0, -suffix.length);
  return (base === 'TimeoutError' ? 'Timeout' : base) as ErrorClassName;
}

function toPerErrorClass(policy: Readonly<Record<string, unknown>>, keys: readonly string[], suffix: string): PerErrorClass {
  const out: PerErrorClass = {};
  for (const key of keys) {
    const value = policy[key];
    if (typeof value === 'number') out[policyClassName(key, suffix)] = value;
  }
  return out;
}

/** Settings that may sit in either section; `request_timeout` is LiteLLM's module-level name for `timeout`. */
const SHARED_KEYS: readonly (readonly [keyof LitellmSettingsInput, keyof RouterSettingsInput])[] = [
  ['num_retries', 'num_retries'],
  ['request_timeout', 'timeout'],
  ['fallbacks', 'fallbacks'],
  ['context_window_fallbacks', 'context_window_fallbacks'],
  ['content_policy_fallbacks', 'content_policy_fallbacks'],
  ['default_fallbacks', 'default_fallbacks'],
  ['allowed_fails', 'allowed_fails'],
  ['cooldown_time', 'cooldown_time'],
  ['retry_after', 'retry_after'],
  ['max_fallbacks', 'max_fallbacks'],
  ['disable_cooldowns', 'disable_cooldowns'],
];

/**
 * Parses a section key by key, so one invalid setting is reported without
 * hiding the checks that depend on the others (fallback references, say).
 */
function parseSection<S extends z.ZodRawShape>(issues: IssueList, path: ConfigPath, raw: Record<string, unknown>, schema: z.ZodObject<S>): Partial<z.infer<z.ZodObject<S>>> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const value = raw[key];
    if (value === undefined) continue;
    const result = (field as z.ZodType).safeParse(value);
    if (result.success) out[key] = result.data;
    else addZodIssues(issues, [...path, key], result.error, value);
  }
  return out as Partial<z.infer<z.ZodObject<S>>>;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Reads `router_settings` and `litellm_settings` into core settings.
 *
 * Precedence: `router_settings` wins. LiteLLM's Router takes its constructor
 * arguments (the proxy's `router_settings`) over module globals (the proxy's
 * `litellm_settings`), and only falls back to the globals when an argument is unset.
 * When both sections set a key to different values, a warning names the one ignored.
 */
export function parseSettings(issues: IssueList, rawRouter: unknown, rawLitellm: unknown): ParsedSettings {
  const routerPath: ConfigPath = ['router_settings'];
  const litellmPath: ConfigPath = ['litellm_settings'];
  const routerRaw = record(rawRouter);
  const litellmRaw = record(rawLitellm);
  if (rawRouter !== undefined && rawRouter !== null && routerRaw === undefined) issues.error(routerPath, 'expected a mapping');
  if (rawLitellm !== undefined && rawLitellm !== null && litellmRaw === undefined) issues.error(litellmPath, 'expected a mapping');

  const routerKnown = Object.keys(routerSettingsSchema.shape);
  checkKeys(issues, routerPath, routerRaw, {
    known: routerKnown,
    ignored: IGNORED_ROUTER_SETTINGS,
    mode: 'strict',
    noun: 'router setting',
    ignoredBecause: 'LiteLLM proxy-only setting',
  });
  checkKeys(issues, [...routerPath, 'retry_policy'], routerRaw?.retry_policy, { known: RETRY_POLICY_KEYS, mode: 'strict' });
  checkKeys(issues, [...routerPath, 'allowed_fails_policy'], routerRaw?.allowed_fails_policy, { known: ALLOWED_FAILS_POLICY_KEYS, mode: 'strict' });
  checkKeys(issues, [...routerPath, 'routing_strategy_args'], routerRaw?.routing_strategy_args, {
    known: Object.keys(routingStrategyArgsSchema.shape),
    mode: 'strict',
  });
  checkKeys(issues, litellmPath, litellmRaw, {
    known: Object.keys(litellmSettingsSchema.shape),
    ignored: IGNORED_LITELLM_SETTINGS,
    mode: 'strict',
    noun: 'litellm setting',
    ignoredBecause: 'LiteLLM proxy-only setting (logging, caching, budgets of keys)',
  });

  const router = routerRaw ? parseSection(issues, routerPath, routerRaw, routerSettingsSchema) : undefined;
  const litellm = litellmRaw ? parseSection(issues, litellmPath, litellmRaw, litellmSettingsSchema) : undefined;
  const retryPolicy = router?.retry_policy;
  const allowedFailsPolicy = router?.allowed_fails_policy;

  // Merge: which section each shared key comes from.
  const merged: Partial<Record<keyof RouterSettingsInput, unknown>> = { ...(router ?? {}) };
  const origin: Partial<Record<keyof RouterSettingsInput, ConfigPath>> = {};
  for (const key of Object.keys(merged) as (keyof RouterSettingsInput)[]) origin[key] = [...routerPath, key];
  for (const [fromKey, toKey] of SHARED_KEYS) {
    const value = (litellm as Record<string, unknown> | undefined)?.[fromKey];
    if (value === undefined) continue;
    if (merged[toKey] === undefined) {
      merged[toKey] = value;
      origin[toKey] = [...litellmPath, fromKey];
    } else if (JSON.stringify(merged[toKey]) !== JSON.stringify(value)) {
      issues.warn([...litellmPath, fromKey], `ignored: router_settings.${toKey} is also set and takes precedence`);
    }
  }

  const core: CoreSettingsInput = {};
  const num = (key: keyof RouterSettingsInput): number | undefined => merged[key] as number | undefined;
  const setIf = <K extends keyof CoreSettingsInput>(key: K, value: CoreSettingsInput[K] | undefined): void => {
    if (value !== undefined) core[key] = value;
  };
  setIf('numRetries', num('num_retries'));
  setIf('retryAfterMs', scale(num('retry_after'), SECONDS));
  setIf('allowedFails', num('allowed_fails'));
  setIf('cooldownTimeSec', num('cooldown_time'));
  setIf('disableCooldowns', merged.disable_cooldowns as boolean | undefined);
  setIf('maxFallbacks', num('max_fallbacks'));
  setIf('enablePreCallChecks', merged.enable_pre_call_checks as boolean | undefined);
  setIf('enableTagFiltering', merged.enable_tag_filtering as boolean | undefined);
  setIf('timeoutMs', scale(num('timeout'), SECONDS));
  setIf('streamTimeoutMs', scale(num('stream_timeout'), SECONDS));
  setIf('maxAttempts', num('max_attempts'));
  setIf('requestTimeoutMs', scale(num('total_timeout'), SECONDS));
  setIf('maxCooldownTimeSec', num('max_cooldown_time'));
  setIf('maxCooldownWaitMs', scale(num('max_cooldown_wait'), SECONDS));
  setIf('failureRateThreshold', num('failure_rate_threshold'));
  setIf('failureRateMinRequests', num('failure_rate_min_requests'));
  setIf('maxDocumentTokens', num('max_document_tokens'));
  if (retryPolicy) core.retryPolicy = toPerErrorClass(retryPolicy, RETRY_POLICY_KEYS, 'Retries');
  if (allowedFailsPolicy) core.allowedFailsPolicy = toPerErrorClass(allowedFailsPolicy, ALLOWED_FAILS_POLICY_KEYS, 'AllowedFails');

  const strategy = router?.routing_strategy;
  if (strategy === 'usage-based-routing') {
    issues.warn([...routerPath, 'routing_strategy'], 'LiteLLM deprecated "usage-based-routing"; using "usage-based-routing-v2"');
    core.routingStrategy = 'usage-based-routing-v2';
  } else if (strategy !== undefined) {
    core.routingStrategy = strategy;
  }
  const args = router?.routing_strategy_args;
  if (args) {
    const latency = dropUndefined({
      lowestLatencyBuffer: args.lowest_latency_buffer,
      ttlMs: scale(args.ttl, SECONDS),
      maxSamples: args.max_latency_list_size,
      halfLifeMs: scale(args.half_life, SECONDS),
    });
    const usage = dropUndefined({ windowMs: scale(args.usage_window, SECONDS) });
    core.routingStrategyArgs = { latency, usage };
  }

  const fallbackSources: FallbackSource[] = [];
  for (const kind of ['fallbacks', 'context_window_fallbacks', 'content_policy_fallbacks'] as const) {
    const entries = merged[kind] as Record<string, string[]>[] | undefined;
    const path = origin[kind];
    if (entries !== undefined && path !== undefined) fallbackSources.push({ kind, path, entries });
  }
  const defaultGroups = merged.default_fallbacks as string[] | undefined;
  const defaultPath = origin.default_fallbacks;
  return {
    core,
    fallbackSources,
    defaultFallbacks: defaultGroups !== undefined && defaultPath !== undefined ? { path: defaultPath, groups: defaultGroups } : undefined,
    dropParams: litellm?.drop_params,
    aliases: router?.model_group_alias,
    providerBudgets: router?.provider_budget_config,
  };
}

function scale(value: number | undefined, factor: number): number | undefined {
  return value === undefined ? undefined : value * factor;
}

function dropUndefined<T extends Record<string, number | undefined>>(o: T): { [K in keyof T]?: number } {
  const out: { [K in keyof T]?: number } = {};
  for (const key of Object.keys(o) as (keyof T)[]) {
    const value = o[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
