/**
 * Gateway keys: `general_settings.master_key` and the `keys:` list. Keys are
 * resolved once at start, kept only as SHA-256 digests, compared in constant
 * time against every entry, and never logged or echoed: messages name a key
 * by its `name` or config path.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { classifySecret, type GatewayConfig, type GatewayKeyConfig } from '../config';
import type { Env } from '../providers/resolve';
import { GatewayError } from './gateway-error';

const MINUTE_MS = 60_000;
export const MASTER_KEY_NAME = 'master_key';

/** Who is calling, once authenticated. */
export interface Caller {
  /** The key's name (never the key). `anonymous` when the gateway has no keys. */
  readonly name: string;
  /** Groups this caller may use; undefined for every group. */
  readonly models: ReadonlySet<string> | undefined;
  /** @internal limits and counters of this key */
  readonly entry: KeyEntry | undefined;
}

interface KeyEntry {
  readonly name: string;
  readonly digest: Buffer;
  readonly models: ReadonlySet<string> | undefined;
  readonly rpmLimit: number | undefined;
  readonly monthlyBudgetUsd: number | undefined;
  /** Start times of the requests admitted in the last minute, oldest first. */
  readonly window: number[];
  month: string;
  spentUsd: number;
}

/** A gateway key that cannot be resolved at start; the message names its config path and variable, never a value. */
export class GatewayKeyError extends Error {
  override readonly name = 'GatewayKeyError';
}

const digestOf = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();
const monthOf = (now: number): string => new Date(now).toISOString().slice(0, 7);

function resolveKey(value: string, where: string, env: Env): string {
  const secret = classifySecret(value);
  if (secret.kind === 'literal') return value;
  if (secret.kind === 'invalid-env') throw new GatewayKeyError(`${where}: "os.environ/${secret.name}" is not a valid environment variable name`);
  const resolved = env[secret.name];
  if (resolved === undefined || resolved === '') throw new GatewayKeyError(`${where}: environment variable ${secret.name} (os.environ/${secret.name}) is not set`);
  return resolved;
}

/** The key a request presents: `Authorization: Bearer` (OpenAI SDKs), else `x-api-key` (Anthropic SDKs), else Azure's `api-key`. */
export function presentedKey(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const match = /^\s*bearer\s+(.+?)\s*$/i.exec(auth);
    if (match?.[1]) return match[1];
  }
  const apiKey = headers['x-api-key'] ?? headers['api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey.trim() : undefined;
}

export class GatewayKeys {
  private readonly entries: KeyEntry[];
  private readonly anonymous: Caller = { name: 'anonymous', models: undefined, entry: undefined };

  private constructor(entries: KeyEntry[]) {
    this.entries = entries;
  }

  /** Resolves every key of the config (throws GatewayKeyError naming the first that cannot be). */
  static fromConfig(config: GatewayConfig | undefined, env: Env): GatewayKeys {
    const entries: KeyEntry[] = [];
    const seen = new Map<string, string>();
    const add = (value: string, where: string, spec: Pick<GatewayKeyConfig, 'name' | 'models' | 'rpmLimit' | 'monthlyBudgetUsd'>) => {
      const key = resolveKey(value, where, env);
      const digest = digestOf(key);
      const hex = digest.toString('hex');
      const other = seen.get(hex);
      if (other !== undefined) throw new GatewayKeyError(`${where}: resolves to the same key as ${other}`);
      seen.set(hex, where);
      entries.push({
        name: spec.name,
        digest,
        models: spec.models === undefined ? undefined : new Set(spec.models),
        rpmLimit: spec.rpmLimit,
        monthlyBudgetUsd: spec.monthlyBudgetUsd,
        window: [],
        month: '',
        spentUsd: 0,
      });
    };
    if (config?.masterKey !== undefined) add(config.masterKey, 'general_settings.master_key', { name: MASTER_KEY_NAME });
    for (const k of config?.keys ?? []) add(k.key, `${k.path}.key`, k);
    return new GatewayKeys(entries);
  }

  /** No key configured: every request is served (like LiteLLM's proxy without a master key). */
  get open(): boolean {
    return this.entries.length === 0;
  }

  get names(): string[] {
    return this.entries.map((e) => e.name);
  }

  /** The caller behind a request's key; a missing or wrong key is a 401. */
  authenticate(headers: Readonly<Record<string, string | string[] | undefined>>): Caller {
    if (this.open) return this.anonymous;
    const key = presentedKey(headers);
    if (key === undefined) {
      throw new GatewayError(401, 'invalid_api_key', 'missing gateway key: send "Authorization: Bearer <key>" or "x-api-key: <key>"');
    }
    const digest = digestOf(key);
    // Every entry is compared, so the time taken does not say which entry (or how many) came close.
    let found: KeyEntry | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(digest, entry.digest) && found === undefined) found = entry;
    }
    if (found === undefined) throw new GatewayError(401, 'invalid_api_key', 'invalid gateway key');
    return { name: found.name, models: found.models, entry: found };
  }

  /** Whether the caller may use the group; a 403 naming the key's groups otherwise. */
  authorize(caller: Caller, group: string): void {
    if (caller.models === undefined || caller.models.has(group)) return;
    throw new GatewayError(403, 'model_not_allowed', `key "${caller.name}" may not call model group "${group}" (allowed: ${[...caller.models].join(', ')})`, { param: 'model', noRetry: true });
  }

  /** Admits one request against the key's rpm limit and monthly budget (429 when over either). */
  admit(caller: Caller, now: number): void {
    const entry = caller.entry;
    if (entry === undefined) return;
    if (entry.monthlyBudgetUsd !== undefined) {
      this.rollMonth(entry, now);
      if (entry.spentUsd >= entry.monthlyBudgetUsd) {
        throw new GatewayError(429, 'budget_exceeded', `key "${entry.name}" has spent its monthly budget of $${entry.monthlyBudgetUsd} (spent $${entry.spentUsd.toFixed(4)} in ${entry.month})`, { noRetry: true });
      }
    }
    if (entry.rpmLimit !== undefined) {
      const window = entry.window;
      while (window.length > 0 && (window[0] as number) <= now - MINUTE_MS) window.shift();
      if (window.length >= entry.rpmLimit) {
        const retryAfterMs = (window[0] as number) + MINUTE_MS - now;
        throw new GatewayError(429, 'rate_limited', `key "${entry.name}" is over its limit of ${entry.rpmLimit} requests per minute`, { retryAfterMs });
      }
      window.push(now);
    }
  }

  /** Adds a served request's cost to the key's month. */
  recordSpend(caller: Caller, costUsd: number | undefined, now: number): void {
    const entry = caller.entry;
    if (entry === undefined || costUsd === undefined || entry.monthlyBudgetUsd === undefined) return;
    this.rollMonth(entry, now);
    entry.spentUsd += costUsd;
  }

  /** Spend this month per key name, for metrics. */
  spend(now: number): Array<{ name: string; spentUsd: number; budgetUsd: number }> {
    return this.entries
      .filter((e) => e.monthlyBudgetUsd !== undefined)
      .map((e) => {
        this.rollMonth(e, now);
        return { name: e.name, spentUsd: e.spentUsd, budgetUsd: e.monthlyBudgetUsd as number };
      });
  }

  private rollMonth(entry: KeyEntry, now: number): void {
    const month = monthOf(now);
    if (entry.month !== month) {
      entry.month = month;
      entry.spentUsd = 0;
    }
  }
}
