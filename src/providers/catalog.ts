import type { ProviderId } from './model-string';

/** Which wire protocol (and SDK) a provider speaks. */
export type WireProtocol = 'openai' | 'anthropic' | 'gemini' | 'bedrock' | 'vertex';

export interface ProviderSpec {
  readonly id: ProviderId;
  /** Base URL the SDK is pointed at when the deployment sets no `api_base`. */
  readonly defaultApiBase?: string;
  /** Environment variable read for the key when the deployment sets no `api_key`. */
  readonly apiKeyEnv?: string;
  /** Environment variable read for the base URL when the deployment sets no `api_base` (LiteLLM compatible). */
  readonly apiBaseEnv?: string;
  readonly wire: WireProtocol;
  /** No sensible default endpoint exists: the deployment must give `api_base`. */
  readonly requiresApiBase?: boolean;
  /** Local servers (Ollama, vLLM, LM Studio) usually run without a key. */
  readonly apiKeyOptional?: boolean;
  /** Azure addresses a deployment by name and needs an `api_version`. */
  readonly requiresApiVersion?: boolean;
  readonly defaultApiVersion?: string;
  /** Authenticates with cloud credentials (AWS SigV4, Google OAuth), not an API key. */
  readonly cloudAuth?: boolean;
}

/** Azure's stable GA data-plane version; used when neither the deployment nor AZURE_API_VERSION sets one. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

// Key variable names follow LiteLLM so that existing environments keep working.
const SPECS: { readonly [K in ProviderId]: ProviderSpec } = {
  openai: { id: 'openai', wire: 'openai', defaultApiBase: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY', apiBaseEnv: 'OPENAI_API_BASE' },
  anthropic: { id: 'anthropic', wire: 'anthropic', defaultApiBase: 'https://api.anthropic.com', apiKeyEnv: 'ANTHROPIC_API_KEY', apiBaseEnv: 'ANTHROPIC_API_BASE' },
  azure: {
    id: 'azure', wire: 'openai', apiKeyEnv: 'AZURE_API_KEY', apiBaseEnv: 'AZURE_API_BASE',
    requiresApiBase: true, requiresApiVersion: true, defaultApiVersion: DEFAULT_AZURE_API_VERSION,
  },
  // Native Gemini API; the SDK appends the version (`/v1beta`) and `models/<name>:generateContent`.
  gemini: { id: 'gemini', wire: 'gemini', defaultApiBase: 'https://generativelanguage.googleapis.com', apiKeyEnv: 'GEMINI_API_KEY', apiBaseEnv: 'GEMINI_API_BASE' },
  groq: { id: 'groq', wire: 'openai', defaultApiBase: 'https://api.groq.com/openai/v1', apiKeyEnv: 'GROQ_API_KEY' },
  mistral: { id: 'mistral', wire: 'openai', defaultApiBase: 'https://api.mistral.ai/v1', apiKeyEnv: 'MISTRAL_API_KEY' },
  deepseek: { id: 'deepseek', wire: 'openai', defaultApiBase: 'https://api.deepseek.com/v1', apiKeyEnv: 'DEEPSEEK_API_KEY' },
  together_ai: { id: 'together_ai', wire: 'openai', defaultApiBase: 'https://api.together.xyz/v1', apiKeyEnv: 'TOGETHERAI_API_KEY' },
  fireworks_ai: { id: 'fireworks_ai', wire: 'openai', defaultApiBase: 'https://api.fireworks.ai/inference/v1', apiKeyEnv: 'FIREWORKS_AI_API_KEY' },
  openrouter: { id: 'openrouter', wire: 'openai', defaultApiBase: 'https://openrouter.ai/api/v1', apiKeyEnv: 'OPENROUTER_API_KEY' },
  xai: { id: 'xai', wire: 'openai', defaultApiBase: 'https://api.x.ai/v1', apiKeyEnv: 'XAI_API_KEY' },
  ollama: { id: 'ollama', wire: 'openai', defaultApiBase: 'http://localhost:11434/v1', apiKeyEnv: 'OLLAMA_API_KEY', apiBaseEnv: 'OLLAMA_API_BASE', apiKeyOptional: true },
  hosted_vllm: { id: 'hosted_vllm', wire: 'openai', apiKeyEnv: 'HOSTED_VLLM_API_KEY', apiBaseEnv: 'HOSTED_VLLM_API_BASE', requiresApiBase: true, apiKeyOptional: true },
  lm_studio: { id: 'lm_studio', wire: 'openai', defaultApiBase: 'http://localhost:1234/v1', apiKeyEnv: 'LM_STUDIO_API_KEY', apiBaseEnv: 'LM_STUDIO_API_BASE', apiKeyOptional: true },
  openai_compatible: { id: 'openai_compatible', wire: 'openai', apiKeyEnv: 'OPENAI_COMPATIBLE_API_KEY', requiresApiBase: true, apiKeyOptional: true },
  // Endpoints follow the region / location (resolve.ts); keys come from the cloud's credential chain.
  bedrock: { id: 'bedrock', wire: 'bedrock', apiBaseEnv: 'AWS_BEDROCK_RUNTIME_ENDPOINT', cloudAuth: true },
  vertex_ai: { id: 'vertex_ai', wire: 'vertex', cloudAuth: true },
};

export function getProviderSpec(id: ProviderId): ProviderSpec {
  return SPECS[id];
}
