/** Every provider prefix a model string may carry; a bare model name means `openai`. */
export const PROVIDER_IDS = [
  'openai',
  'anthropic',
  'azure',
  'gemini',
  'groq',
  'mistral',
  'deepseek',
  'together_ai',
  'fireworks_ai',
  'openrouter',
  'xai',
  'ollama',
  'hosted_vllm',
  'lm_studio',
  'openai_compatible',
  'bedrock',
  'vertex_ai',
] as const;

export type ProviderId = (typeof PROVIDER_IDS)[number];

export interface ParsedModelString {
  readonly provider: ProviderId;
  /** The provider-side model name (for Azure, the deployment name). May itself contain `/` (e.g. OpenRouter). */
  readonly model: string;
}

export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}

/**
 * Splits `provider/model` at the first slash. A name without a slash is an
 * OpenAI model, as in LiteLLM, so `gpt-4o-mini` and `openai/gpt-4o-mini` agree.
 */
export function parseModelString(model: string): ParsedModelString {
  const trimmed = model.trim();
  if (trimmed === '') throw new Error('model string is empty; expected "provider/model" or a bare OpenAI model name');
  const slash = trimmed.indexOf('/');
  if (slash === -1) return { provider: 'openai', model: trimmed };
  const prefix = trimmed.slice(0, slash);
  const rest = trimmed.slice(slash + 1);
  if (!isProviderId(prefix)) {
    throw new Error(`unknown provider "${prefix}" in model "${trimmed}"; known providers: ${PROVIDER_IDS.join(', ')}`);
  }
  if (rest === '') throw new Error(`model string "${trimmed}" names provider "${prefix}" but no model`);
  return { provider: prefix, model: rest };
}
