// Provider layer: one OpenAI-shaped chat interface over every provider.
export { createProviderRegistry } from './registry';
export type { ProviderRegistry, ProviderRegistryOptions } from './registry';
export { PROVIDER_IDS, parseModelString, isProviderId } from './model-string';
export type { ProviderId, ParsedModelString } from './model-string';
export { getProviderSpec, DEFAULT_AZURE_API_VERSION } from './catalog';
export type { ProviderSpec, WireProtocol } from './catalog';
export { resolveDeployment, DEFAULT_TIMEOUT_MS, DEFAULT_VERTEX_LOCATION, ENV_REFERENCE_PREFIX } from './resolve';
export type { ResolvedAws, ResolvedVertex } from './resolve';
export { REQUEST_DEFAULT_KEYS } from './types';
export { REASONING_EFFORT_BUDGET } from './content';
export { getModelInfo, costUsd } from './pricing';
export type { ModelInfo, ModelInfoOverrides } from './pricing';
export { countPromptTokens } from './tokens';
export { DEFAULT_PROVIDER_LOG_LEVEL, LOG_LEVELS } from './logger';
export type { Logger, LogLevel, ProviderLogOptions } from './logger';
export { DEFAULT_ANTHROPIC_MAX_TOKENS } from './anthropic';
export type * from './types';
