import type Anthropic from '@anthropic-ai/sdk';
import { anthropicSdk } from '../../lazy-modules';
import type { ResolvedDeployment } from '../resolve';
import { sdkLogSettings, type ProviderLogOptions } from '../logger';
import { capturingFetch } from '../transport';

export function createAnthropicClient(target: ResolvedDeployment, logging: ProviderLogOptions = {}): Anthropic {
  return new (anthropicSdk().Anthropic)({
    ...sdkLogSettings(logging, `${target.provider} (${target.deployment.id})`),
    // Explicit, so the SDK never falls back to reading ANTHROPIC_API_KEY itself.
    apiKey: target.apiKey ?? null,
    baseURL: target.apiBase,
    // Retries belong to Temporal's RetryPolicy or the Router; the SDK must make exactly one attempt.
    maxRetries: 0,
    timeout: target.timeoutMs,
    defaultHeaders: target.headers,
    fetch: capturingFetch,
  });
}
