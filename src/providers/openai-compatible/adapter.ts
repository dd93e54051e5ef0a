import type OpenAI from 'openai';
import type { AdapterCall, ProviderAdapter } from '../adapter';
import type { ProviderLogOptions } from '../logger';
import { applyParamSupport, type UnsupportedParam } from '../params';
import type { ResolvedDeployment } from '../resolve';
import type { ChatChunk, ChatRequest } from '../types';
import { clientKey, createOpenAiClient } from './client';
import type { OpenAiCompatibleProfile } from './profile';
import { toOpenAiBody } from './request';
import { normaliseChunk, normaliseCompletion, normaliseEmbeddings } from './response';

// The body is built from our own ChatRequest type, which mirrors the SDK's params.
type CreateParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
type CreateStreamParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming;

/** Anthropic's `thinking` has no Chat Completions form; `reasoning_effort` is OpenAI's own. */
const NONE: readonly UnsupportedParam[] = [];
function unsupportedEverywhere(request: ChatRequest): readonly UnsupportedParam[] {
  return request.thinking === undefined ? NONE : [{ param: 'thinking', reason: 'Chat Completions has no thinking budget; use reasoning_effort' }];
}

/** The shared base for every provider that speaks OpenAI Chat Completions. */
export function createOpenAiCompatibleAdapter(profile: OpenAiCompatibleProfile = {}, logging: ProviderLogOptions = {}): ProviderAdapter {
  const clients = new Map<string, OpenAI>();
  const clientFor = (target: ResolvedDeployment): OpenAI => {
    const key = clientKey(target);
    let client = clients.get(key);
    if (!client) {
      client = createOpenAiClient(target, profile.azure === true, logging);
      clients.set(key, client);
    }
    return client;
  };
  const prepare = (call: AdapterCall) => {
    const byProfile = profile.unsupportedParams?.(call.request, call.target.model) ?? [];
    const everywhere = unsupportedEverywhere(call.request);
    // The common request uses nothing unsupported: no lists to merge, no options to build.
    if (byProfile.length === 0 && everywhere.length === 0) return call.request;
    return applyParamSupport(call.request, [...byProfile, ...everywhere], {
      dropParams: call.target.deployment.dropParams,
      provider: call.target.provider,
      deployment: call.target.deployment.id,
    });
  };

  return {
    async complete(call) {
      const request = prepare(call);
      const body = toOpenAiBody(request, call.target, profile, false) as unknown as CreateParams;
      const raw = await clientFor(call.target).chat.completions.create(body, { signal: call.signal });
      return normaliseCompletion(raw, call.target.model);
    },
    async *stream(call): AsyncGenerator<ChatChunk> {
      const request = prepare(call);
      const body = toOpenAiBody(request, call.target, profile, true) as unknown as CreateStreamParams;
      const stream = await clientFor(call.target).chat.completions.create(body, { signal: call.signal });
      for await (const raw of stream) {
        // Some servers send `{"error": {...}}` as a data frame instead of failing the HTTP status.
        yield normaliseChunk(raw, call.target.model);
      }
    },
    async embed(call) {
      const { input, dimensions, user } = call.request;
      const raw = await clientFor(call.target).embeddings.create(
        { model: call.target.model, input, encoding_format: 'float', ...(dimensions !== undefined ? { dimensions } : {}), ...(user !== undefined ? { user } : {}) },
        { signal: call.signal },
      );
      return normaliseEmbeddings(raw, call.target.model);
    },
  };
}
