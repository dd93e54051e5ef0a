import type { GoogleGenAI } from '@google/genai';
import type { AdapterCall, ProviderAdapter } from '../adapter';
import { clientKey } from '../openai-compatible/client';
import type { ResolvedDeployment } from '../resolve';
import { failureRecorder, prematureEnd } from '../transport';
import type { ChatChunk } from '../types';
import { createGenAiClient } from './client';
import { toGeminiParams } from './convert-request';
import { convertResponse } from './convert-response';
import { geminiEmbed } from './embed';
import { GeminiChunkTranslator } from './stream';

/** Makes (or reuses) the GoogleGenAI client for a deployment; Vertex supplies its OAuth client. */
export type GenAiClientFactory = (target: ResolvedDeployment) => Promise<GoogleGenAI>;

/**
 * Gemini's generateContent behind the OpenAI chat shape, over the Gemini API
 * or (with a Vertex client factory) Vertex AI: both speak the same JSON.
 */
export function createGeminiAdapter(now: () => number, clientFor?: GenAiClientFactory): ProviderAdapter {
  const clients = new Map<string, GoogleGenAI>();
  const client =
    clientFor ??
    ((target: ResolvedDeployment): Promise<GoogleGenAI> => {
      const key = clientKey(target);
      let found = clients.get(key);
      if (!found) {
        found = createGenAiClient(target);
        clients.set(key, found);
      }
      return Promise.resolve(found);
    });
  const params = (call: AdapterCall, recorder: ReturnType<typeof failureRecorder>) => {
    const { contents, config } = toGeminiParams(call.request, call.target);
    return { model: call.target.model, contents, config: { ...config, abortSignal: call.signal, httpOptions: { fetch: recorder.fetch } } };
  };
  return {
    async complete(call) {
      const recorder = failureRecorder();
      try {
        const raw = await (await client(call.target)).models.generateContent(params(call, recorder));
        return convertResponse(raw, call.target.model, Math.floor(now() / 1000));
      } catch (err) {
        throw recorder.tag(err);
      }
    },
    async *stream(call): AsyncGenerator<ChatChunk> {
      const recorder = failureRecorder();
      const translator = new GeminiChunkTranslator(call.target.model, Math.floor(now() / 1000));
      try {
        const chunks = await (await client(call.target)).models.generateContentStream(params(call, recorder));
        for await (const raw of chunks) yield* translator.translate(raw);
      } catch (err) {
        throw recorder.tag(err);
      }
      // An abort also ends the stream quietly; the registry reports that one itself.
      if (!translator.isFinished && !call.signal.aborted) throw prematureEnd('streamGenerateContent');
      yield* translator.finish();
    },
    async embed(call) {
      const recorder = failureRecorder();
      try {
        return await geminiEmbed(await client(call.target), call, recorder.fetch);
      } catch (err) {
        throw recorder.tag(err);
      }
    },
  };
}
