import type { FinishReason } from '../types';

/** Converse `stopReason` → OpenAI `finish_reason`; a guardrail or filter stop is a content-policy outcome. */
const FINISH_REASON: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

export function mapStopReason(reason: string | undefined, jsonMode: boolean): FinishReason | null {
  if (reason === undefined) return null;
  // JSON mode answers through a forced tool, turned back into text.
  if (jsonMode && reason === 'tool_use') return 'stop';
  return FINISH_REASON[reason] ?? 'stop';
}
