import type { ChatResponse, ToolCall, Usage } from '../types';
import { JSON_TOOL_NAME } from './convert-request';
import { mapStopReason } from './finish-reason';

type Json = Record<string, unknown>;

function num(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) ? x : 0;
}

/**
 * OpenAI counts cached tokens inside `prompt_tokens`; Anthropic reports them
 * beside `input_tokens`. Summing keeps cost and context maths comparable.
 */
export function convertUsage(raw: unknown): Usage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const u = raw as Json;
  const cacheRead = num(u.cache_read_input_tokens);
  const cacheCreation = num(u.cache_creation_input_tokens);
  const prompt = num(u.input_tokens) + cacheRead + cacheCreation;
  const completion = num(u.output_tokens);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_creation_tokens: cacheCreation },
  };
}

export function convertMessage(raw: unknown, jsonMode: boolean, created: number): ChatResponse {
  const r = (raw ?? {}) as Json;
  const blocks = Array.isArray(r.content) ? (r.content as Json[]) : [];
  let text = '';
  let reasoning = '';
  const calls: ToolCall[] = [];
  for (const block of blocks) {
    if (block.type === 'text') text += String(block.text ?? '');
    if (block.type === 'thinking') reasoning += String(block.thinking ?? '');
    if (block.type === 'tool_use') {
      if (jsonMode && block.name === JSON_TOOL_NAME) text += JSON.stringify(block.input ?? {});
      else calls.push({ id: String(block.id), type: 'function', function: { name: String(block.name), arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const response: ChatResponse = {
    id: String(r.id ?? ''),
    object: 'chat.completion',
    created,
    model: String(r.model ?? ''),
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && calls.length > 0 ? null : text,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
          ...(reasoning !== '' ? { reasoning_content: reasoning } : {}),
        },
        finish_reason: mapStopReason(typeof r.stop_reason === 'string' ? r.stop_reason : null, jsonMode),
      },
    ],
  };
  const usage = convertUsage(r.usage);
  if (usage) response.usage = usage;
  return response;
}
