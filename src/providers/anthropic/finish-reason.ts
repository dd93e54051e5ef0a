import type { FinishReason } from '../types';

/** Anthropic `stop_reason` → OpenAI `finish_reason`. A refusal is a content-policy outcome. */
export const FINISH_REASON: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export function mapStopReason(reason: string | null | undefined, jsonMode: boolean): FinishReason | null {
  if (reason === null || reason === undefined) return null;
  // In JSON mode the answer arrives as a forced tool call that we turn back into text.
  if (jsonMode && reason === 'tool_use') return 'stop';
  return FINISH_REASON[reason] ?? 'stop';
}
