import type { FinishReason } from '../types';

/**
 * Gemini `finishReason` → OpenAI `finish_reason`. Every safety-like stop is a
 * content-policy outcome, so the registry turns an empty one into
 * ContentPolicyViolationError and content_policy_fallbacks can fire.
 */
const FINISH_REASON: Readonly<Record<string, FinishReason>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  LANGUAGE: 'content_filter',
  MALFORMED_FUNCTION_CALL: 'stop',
};

export function mapFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason | null {
  if (reason === undefined) return null;
  if (hasToolCalls && reason === 'STOP') return 'tool_calls';
  return FINISH_REASON[reason] ?? 'stop';
}
