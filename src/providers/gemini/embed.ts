import type { GoogleGenAI } from '@google/genai';
import type { EmbedCall } from '../adapter';
import { embeddingInputs, embeddingResponse, estimateTokens } from '../embeddings';
import type { EmbeddingResponse } from '../types';

/**
 * `embedContent`: the Gemini API serves it as batchEmbedContents, Vertex as
 * `:predict` (which reports token counts; the Gemini API does not, so those are estimated).
 */
export async function geminiEmbed(client: GoogleGenAI, call: EmbedCall, fetchFn: typeof fetch): Promise<EmbeddingResponse> {
  const texts = embeddingInputs(call.request);
  const config: Record<string, unknown> = { abortSignal: call.signal, httpOptions: { fetch: fetchFn } };
  if (call.request.dimensions !== undefined) config.outputDimensionality = call.request.dimensions;
  if (call.request.input_type !== undefined) config.taskType = call.request.input_type;
  const raw = await client.models.embedContent({ model: call.target.model, contents: texts, config });
  const embeddings = raw.embeddings ?? [];
  const counted = embeddings.reduce((sum, e) => sum + (e.statistics?.tokenCount ?? 0), 0);
  return embeddingResponse(embeddings.map((e) => e.values ?? []), call.target.model, counted > 0 ? counted : estimateTokens(texts));
}
