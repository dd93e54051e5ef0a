import { z } from 'zod';
import { complexityRouterConfigSchema } from './complexity-router-schema';
import {
  nonEmptyString,
  nonNegativeInt,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
} from './schema-helpers';

/**
 * `litellm_params` of one deployment. Objects are loose on purpose: LiteLLM
 * forwards any extra key to the provider call, so real configs carry keys such
 * as `temperature` or `organization`. Unknown keys are checked separately
 * (see unknown-keys.ts): a near-miss of a known key is an error, anything else
 * is a warning that the key is ignored.
 */
export const litellmParamsSchema = z.looseObject({
  model: nonEmptyString(),
  custom_llm_provider: nonEmptyString().optional(),
  api_key: z.string().optional(),
  api_base: nonEmptyString().optional(),
  api_version: nonEmptyString().optional(),
  rpm: nonNegativeNumber().optional(),
  tpm: nonNegativeNumber().optional(),
  weight: nonNegativeNumber().optional(),
  order: nonNegativeInt().optional(),
  timeout: positiveNumber().optional(),
  stream_timeout: positiveNumber().optional(),
  max_retries: nonNegativeInt().optional(),
  num_retries: nonNegativeInt().optional(),
  cooldown_time: nonNegativeNumber().optional(),
  input_cost_per_token: nonNegativeNumber().optional(),
  output_cost_per_token: nonNegativeNumber().optional(),
  input_cost_per_token_batches: nonNegativeNumber().optional(),
  output_cost_per_token_batches: nonNegativeNumber().optional(),
  max_input_tokens: positiveInt().optional(),
  max_tokens: positiveInt().optional(),
  drop_params: z.boolean().optional(),
  extra_headers: z.record(z.string(), z.string()).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  tags: z.array(nonEmptyString()).optional(),
  // A budget on this deployment alone (LiteLLM's model budgets): USD per budget_duration.
  max_budget: nonNegativeNumber().optional(),
  budget_duration: nonEmptyString().optional(),
  mock_response: z.unknown().optional(),
  complexity_router_config: complexityRouterConfigSchema.optional(),
  complexity_router_default_model: nonEmptyString().optional(),
  // Sampling defaults LiteLLM forwards to the call; a request's own value wins.
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  stop: z.union([z.string(), z.array(z.string())]).optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
  n: positiveInt().optional(),
  reasoning_effort: z.enum(['minimal', 'low', 'medium', 'high']).optional(),
  thinking: z.union([
    z.object({ type: z.literal('enabled'), budget_tokens: positiveInt() }),
    z.object({ type: z.literal('disabled') }),
  ]).optional(),
  // AWS Bedrock (LiteLLM's names); without keys the AWS default credential chain applies.
  aws_region_name: nonEmptyString().optional(),
  aws_access_key_id: nonEmptyString().optional(),
  aws_secret_access_key: nonEmptyString().optional(),
  aws_session_token: nonEmptyString().optional(),
  aws_profile_name: nonEmptyString().optional(),
  aws_bedrock_runtime_endpoint: nonEmptyString().optional(),
  // Google Vertex AI; without credentials, Application Default Credentials apply.
  vertex_project: nonEmptyString().optional(),
  vertex_location: nonEmptyString().optional(),
  vertex_credentials: nonEmptyString().optional(),
});

/** `model_info` is free-form metadata in LiteLLM; only these keys mean something here. */
export const modelInfoSchema = z.looseObject({
  id: z.union([nonEmptyString(), z.number().transform(String)]).optional(),
  base_model: nonEmptyString().optional(),
  mode: z.string().optional(),
  input_cost_per_token: nonNegativeNumber().optional(),
  output_cost_per_token: nonNegativeNumber().optional(),
  input_cost_per_token_batches: nonNegativeNumber().optional(),
  output_cost_per_token_batches: nonNegativeNumber().optional(),
  max_input_tokens: positiveInt().optional(),
  max_tokens: positiveInt().optional(),
  max_output_tokens: positiveInt().optional(),
});

export const deploymentEntrySchema = z.looseObject({
  model_name: nonEmptyString(),
  litellm_params: litellmParamsSchema,
  model_info: modelInfoSchema.optional(),
  // Older LiteLLM examples put rpm/tpm beside litellm_params; litellm_params wins when both are set.
  rpm: nonNegativeNumber().optional(),
  tpm: nonNegativeNumber().optional(),
});

export type LitellmParamsInput = z.infer<typeof litellmParamsSchema>;
export type ModelInfoInput = z.infer<typeof modelInfoSchema>;
export type DeploymentEntryInput = z.infer<typeof deploymentEntrySchema>;

/**
 * Keys LiteLLM forwards to the provider call that this router does not forward.
 * They load with a warning rather than an error, so a migrated file keeps working.
 */
export const IGNORED_LITELLM_PARAMS = [
  'organization', 'region_name', 'use_in_pass_through',
  'input_cost_per_second', 'output_cost_per_second', 'merge_reasoning_content_in_choices',
  'litellm_credential_name', 'use_litellm_proxy', 'model_info', 'stream',
] as const;
