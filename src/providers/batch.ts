// The providers' batch endpoints in one shape: submit many chat requests at
// once (at the provider's batch price), ask whether the batch has ended, read
// each request's outcome by its custom id, cancel. One module per provider
// folder implements it (openai/batch.ts, anthropic/batch.ts) over its SDK.
import { parseModelString, type ProviderId } from './model-string';
import type { ChatRequest, ChatResponse } from './types';

/** Providers whose batch endpoint is driven here: OpenAI's Batch API (and servers that speak it), Anthropic's Message Batches. */
export const BATCH_PROVIDERS: readonly ProviderId[] = ['openai', 'openai_compatible', 'anthropic'];

/** Whether a deployment's `provider/model` has a batch endpoint here; false for a model string that does not parse. */
export function hasBatchEndpoint(model: string): boolean {
  try {
    return BATCH_PROVIDERS.includes(parseModelString(model).provider);
  } catch {
    return false;
  }
}

export interface ProviderBatchItem {
  /** Unique in the batch; maps the result back (e.g. a document's index). Letters, digits, `_` and `-`, at most 64. */
  customId: string;
  request: ChatRequest;
}

export type ProviderBatchResult =
  | { customId: string; outcome: 'succeeded'; response: ChatResponse }
  /** Failed at the provider (`status` when it gave one), ran out of the completion window, or cancelled with the batch. */
  | { customId: string; outcome: 'errored' | 'expired' | 'cancelled'; message: string; status?: number };

export interface ProviderBatchStatus {
  id: string;
  /** No request will change any more: results can be read. */
  ended: boolean;
  /** The provider's own word for the state ('in_progress', 'completed', 'ended', 'canceling'…). */
  providerStatus: string;
  total: number;
  succeeded: number;
  /** Errored, expired or cancelled so far. */
  failed: number;
}

export interface SubmitOptions {
  /**
   * Names this submission: a second submit with the same key returns the
   * batch the first created instead of creating (and paying for) another,
   * where the provider lets a batch carry it (OpenAI's batch metadata;
   * Anthropic's Message Batches carry none, so there it is ignored).
   */
  idempotencyKey?: string;
}

export interface ProviderBatchClient {
  submit(items: readonly ProviderBatchItem[], options?: SubmitOptions): Promise<string>;
  /**
   * The most one item can cost at the batch price, before it is sent:
   * undefined when the deployment has no price or the request no
   * `max_tokens`. A budget (`--max-cost`) admits items by this bound.
   */
  costBoundUsd?(request: ChatRequest): number | undefined;
  status(batchId: string): Promise<ProviderBatchStatus>;
  /** Every request's outcome once the batch has ended, in the provider's order. */
  results(batchId: string): AsyncIterable<ProviderBatchResult>;
  cancel(batchId: string): Promise<void>;
}

/** What the providers accept as a custom id. */
export const BATCH_CUSTOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function checkCustomIds(items: readonly ProviderBatchItem[]): void {
  const seen = new Set<string>();
  for (const item of items) {
    if (!BATCH_CUSTOM_ID.test(item.customId)) throw new Error(`batch custom id "${item.customId}": expected 1-64 letters, digits, "_" or "-"`);
    if (seen.has(item.customId)) throw new Error(`batch custom id "${item.customId}" appears twice`);
    seen.add(item.customId);
  }
}
