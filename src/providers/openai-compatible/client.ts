import OpenAI, { AzureOpenAI } from 'openai';
import type { ResolvedDeployment } from '../resolve';
import { sdkLogSettings, type ProviderLogOptions } from '../logger';
import { capturingFetch } from '../transport';

// Local servers (Ollama, vLLM, LM Studio) need no key, but the SDK refuses an empty one.
const PLACEHOLDER_KEY = 'not-needed';

/** Cache key: one client per deployment, endpoint and resolved key (a rotated key gets a new client). */
export function clientKey(target: ResolvedDeployment): string {
  // The registry reuses a resolved deployment while its environment is unchanged, so the key is built once.
  let key = keys.get(target);
  if (key === undefined) {
    key = [target.deployment.id, target.apiBase, target.apiKey ?? '', target.apiVersion ?? '', JSON.stringify(target.headers)].join('\u0000');
    keys.set(target, key);
  }
  return key;
}
const keys = new WeakMap<ResolvedDeployment, string>();

export function createOpenAiClient(target: ResolvedDeployment, azure: boolean, logging: ProviderLogOptions = {}): OpenAI {
  const common = {
    ...sdkLogSettings(logging, `${target.provider} (${target.deployment.id})`),
    apiKey: target.apiKey ?? PLACEHOLDER_KEY,
    // Retries belong to Temporal's RetryPolicy or the Router; the SDK must make exactly one attempt.
    maxRetries: 0,
    timeout: target.timeoutMs,
    defaultHeaders: target.headers,
    fetch: capturingFetch,
  };
  if (azure) {
    return new AzureOpenAI({ ...common, endpoint: target.apiBase, apiVersion: target.apiVersion });
  }
  return new OpenAI({ ...common, baseURL: target.apiBase });
}
