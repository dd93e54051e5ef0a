/**
 * Prices and context windows from the bundled @pydantic/genai-prices data.
 * Nothing here touches the network: we never call its `updatePrices`.
 */
import { findProvider, type ModelInfo as PriceModel, type ModelPrice, type TieredPrices } from '@pydantic/genai-prices';
import { parseModelString, type ProviderId } from './model-string';
import type { Usage } from './types';

export interface ModelInfo {
  inputCostPerToken?: number;
  outputCostPerToken?: number;
  cacheReadCostPerToken?: number;
  maxInputTokens?: number;
  maxOutputTokens?: number;
}

export interface ModelInfoOverrides {
  inputCostPerToken?: number;
  outputCostPerToken?: number;
  maxInputTokens?: number;
  maxOutputTokens?: number;
}

// Our provider ids → the dataset's. Self-hosted providers have no list price.
const PRICE_PROVIDER: Partial<Record<ProviderId, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  azure: 'azure',
  gemini: 'google',
  groq: 'groq',
  mistral: 'mistral',
  deepseek: 'deepseek',
  together_ai: 'together',
  fireworks_ai: 'fireworks',
  openrouter: 'openrouter',
  xai: 'x-ai',
  bedrock: 'aws',
  // The dataset's Google entry prices both Gemini and the Claude models Vertex serves.
  vertex_ai: 'google',
};

function matches(logic: unknown, id: string): boolean {
  if (typeof logic !== 'object' || logic === null) return false;
  const m = logic as Record<string, unknown>;
  const lower = id.toLowerCase();
  if (Array.isArray(m.or)) return m.or.some((x) => matches(x, id));
  if (Array.isArray(m.and)) return m.and.every((x) => matches(x, id));
  if (typeof m.equals === 'string') return lower === m.equals.toLowerCase();
  if (typeof m.starts_with === 'string') return lower.startsWith(m.starts_with.toLowerCase());
  if (typeof m.ends_with === 'string') return lower.endsWith(m.ends_with.toLowerCase());
  if (typeof m.contains === 'string') return lower.includes(m.contains.toLowerCase());
  if (typeof m.regex === 'string') return new RegExp(m.regex).test(id);
  return false;
}

// Matching a model walks the whole dataset with regexes (~0.1 ms); the answer never changes, so keep it.
const modelCache = new Map<string, PriceModel | null>();

function findPriceModel(provider: ProviderId, model: string): PriceModel | undefined {
  const providerId = PRICE_PROVIDER[provider];
  if (providerId === undefined) return undefined;
  const key = `${providerId}\u0000${model}`;
  let found = modelCache.get(key);
  if (found === undefined) {
    found = findProvider({ providerId })?.models.find((m) => matches(m.match, model)) ?? null;
    if (modelCache.size > 10_000) modelCache.clear();
    modelCache.set(key, found);
  }
  return found ?? undefined;
}

function currentPrices(model: PriceModel, at: Date): ModelPrice {
  if (!Array.isArray(model.prices)) return model.prices;
  let chosen: ModelPrice | undefined;
  for (const conditional of model.prices) {
    const c = conditional.constraint as { type?: string; start_date?: string } | undefined;
    if (c === undefined || (c.type === 'start_date' && c.start_date !== undefined && at >= new Date(c.start_date))) chosen = conditional.prices;
  }
  return chosen ?? model.prices[0]?.prices ?? {};
}

function perToken(price: number | TieredPrices | undefined): number | undefined {
  if (price === undefined) return undefined;
  const perMillion = typeof price === 'number' ? price : price.base;
  return perMillion / 1_000_000;
}

/**
 * List prices (base tier, per token) and the context window for a
 * `provider/model` string; deployment overrides win. Unknown models return
 * only what the overrides give.
 */
export function getModelInfo(model: string, overrides: ModelInfoOverrides = {}, at: Date = new Date()): ModelInfo {
  const info: ModelInfo = {};
  let parsed: { provider: ProviderId; model: string } | undefined;
  try {
    parsed = parseModelString(model);
  } catch {
    parsed = undefined;
  }
  const found = parsed ? findPriceModel(parsed.provider, parsed.model) : undefined;
  if (found) {
    const prices = currentPrices(found, at);
    info.inputCostPerToken = perToken(prices.input_mtok);
    info.outputCostPerToken = perToken(prices.output_mtok);
    info.cacheReadCostPerToken = perToken(prices.cache_read_mtok);
    if (found.context_window !== undefined) info.maxInputTokens = found.context_window;
  }
  if (overrides.inputCostPerToken !== undefined) info.inputCostPerToken = overrides.inputCostPerToken;
  if (overrides.outputCostPerToken !== undefined) info.outputCostPerToken = overrides.outputCostPerToken;
  if (overrides.maxInputTokens !== undefined) info.maxInputTokens = overrides.maxInputTokens;
  if (overrides.maxOutputTokens !== undefined) info.maxOutputTokens = overrides.maxOutputTokens;
  for (const key of Object.keys(info) as Array<keyof ModelInfo>) if (info[key] === undefined) delete info[key];
  return info;
}

/** Price per token for this many input tokens (long-context tiers start above a token count). */
function tierPrice(price: number | TieredPrices | undefined, inputTokens: number): number | undefined {
  if (price === undefined) return undefined;
  if (typeof price === 'number') return price / 1_000_000;
  let perMillion = price.base;
  for (const tier of price.tiers) if (inputTokens > tier.start) perMillion = tier.price;
  return perMillion / 1_000_000;
}

/**
 * Cost of one call in USD, following the dataset's rules: cached prompt
 * tokens at the cache-read price, cache writes at the cache-write price,
 * long-context tiers chosen by the input size. Per-token overrides replace
 * their side of the price (and then no cache discount applies to input).
 * Undefined when the price is unknown.
 */
export function costUsd(model: string, usage: Usage | undefined, overrides: ModelInfoOverrides = {}, at: Date = new Date()): number | undefined {
  if (!usage) return undefined;
  let inputCost: number | undefined;
  let outputCost: number | undefined;
  if (overrides.inputCostPerToken !== undefined) inputCost = usage.prompt_tokens * overrides.inputCostPerToken;
  if (overrides.outputCostPerToken !== undefined) outputCost = usage.completion_tokens * overrides.outputCostPerToken;
  if (inputCost === undefined || outputCost === undefined) {
    let found: PriceModel | undefined;
    try {
      const parsed = parseModelString(model);
      found = findPriceModel(parsed.provider, parsed.model);
    } catch {
      found = undefined;
    }
    if (!found) return undefined;
    const prices = currentPrices(found, at);
    const input = usage.prompt_tokens;
    const inputPrice = tierPrice(prices.input_mtok, input);
    const outputPrice = tierPrice(prices.output_mtok, input);
    if (inputCost === undefined) {
      if (inputPrice === undefined) return undefined;
      const cached = Math.min(usage.prompt_tokens_details?.cached_tokens ?? 0, input);
      const written = Math.min(usage.prompt_tokens_details?.cache_creation_tokens ?? 0, input - cached);
      const readPrice = tierPrice(prices.cache_read_mtok, input) ?? inputPrice;
      const writePrice = tierPrice(prices.cache_write_mtok, input) ?? inputPrice;
      inputCost = (input - cached - written) * inputPrice + cached * readPrice + written * writePrice;
    }
    if (outputCost === undefined) {
      // Embedding models have no output price, and an embeddings call has no output tokens.
      if (outputPrice === undefined && usage.completion_tokens > 0) return undefined;
      outputCost = usage.completion_tokens * (outputPrice ?? 0);
    }
  }
  return inputCost + outputCost;
}
