import { z } from 'zod';
import { groupList, nonEmptyString, nonNegativeNumber, positiveInt, positiveNumber } from './schema-helpers';

/**
 * The sections `llm-router serve` reads. `general_settings` is LiteLLM's proxy
 * section: we read the two keys that mean the same thing for our gateway and
 * ignore the rest with a warning, so a LiteLLM proxy `config.yaml` serves unchanged.
 */
export const generalSettingsSchema = z.looseObject({
  /** Full access to every model group; a literal or `os.environ/NAME`. */
  master_key: nonEmptyString().optional(),
  /** Largest request body accepted, in MB (LiteLLM reads the same key). */
  max_request_size_mb: positiveNumber().optional(),
});

export const GENERAL_SETTINGS_KEYS = ['master_key', 'max_request_size_mb'] as const;

/** One gateway key: who may call which model groups, how often and for how much. */
export const gatewayKeySchema = z.looseObject({
  key: nonEmptyString(),
  /** Shown in metrics and error messages instead of the key, which is never shown. */
  name: nonEmptyString().optional(),
  /** Model groups this key may call; every group when absent. */
  models: groupList().min(1).optional(),
  /** Requests per minute, per gateway replica. */
  rpm_limit: positiveInt().optional(),
  /** USD per calendar month (UTC), per gateway replica, from the routed responses' cost. */
  monthly_budget: nonNegativeNumber().optional(),
});

export const GATEWAY_KEY_KEYS = ['key', 'name', 'models', 'rpm_limit', 'monthly_budget'] as const;

export const keysSchema = z.array(z.unknown());

/** Our own gateway section (LiteLLM has no equivalent). */
export const gatewaySettingsSchema = z.looseObject({
  /** Groups whose requests always run as a durable routedCompletion workflow (needs `serve --temporal`). */
  durable_groups: groupList().optional(),
});

export const GATEWAY_SETTINGS_KEYS = ['durable_groups'] as const;
