// The inverse direction, for the gateway's Anthropic-compatible endpoint:
// our OpenAI-shaped results back into Anthropic's terms, read off the same
// tables the adapter uses, so the two directions cannot drift apart.
import type { FinishReason, Usage } from '../types';
import { FINISH_REASON } from './finish-reason';

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal';

/** The first stop reason the adapter's table maps to each finish reason: `stop` → `end_turn`, `length` → `max_tokens`, ... */
const STOP_REASON: Readonly<Partial<Record<FinishReason, AnthropicStopReason>>> = (() => {
  const out: Partial<Record<FinishReason, AnthropicStopReason>> = {};
  for (const [stop, finish] of Object.entries(FINISH_REASON)) out[finish] ??= stop as AnthropicStopReason;
  return out;
})();

export function toAnthropicStopReason(finish: FinishReason | null | undefined): AnthropicStopReason {
  if (finish === 'function_call') return 'tool_use';
  return (finish ? STOP_REASON[finish] : undefined) ?? 'end_turn';
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/** `convertUsage` adds cache reads and writes into `prompt_tokens`; this takes them out again. */
export function toAnthropicUsage(usage: Usage | null | undefined): AnthropicUsage {
  const cacheRead = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheCreation = usage?.prompt_tokens_details?.cache_creation_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cacheRead - cacheCreation),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheCreation,
  };
}
