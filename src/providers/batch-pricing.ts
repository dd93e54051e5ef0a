// What a request answered through a provider's batch endpoint costs. OpenAI's
// Batch API and Anthropic's Message Batches both bill half the list price per
// token; a deployment may give its own batch prices instead (LiteLLM's
// `input_cost_per_token_batches` / `output_cost_per_token_batches`).
import { costUsd, type ModelInfoOverrides } from './pricing';
import type { Usage } from './types';

/** The share of the list price the providers' batch endpoints bill. */
export const BATCH_PRICE_FACTOR = 0.5;

export interface BatchPriceOverrides {
  inputCostPerTokenBatches?: number;
  outputCostPerTokenBatches?: number;
}

/** Undefined when neither a batch price nor a list price is known. */
export function batchCostUsd(model: string, usage: Usage | undefined, overrides: ModelInfoOverrides & BatchPriceOverrides = {}, at: Date = new Date()): number | undefined {
  if (!usage) return undefined;
  const { inputCostPerTokenBatches: input, outputCostPerTokenBatches: output } = overrides;
  if (input !== undefined && output !== undefined) return usage.prompt_tokens * input + usage.completion_tokens * output;
  const list = costUsd(model, usage, overrides, at);
  if (list === undefined) return undefined;
  if (input === undefined && output === undefined) return list * BATCH_PRICE_FACTOR;
  // One side given: that side at its batch price, the other at half its list price.
  const inputOnly = costUsd(model, { ...usage, completion_tokens: 0 }, overrides, at);
  const { prompt_tokens_details: _cached, ...withoutCache } = usage;
  const outputOnly = costUsd(model, { ...withoutCache, prompt_tokens: 0 }, overrides, at);
  if (inputOnly === undefined || outputOnly === undefined) return undefined;
  return input !== undefined
    ? usage.prompt_tokens * input + outputOnly * BATCH_PRICE_FACTOR
    : inputOnly * BATCH_PRICE_FACTOR + usage.completion_tokens * (output as number);
}
