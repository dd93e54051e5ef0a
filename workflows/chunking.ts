// How large a piece of a document may be: it must fit the smallest context
// window anywhere in the group's fallback chain, so a fallback to a smaller
// model still fits. Pure: reads the routing config only.
import { COMPLEXITY_ROUTER_MODEL, type RouterConfig } from '../src/core';

/**
 * Per-document token cap of a batch when neither the batch nor
 * `router_settings.max_document_tokens` sets one: about 4 MB of English text.
 * Larger documents fail with DocumentTokenCapError before any provider call.
 */
export const DEFAULT_MAX_DOCUMENT_TOKENS = 1_000_000;

/** Instructions and framing around a chunk, in tokens (our prompt adds ~30; tokenizers of other providers differ). */
export const CHUNK_PROMPT_RESERVE_TOKENS = 128;
/** Tokenizers differ between providers by up to ~20%; chunks leave that much room. */
export const CHUNK_TOKENIZER_MARGIN = 0.8;
export { DEFAULT_CHUNK_OVERLAP_TOKENS } from './split-text';
/** Runs that started before this patch cut chunks at fixed token offsets; newer ones at the document's structure. */
export const STRUCTURED_CHUNKS_PATCH = 'structured-chunks';

/** Every group a request to `group` can reach through fallback lists (generic and context-window), itself included. */
export function fallbackChainGroups(config: RouterConfig, group: string): string[] {
  const s = config.settings;
  const seen: string[] = [];
  const queue = [group];
  while (queue.length > 0) {
    const g = queue.shift() as string;
    if (seen.includes(g)) continue;
    seen.push(g);
    const next = [
      ...(s.fallbacks[g] ?? s.fallbacks['*'] ?? s.defaultFallbacks),
      ...(s.contextWindowFallbacks[g] ?? s.contextWindowFallbacks['*'] ?? []),
    ];
    for (const n of next) if (!seen.includes(n)) queue.push(n);
  }
  return seen;
}

/** Largest chunk in tokens, or null when no deployment in the chain has a known window (no chunking). */
export function chunkTokensFor(config: RouterConfig, group: string): number | null {
  let smallest: number | null = null;
  for (const g of fallbackChainGroups(config, group)) {
    for (const id of config.groups[g] ?? []) {
      const d = config.deployments[id];
      if (d === undefined || d.model === COMPLEXITY_ROUTER_MODEL || d.maxInputTokens === undefined) continue;
      if (smallest === null || d.maxInputTokens < smallest) smallest = d.maxInputTokens;
    }
  }
  if (smallest === null) return null;
  return Math.max(1, Math.floor((smallest - CHUNK_PROMPT_RESERVE_TOKENS) * CHUNK_TOKENIZER_MARGIN));
}
