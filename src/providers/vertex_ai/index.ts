import type { GoogleGenAI } from '@google/genai';
import type { ProviderAdapter } from '../adapter';
import { createAnthropicAdapter, type MessagesClient } from '../anthropic';
import { createGenAiClient } from '../gemini/client';
import { createGeminiAdapter } from '../gemini';
import { sdkLogSettings, type ProviderLogOptions } from '../logger';
import { clientKey } from '../openai-compatible/client';
import type { ResolvedDeployment } from '../resolve';
import { anthropicVertexSdk } from '../../lazy-modules';
import { capturingFetch } from '../transport';
import { vertexAuth } from './auth';

/** Claude on Vertex is named `claude-…` (often with `@date`); everything else is a Gemini-protocol model. */
export function isVertexClaude(model: string): boolean {
  return /^claude/.test(model);
}

function vertexKey(target: ResolvedDeployment): string {
  const v = target.vertex;
  return [clientKey(target), v?.project ?? '', v?.location ?? '', v?.credentials ?? ''].join('\u0000');
}

/**
 * Vertex AI: Gemini models through @google/genai in Vertex mode, Claude
 * models through @anthropic-ai/vertex-sdk, which reuses the Anthropic
 * translation and only changes the URL (`:rawPredict`) and the auth. Both
 * share one OAuth client per deployment; retries are off in both SDKs.
 */
export function createVertexAdapter(now: () => number, logging: ProviderLogOptions = {}): ProviderAdapter {
  const genai = new Map<string, Promise<GoogleGenAI>>();
  const anthropic = new Map<string, Promise<MessagesClient>>();
  const cached = <T>(map: Map<string, Promise<T>>, target: ResolvedDeployment, make: () => Promise<T>): Promise<T> => {
    const key = vertexKey(target);
    let client = map.get(key);
    if (!client) {
      client = make();
      map.set(key, client);
      // A failed credential read is not cached: a fixed key file works on the next call.
      client.catch(() => map.delete(key));
    }
    return client;
  };
  const gemini = createGeminiAdapter(now, (target) => cached(genai, target, async () => createGenAiClient(target, await vertexAuth(target))));
  const claude = createAnthropicAdapter(now, logging, (target) =>
    cached(anthropic, target, async () => {
      const auth = await vertexAuth(target);
      return new (anthropicVertexSdk().AnthropicVertex)({
        ...sdkLogSettings(logging, `${target.provider} (${target.deployment.id})`),
        region: auth.location,
        projectId: auth.project,
        authClient: auth.authClient,
        baseURL: `${target.apiBase}/v1`,
        // Retries belong to Temporal's RetryPolicy or the Router; the SDK must make exactly one attempt.
        maxRetries: 0,
        timeout: target.timeoutMs,
        defaultHeaders: target.headers,
        fetch: capturingFetch,
      });
    }),
  );
  const pick = (target: ResolvedDeployment): ProviderAdapter => (isVertexClaude(target.model) ? claude : gemini);
  return {
    complete: (call) => pick(call.target).complete(call),
    stream: (call) => pick(call.target).stream(call),
    embed: (call) => gemini.embed?.(call) ?? Promise.reject(new Error('unreachable: the Gemini adapter embeds')),
  };
}
