// LiteLLM-compatible config loading: a proxy config.yaml, a JSON file or an object in code.
export { loadConfig, loadConfigFile, parseConfigText, parseConfigObject } from './load';
export type { ParseTextOptions } from './load';
export type { LoadedRouterConfig, LoadConfigOptions, GatewayConfig, GatewayKeyConfig } from './types';
export { ConfigError, isConfigError, formatIssue, formatPath } from './issues';
export type { ConfigIssue, IssueSeverity } from './issues';
export { assertNoLiteralSecrets } from './durable';
export { ENV_REF_PREFIX, classifySecret, isEnvReference } from './secret-ref';
export type { LiteralSecretLocation, SecretValue } from './secret-ref';
export type { ModelPricing, ModelPricingLookup } from './model-pricing';
export { ROUTING_STRATEGIES, RETRY_POLICY_KEYS, ALLOWED_FAILS_POLICY_KEYS } from './router-settings-schema';
export { COMPLEXITY_ROUTER_MODEL, COMPLEXITY_TIERS } from './complexity-router-schema';
