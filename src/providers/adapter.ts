import type { ResolvedDeployment } from './resolve';
import type { ChatChunk, ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse } from './types';

/** What a provider adapter receives for one call. */
export interface AdapterCall {
  readonly target: ResolvedDeployment;
  readonly request: ChatRequest;
  /** Aborts on caller cancellation or on the deployment's deadline. */
  readonly signal: AbortSignal;
}

/**
 * A provider adapter translates and transports; it throws whatever the SDK
 * throws. The registry classifies errors and adds routing metadata, so that
 * translation happens in one place.
 */
export interface ProviderAdapter {
  complete(call: AdapterCall): Promise<ChatResponse>;
  /** Yields OpenAI-shaped chunks; the last one carries `usage` when the provider reports it. */
  stream(call: AdapterCall): AsyncIterable<ChatChunk>;
  /** Embeddings, for providers that serve them. */
  embed?(call: EmbedCall): Promise<EmbeddingResponse>;
}

export interface EmbedCall {
  readonly target: ResolvedDeployment;
  readonly request: EmbeddingRequest;
  readonly signal: AbortSignal;
}
