import { z } from 'zod';
import {
  nonEmptyString,
  fallbackList,
  groupList,
  nonNegativeInt,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
} from './schema-helpers';

/** Strategy names as LiteLLM spells them; `usage-based-routing` (v1) is read as v2 with a warning. */
export const ROUTING_STRATEGIES = [
  'simple-shuffle',
  'least-busy',
  'latency-based-routing',
  'cost-based-routing',
  'usage-based-routing-v2',
  'usage-based-routing',
] as const;
export type RoutingStrategyName = (typeof ROUTING_STRATEGIES)[number];

/** LiteLLM's RetryPolicy field names: retries per error class. */
export const RETRY_POLICY_KEYS = [
  'BadRequestErrorRetries',
  'AuthenticationErrorRetries',
  'TimeoutErrorRetries',
  'RateLimitErrorRetries',
  'ContentPolicyViolationErrorRetries',
  'InternalServerErrorRetries',
] as const;

/** LiteLLM's AllowedFailsPolicy field names: failures tolerated per error class before cooldown. */
export const ALLOWED_FAILS_POLICY_KEYS = [
  'BadRequestErrorAllowedFails',
  'AuthenticationErrorAllowedFails',
  'TimeoutErrorAllowedFails',
  'RateLimitErrorAllowedFails',
  'ContentPolicyViolationErrorAllowedFails',
  'InternalServerErrorAllowedFails',
] as const;

function policyShape<K extends string>(keys: readonly K[]) {
  const shape = {} as Record<K, z.ZodOptional<z.ZodNumber>>;
  for (const key of keys) shape[key] = nonNegativeInt().optional();
  return shape;
}

export const retryPolicySchema = z.looseObject(policyShape(RETRY_POLICY_KEYS));
export const allowedFailsPolicySchema = z.looseObject(policyShape(ALLOWED_FAILS_POLICY_KEYS));

export const routingStrategyArgsSchema = z.looseObject({
  ttl: positiveNumber().optional(),
  lowest_latency_buffer: nonNegativeNumber().optional(),
  max_latency_list_size: positiveInt().optional(),
  // Ours, not LiteLLM's: how fast old latency samples lose weight, and the rpm/tpm window.
  half_life: positiveNumber().optional(),
  usage_window: positiveNumber().optional(),
});

/** Every router setting this router acts on. The same keys may appear in `litellm_settings` (see load.ts). */
export const routerSettingsSchema = z.looseObject({
  routing_strategy: z.enum(ROUTING_STRATEGIES).optional(),
  routing_strategy_args: routingStrategyArgsSchema.optional(),
  num_retries: nonNegativeInt().optional(),
  retry_after: nonNegativeNumber().optional(),
  allowed_fails: nonNegativeInt().optional(),
  allowed_fails_policy: allowedFailsPolicySchema.optional(),
  retry_policy: retryPolicySchema.optional(),
  cooldown_time: nonNegativeNumber().optional(),
  disable_cooldowns: z.boolean().optional(),
  fallbacks: fallbackList().optional(),
  context_window_fallbacks: fallbackList().optional(),
  content_policy_fallbacks: fallbackList().optional(),
  default_fallbacks: groupList().optional(),
  max_fallbacks: nonNegativeInt().optional(),
  enable_pre_call_checks: z.boolean().optional(),
  timeout: positiveNumber().optional(),
  stream_timeout: positiveNumber().optional(),
  // Ours, not LiteLLM's (LiteLLM has no attempt budget, no overall deadline and no cap on Retry-After cooldowns).
  max_attempts: positiveInt().optional(),
  total_timeout: positiveNumber().optional(),
  max_cooldown_time: nonNegativeNumber().optional(),
  max_cooldown_wait: nonNegativeNumber().optional(),
  failure_rate_threshold: nonNegativeNumber().max(1).optional(),
  failure_rate_min_requests: positiveInt().optional(),
  // Batches: documents with more tokens fail with DocumentTokenCapError before any provider call.
  max_document_tokens: positiveInt().optional(),
  // Read in load.ts / model-names: aliases, tag routing.
  model_group_alias: z.record(z.string(), z.union([nonEmptyString(), z.looseObject({ model: nonEmptyString(), hidden: z.boolean().optional() })])).optional(),
  enable_tag_filtering: z.boolean().optional(),
  provider_budget_config: z.record(z.string(), z.looseObject({ budget_limit: nonNegativeNumber(), time_period: nonEmptyString() })).optional(),
});

