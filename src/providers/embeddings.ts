import { tokenizer } from '../lazy-modules';
import type { EmbeddingRequest, EmbeddingResponse } from './types';

export function embeddingInputs(request: EmbeddingRequest): string[] {
  return typeof request.input === 'string' ? [request.input] : request.input;
}

/**
 * Token count for providers whose embedding responses report none (the
 * Gemini API): the o200k count, an estimate within a few per cent for
 * English text, so that cost is still recorded.
 */
export function estimateTokens(texts: readonly string[]): number {
  return texts.reduce((sum, text) => sum + tokenizer().encode(text).length, 0);
}

export function embeddingResponse(vectors: readonly number[][], model: string, promptTokens: number): EmbeddingResponse {
  return {
    object: 'list',
    data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
