/**
 * Prices and context windows from the bundled @pydantic/genai-prices data.
 * Nothing here touches the network: we never call its `updatePrices`.
 */
import { calcPrice, findProvider, type ModelInfo as PriceModel, type ModelPrice, type TieredPrices } from '@pydantic/genai-prices';
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

function findPriceModel(provider: ProviderId, model: string): PriceModel | undefined {
  const providerId = PRICE_PROVIDER[provider];
  if (providerId === undefined) return undefined;
  const entry = findProvider({ providerId });
  return entry?.models.find((m) => matches(m.match, model));
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

/**
 * Cost of one call in USD. With both per-token overrides the sum is simple
 * (no cache discount); otherwise the dataset's own calculation applies,
 * including cache-read prices and long-context tiers. Undefined when unknown.
 */
export function costUsd(model: string, usage: Usage | undefined, overrides: ModelInfoOverrides = {}, at: Date = new Date()): number | undefined {
  if (!usage) return undefined;
  if (overrides.inputCostPerToken !== undefined && overrides.outputCostPerToken !== undefined) {
    return usage.prompt_tokens * overrides.inputCostPerToken + usage.completion_tokens * overrides.outputCostPerToken;
  }
  let parsed: { provider: ProviderId; model: string };
  try {
    parsed = parseModelString(model);
  } catch {
    return undefined;
  }
  const providerId = PRICE_PROVIDER[parsed.provider];
  if (providerId !== undefined) {
    try {
      const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
      const written = usage.prompt_tokens_details?.cache_creation_tokens ?? 0;
      const result = calcPrice(
        {
          input_tokens: usage.prompt_tokens,
          output_tokens: usage.completion_tokens,
          ...(cached > 0 ? { cache_read_tokens: cached } : {}),
          ...(written > 0 ? { cache_write_tokens: written } : {}),
        },
        parsed.model,
        { providerId, timestamp: at },
      );
      if (result) {
        // A one-sided override replaces that side of the dataset's price.
        const input = overrides.inputCostPerToken !== undefined ? usage.prompt_tokens * overrides.inputCostPerToken : result.input_price;
        const output = overrides.outputCostPerToken !== undefined ? usage.completion_tokens * overrides.outputCostPerToken : result.output_price;
        return input + output;
      }
    } catch {
      // Usage the dataset cannot price (e.g. a cache key without a cache price): fall through.
    }
  }
  const info = getModelInfo(model, overrides, at);
  if (info.inputCostPerToken === undefined || info.outputCostPerToken === undefined) return undefined;
  return usage.prompt_tokens * info.inputCostPerToken + usage.completion_tokens * info.outputCostPerToken;
}