export type RouterSettingsInput = z.infer<typeof routerSettingsSchema>;

/**
 * LiteLLM router settings that only make sense for its proxy, its Redis sharing
 * or its callbacks. They load with a warning so a migrated file keeps working.
 */
export const IGNORED_ROUTER_SETTINGS = [
  'redis_host', 'redis_port', 'redis_password', 'redis_url', 'cache_responses', 'cache_kwargs',
  'caching_groups', 'client_ttl', 'default_litellm_params', 'set_verbose', 'debug_level',
  'optional_pre_call_checks',
  'polling_interval', 'default_max_parallel_requests', 'alerting_config', 'model_group_retry_policy',
  'routing_groups', 'router_general_settings', 'default_priority', 'assistants_config',
] as const;

/**
 * `litellm_settings` keys that are router settings in disguise. LiteLLM reads
 * these as module globals the Router falls back to; `request_timeout` is the
 * module's name for `timeout`.
 */
export const ROUTER_KEYS_IN_LITELLM_SETTINGS = [
  'num_retries',
  'request_timeout',
  'fallbacks',
  'context_window_fallbacks',
  'content_policy_fallbacks',
  'default_fallbacks',
  'allowed_fails',
  'cooldown_time',
  'retry_after',
  'max_fallbacks',
  'disable_cooldowns',
  'drop_params',
] as const;

export const litellmSettingsSchema = z.looseObject({
  num_retries: nonNegativeInt().optional(),
  request_timeout: positiveNumber().optional(),
  fallbacks: fallbackList().optional(),
  context_window_fallbacks: fallbackList().optional(),
  content_policy_fallbacks: fallbackList().optional(),
  default_fallbacks: groupList().optional(),
  allowed_fails: nonNegativeInt().optional(),
  cooldown_time: nonNegativeNumber().optional(),
  retry_after: nonNegativeNumber().optional(),
  max_fallbacks: nonNegativeInt().optional(),
  disable_cooldowns: z.boolean().optional(),
  drop_params: z.boolean().optional(),
});

export type LitellmSettingsInput = z.infer<typeof litellmSettingsSchema>;

/**
 * Common `litellm_settings` keys that configure LiteLLM's proxy, logging or
 * caching. Listed so that, for example, `callbacks` is not mistaken for a typo of `fallbacks`.
 */
export const IGNORED_LITELLM_SETTINGS = [
  'callbacks', 'success_callback', 'failure_callback', 'service_callback', 'input_callback',
  'set_verbose', 'json_logs', 'cache', 'cache_params', 'turn_off_message_logging',
  'redact_user_api_key_info', 'redact_messages_in_exceptions', 'langfuse_default_tags', 'modify_params',
  'enable_preview_features', 'force_ipv4', 'max_budget', 'budget_duration', 'default_team_settings',
  'upperbound_key_generate_params', 'default_key_generate_params', 'ssl_verify', 'telemetry',
  'max_internal_user_budget', 'internal_user_budget_duration', 'max_end_user_budget', 'disable_end_user_cost_tracking',
  'key_generation_settings', 'public_teams', 'enable_json_schema_validation', 'disable_add_transform_inline_image_block',
  'use_chat_completions_url_for_anthropic_messages', 'return_response_headers', 'add_function_to_prompt',
  'default_fallbacks_enabled', 'mcp_aliases', 'guardrails', 'callback_settings', 'extra_spend_tag_headers',
  'max_parallel_requests', 'global_max_parallel_requests', 'content_policy_fallbacks_enabled',
] as const;
