import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { bedrockSdk } from '../../lazy-modules';
import type { ProviderAdapter } from '../adapter';
import { clientKey } from '../openai-compatible/client';
import type { ResolvedDeployment } from '../resolve';
import { prematureEnd } from '../transport';
import type { ChatChunk } from '../types';
import { createBedrockClient } from './client';
import { toConverseInput } from './convert-request';
import { convertOutput } from './convert-response';
import { bedrockEmbed } from './embed';
import { ConverseChunkTranslator } from './stream';

/** Cache key: the generic one plus region and credentials source. */
function bedrockKey(target: ResolvedDeployment): string {
  const aws = target.aws;
  return [clientKey(target), aws?.region ?? '', aws?.credentials?.accessKeyId ?? '', aws?.credentials?.secretAccessKey ?? '', aws?.credentials?.sessionToken ?? '', aws?.profile ?? ''].join('\u0000');
}

/** Bedrock's Converse API behind the OpenAI chat shape; InvokeModel for embeddings. */
export function createBedrockAdapter(now: () => number): ProviderAdapter {
  const clients = new Map<string, BedrockRuntimeClient>();
  const clientFor = (target: ResolvedDeployment): BedrockRuntimeClient => {
    const key = bedrockKey(target);
    let client = clients.get(key);
    if (!client) {
      client = createBedrockClient(target);
      clients.set(key, client);
    }
    return client;
  };
  return {
    async complete(call) {
      const { input, jsonMode } = toConverseInput(call.request, call.target);
      const raw = await clientFor(call.target).send(new (bedrockSdk().ConverseCommand)(input), { abortSignal: call.signal });
      return convertOutput(raw, call.target.model, jsonMode, Math.floor(now() / 1000), raw.$metadata.requestId ?? '');
    },
    async *stream(call): AsyncGenerator<ChatChunk> {
      const { input, jsonMode } = toConverseInput(call.request, call.target);
      const raw = await clientFor(call.target).send(new (bedrockSdk().ConverseStreamCommand)(input), { abortSignal: call.signal });
      const translator = new ConverseChunkTranslator(raw.$metadata.requestId ?? '', call.target.model, jsonMode, Math.floor(now() / 1000));
      let closed = false;
      for await (const event of raw.stream ?? []) {
        if ('metadata' in event || 'messageStop' in event) closed = true;
        yield* translator.translate(event);
      }
      // An abort also ends the stream quietly; the registry reports that one itself.
      if (!closed && !call.signal.aborted) throw prematureEnd('ConverseStream');
    },
    embed(call) {
      return bedrockEmbed(clientFor(call.target), call);
    },
  };
}
