import type { ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import type { ChatResponse, ToolCall, Usage } from '../types';
import { JSON_TOOL_NAME } from './convert-request';
import { mapStopReason } from './finish-reason';

type Json = Record<string, unknown>;

function num(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) ? x : 0;
}

/** Converse reports cache reads and writes beside `inputTokens`; summed, as for Anthropic. */
export function convertUsage(raw: unknown): Usage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const u = raw as Json;
  const cacheRead = num(u.cacheReadInputTokens);
  const cacheWrite = num(u.cacheWriteInputTokens);
  const prompt = num(u.inputTokens) + cacheRead + cacheWrite;
  const completion = num(u.outputTokens);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_creation_tokens: cacheWrite },
  };
}

export function convertOutput(raw: ConverseCommandOutput, model: string, jsonMode: boolean, created: number, id: string): ChatResponse {
  const message = (raw.output as Json | undefined)?.message as Json | undefined;
  const blocks = Array.isArray(message?.content) ? (message.content as Json[]) : [];
  let text = '';
  let reasoning = '';
  const calls: ToolCall[] = [];
  for (const block of blocks) {
    if (typeof block.text === 'string') text += block.text;
    const thought = ((block.reasoningContent as Json | undefined)?.reasoningText as Json | undefined)?.text;
    if (typeof thought === 'string') reasoning += thought;
    const use = block.toolUse as Json | undefined;
    if (use) {
      if (jsonMode && use.name === JSON_TOOL_NAME) text += JSON.stringify(use.input ?? {});
      else calls.push({ id: String(use.toolUseId ?? ''), type: 'function', function: { name: String(use.name ?? ''), arguments: JSON.stringify(use.input ?? {}) } });
    }
  }
  const response: ChatResponse = {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && calls.length > 0 ? null : text,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
          ...(reasoning !== '' ? { reasoning_content: reasoning } : {}),
        },
        finish_reason: mapStopReason(raw.stopReason, jsonMode),
      },
    ],
  };
  const usage = convertUsage(raw.usage);
  if (usage) response.usage = usage;
  return response;
}
