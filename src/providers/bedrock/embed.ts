import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { bedrockSdk } from '../../lazy-modules';
import { BadRequestError, UnsupportedParamsError } from '../../errors';
import type { EmbedCall } from '../adapter';
import { embeddingInputs, embeddingResponse, estimateTokens } from '../embeddings';
import type { EmbeddingResponse } from '../types';

type Json = Record<string, unknown>;
/** Bedrock states the billed input tokens in this response header for every InvokeModel call. */
const INPUT_TOKENS_HEADER = 'x-amzn-bedrock-input-token-count';
/** Cohere requires an input type; documents are what most callers embed. */
const DEFAULT_COHERE_INPUT_TYPE = 'search_document';

async function invoke(client: BedrockRuntimeClient, modelId: string, payload: Json, signal: AbortSignal): Promise<{ body: Json; inputTokens?: number }> {
  const command = new (bedrockSdk().InvokeModelCommand)({ modelId, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(payload) });
  let header: string | undefined;
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      header = (result.response as { headers?: Record<string, string> }).headers?.[INPUT_TOKENS_HEADER];
      return result;
    },
    { step: 'deserialize', name: 'inputTokenCount' },
  );
  const output = await client.send(command, { abortSignal: signal });
  const body = JSON.parse(new TextDecoder().decode(output.body)) as Json;
  const inputTokens = header === undefined ? undefined : Number(header);
  return { body, ...(inputTokens !== undefined && Number.isFinite(inputTokens) ? { inputTokens } : {}) };
}

/** Amazon Titan Text Embeddings takes one text per call; only v2 takes a size and normalisation. */
async function titan(client: BedrockRuntimeClient, call: EmbedCall, texts: string[]): Promise<EmbeddingResponse> {
  const v2 = /titan-embed-text-v2/.test(call.target.model);
  if (!v2 && call.request.dimensions !== undefined) {
    const ctx = { provider: call.target.provider, deployment: call.target.deployment.id };
    throw new UnsupportedParamsError(`${ctx.provider} (${ctx.deployment}): unsupported parameters: dimensions (${call.target.model} has a fixed size; Titan Text Embeddings v2 takes one)`, ['dimensions'], { ...ctx, status: 400, retryable: false });
  }
  const payload = (inputText: string): Json => (v2 ? { inputText, ...(call.request.dimensions !== undefined ? { dimensions: call.request.dimensions } : {}), normalize: true } : { inputText });
  const results = await Promise.all(texts.map((inputText) => invoke(client, call.target.model, payload(inputText), call.signal)));
  const vectors = results.map((r) => (Array.isArray(r.body.embedding) ? (r.body.embedding as number[]) : []));
  const tokens = results.reduce((sum, r) => sum + (typeof r.body.inputTextTokenCount === 'number' ? r.body.inputTextTokenCount : (r.inputTokens ?? 0)), 0);
  return embeddingResponse(vectors, call.target.model, tokens);
}

/** Cohere Embed takes a batch; `embeddings` is a list, or keyed by type when `embedding_types` was sent. */
async function cohere(client: BedrockRuntimeClient, call: EmbedCall, texts: string[]): Promise<EmbeddingResponse> {
  const { body, inputTokens } = await invoke(
    client,
    call.target.model,
    { texts, input_type: call.request.input_type ?? DEFAULT_COHERE_INPUT_TYPE, embedding_types: ['float'], ...(call.request.dimensions !== undefined ? { output_dimension: call.request.dimensions } : {}) },
    call.signal,
  );
  const raw = body.embeddings;
  const vectors = (Array.isArray(raw) ? raw : ((raw as Json | undefined)?.float ?? [])) as number[][];
  return embeddingResponse(vectors, call.target.model, inputTokens ?? estimateTokens(texts));
}

export function bedrockEmbed(client: BedrockRuntimeClient, call: EmbedCall): Promise<EmbeddingResponse> {
  const texts = embeddingInputs(call.request);
  const model = call.target.model;
  if (/(^|\.)amazon\.titan-embed/.test(model)) return titan(client, call, texts);
  if (/(^|\.)cohere\.embed/.test(model)) return cohere(client, call, texts);
  const ctx = { provider: call.target.provider, deployment: call.target.deployment.id };
  return Promise.reject(new BadRequestError(`${ctx.provider} (${ctx.deployment}): embeddings are served for amazon.titan-embed-* and cohere.embed-* models, not "${model}"`, { ...ctx, status: 400 }));
}
