import type Anthropic from '@anthropic-ai/sdk';
import type { ProviderAdapter } from '../adapter';
import type { ProviderLogOptions } from '../logger';
import { clientKey } from '../openai-compatible/client';
import type { ResolvedDeployment } from '../resolve';
import type { ChatChunk } from '../types';
import { createAnthropicClient } from './client';
import { toAnthropicBody } from './convert-request';
import { convertMessage } from './convert-response';
import { AnthropicChunkTranslator } from './stream';

type CreateParams = Anthropic.Messages.MessageCreateParamsNonStreaming;
type CreateStreamParams = Anthropic.Messages.MessageCreateParamsStreaming;

export { DEFAULT_ANTHROPIC_MAX_TOKENS, JSON_TOOL_NAME } from './convert-request';

/** Anything with the Messages resource: the Anthropic client, or AnthropicVertex for Claude on Vertex AI. */
export interface MessagesClient {
  readonly messages: Pick<Anthropic['messages'], 'create'>;
}
export type AnthropicClientFactory = (target: ResolvedDeployment) => Promise<MessagesClient>;

/** Anthropic Messages API behind the OpenAI chat shape. `now` stamps `created`, which Anthropic does not send. */
export function createAnthropicAdapter(now: () => number, logging: ProviderLogOptions = {}, factory?: AnthropicClientFactory): ProviderAdapter {
  const clients = new Map<string, Anthropic>();
  const clientFor =
    factory ??
    ((target: ResolvedDeployment): Promise<MessagesClient> => {
      const key = clientKey(target);
      let client = clients.get(key);
      if (!client) {
        client = createAnthropicClient(target, logging);
        clients.set(key, client);
      }
      return Promise.resolve(client);
    });
  return {
    async complete(call) {
      const { body, jsonMode } = toAnthropicBody(call.request, call.target, false);
      const raw = await (await clientFor(call.target)).messages.create(body as unknown as CreateParams, { signal: call.signal });
      return convertMessage(raw, jsonMode, Math.floor(now() / 1000));
    },
    async *stream(call): AsyncGenerator<ChatChunk> {
      const { body, jsonMode } = toAnthropicBody(call.request, call.target, true);
      const events = await (await clientFor(call.target)).messages.create(body as unknown as CreateStreamParams, { signal: call.signal });
      const translator = new AnthropicChunkTranslator(call.target.model, jsonMode, Math.floor(now() / 1000));
      for await (const event of events) {
        for (const chunk of translator.translate(event)) yield chunk;
      }
    },
  };
}
