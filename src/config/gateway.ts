import { formatPath, type ConfigPath, type IssueList } from './issues';
import {
  GATEWAY_KEY_KEYS,
  GATEWAY_SETTINGS_KEYS,
  GENERAL_SETTINGS_KEYS,
  gatewayKeySchema,
  gatewaySettingsSchema,
  generalSettingsSchema,
  keysSchema,
} from './gateway-schema';
import { noGroup } from './references';
import { classifySecret } from './secret-ref';
import type { GatewayConfig, GatewayKeyConfig } from './types';
import { checkKeys } from './unknown-keys';
import { addZodIssues } from './zod-issues';

const MB = 1024 * 1024;

/** A key value must be a literal or a well-formed `os.environ/NAME`; the value itself never appears in a message. */
function checkSecret(issues: IssueList, path: ConfigPath, value: string): void {
  const secret = classifySecret(value);
  if (secret.kind === 'invalid-env') issues.error(path, `"os.environ/${secret.name}" is not a valid environment variable name`);
}

function parseGeneral(issues: IssueList, raw: unknown): { masterKey?: string; maxRequestBytes?: number } {
  if (raw === undefined || raw === null) return {};
  const path = ['general_settings'];
  checkKeys(issues, path, raw, { known: GENERAL_SETTINGS_KEYS, mode: 'warn', ignoredBecause: 'LiteLLM proxy setting not used by this gateway' });
  const parsed = generalSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    addZodIssues(issues, path, parsed.error, raw);
    return {};
  }
  const out: { masterKey?: string; maxRequestBytes?: number } = {};
  if (parsed.data.master_key !== undefined) {
    checkSecret(issues, [...path, 'master_key'], parsed.data.master_key);
    out.masterKey = parsed.data.master_key;
  }
  if (parsed.data.max_request_size_mb !== undefined) out.maxRequestBytes = Math.round(parsed.data.max_request_size_mb * MB);
  return out;
}

function checkGroups(issues: IssueList, path: ConfigPath, groups: readonly string[], groupNames: ReadonlySet<string>): void {
  groups.forEach((group, i) => {
    if (!groupNames.has(group)) issues.error([...path, i], noGroup(group, groupNames));
  });
}

function parseKeys(issues: IssueList, raw: unknown, groupNames: ReadonlySet<string>, masterKey: string | undefined): GatewayKeyConfig[] {
  if (raw === undefined || raw === null) return [];
  const list = keysSchema.safeParse(raw);
  if (!list.success) {
    addZodIssues(issues, ['keys'], list.error, raw);
    return [];
  }
  const out: GatewayKeyConfig[] = [];
  const pathOfKey = new Map<string, string>();
  const pathOfName = new Map<string, string>();
  if (masterKey !== undefined) pathOfKey.set(masterKey, 'general_settings.master_key');
  list.data.forEach((entry, i) => {
    const path: ConfigPath = ['keys', i];
    checkKeys(issues, path, entry, { known: GATEWAY_KEY_KEYS, mode: 'strict' });
    const parsed = gatewayKeySchema.safeParse(entry);
    if (!parsed.success) addZodIssues(issues, path, parsed.error, entry);
    // References are checked on whatever is well-typed, so one pass reports every problem.
    const raw = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const value = typeof raw.key === 'string' && raw.key.trim() !== '' ? raw.key : undefined;
    if (value !== undefined) {
      checkSecret(issues, [...path, 'key'], value);
      const sameKey = pathOfKey.get(value);
      // Two entries with one key would make the key's limits ambiguous; the message names paths, never the key.
      if (sameKey !== undefined) issues.error([...path, 'key'], `the same key as ${sameKey}`);
      else pathOfKey.set(value, formatPath([...path, 'key']));
    }
    const name = typeof raw.name === 'string' && raw.name.trim() !== '' ? raw.name : formatPath(path);
    const sameName = pathOfName.get(name);
    if (sameName !== undefined) issues.error([...path, 'name'], `"${name}" is also the name of ${sameName}`);
    else pathOfName.set(name, formatPath(path));
    if (Array.isArray(raw.models)) checkGroups(issues, [...path, 'models'], raw.models.filter((m): m is string => typeof m === 'string'), groupNames);
    if (!parsed.success || value === undefined) return;
    const data = parsed.data;
    const key: GatewayKeyConfig = { key: value, name, path: formatPath(path) };
    if (data.models !== undefined) key.models = [...data.models];
    if (data.rpm_limit !== undefined) key.rpmLimit = data.rpm_limit;
    if (data.monthly_budget !== undefined) key.monthlyBudgetUsd = data.monthly_budget;
    out.push(key);
  });
  return out;
}

function parseGatewaySettings(issues: IssueList, raw: unknown, groupNames: ReadonlySet<string>): string[] {
  if (raw === undefined || raw === null) return [];
  const path = ['gateway_settings'];
  checkKeys(issues, path, raw, { known: GATEWAY_SETTINGS_KEYS, mode: 'strict' });
  const parsed = gatewaySettingsSchema.safeParse(raw);
  if (!parsed.success) {
    addZodIssues(issues, path, parsed.error, raw);
    return [];
  }
  const groups = parsed.data.durable_groups ?? [];
  checkGroups(issues, [...path, 'durable_groups'], groups, groupNames);
  return [...groups];
}

/** Reads `general_settings.master_key`, the `keys:` list and `gateway_settings`; every problem is named by its path. */
export function parseGatewaySections(issues: IssueList, raw: Readonly<Record<string, unknown>>, groupNames: ReadonlySet<string>): GatewayConfig {
  const general = parseGeneral(issues, raw.general_settings);
  const config: GatewayConfig = {
    ...general,
    keys: parseKeys(issues, raw.keys, groupNames, general.masterKey),
    durableGroups: parseGatewaySettings(issues, raw.gateway_settings, groupNames),
  };
  return config;
}
