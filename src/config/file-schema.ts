import { z } from 'zod';
import { deploymentEntrySchema } from './model-list-schema';
import { litellmSettingsSchema, routerSettingsSchema } from './router-settings-schema';

/** The LiteLLM proxy `config.yaml` shape, or the same object given as JSON or in code. */
export const configFileSchema = z.looseObject({
  model_list: z.array(z.unknown()).min(1),
  router_settings: routerSettingsSchema.optional().nullable(),
  litellm_settings: litellmSettingsSchema.optional().nullable(),
});

export { deploymentEntrySchema };

/** Sections `llm-router serve` reads (gateway-schema.ts); the router itself ignores them. */
export const GATEWAY_TOP_LEVEL = ['general_settings', 'keys', 'gateway_settings'] as const;

/** Proxy-only sections: loaded with a warning, never read. */
export const IGNORED_TOP_LEVEL = [
  'environment_variables', 'guardrails', 'credential_list', 'mcp_servers',
  'files_settings', 'finetune_settings', 'assistant_settings', 'callback_settings', 'search_tools',
  'vector_store_registry', 'prompts', 'pass_through_endpoints',
] as const;
