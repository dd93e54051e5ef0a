import type { GenerateContentResponse } from '@google/genai';
import type { ChatResponse, FinishReason, ToolCall, Usage } from '../types';
import { mapFinishReason } from './finish-reason';

type Json = Record<string, unknown>;

function num(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) ? x : 0;
}

/**
 * Gemini counts cached tokens inside `promptTokenCount`, as OpenAI does, and
 * bills thoughts as output: they go into completion tokens and are named as
 * reasoning tokens.
 */
export function convertUsage(raw: unknown): Usage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const u = raw as Json;
  const prompt = num(u.promptTokenCount) + num(u.toolUsePromptTokenCount);
  const thoughts = num(u.thoughtsTokenCount);
  const completion = num(u.candidatesTokenCount) + thoughts;
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  usage.prompt_tokens_details = { cached_tokens: num(u.cachedContentTokenCount) };
  if (thoughts > 0) usage.completion_tokens_details = { reasoning_tokens: thoughts };
  return usage;
}

export interface CandidateParts {
  text: string;
  reasoning: string;
  calls: ToolCall[];
}

/** Text, thoughts and function calls of one candidate; `callIds` numbers calls that came without an id. */
export function candidateParts(candidate: unknown, nextCallId: () => string): CandidateParts {
  const content = ((candidate ?? {}) as Json).content as Json | undefined;
  const parts = Array.isArray(content?.parts) ? (content.parts as Json[]) : [];
  const out: CandidateParts = { text: '', reasoning: '', calls: [] };
  for (const part of parts) {
    if (typeof part.text === 'string') {
      if (part.thought === true) out.reasoning += part.text;
      else out.text += part.text;
    }
    const call = part.functionCall as Json | undefined;
    if (call) {
      out.calls.push({
        id: typeof call.id === 'string' && call.id !== '' ? call.id : nextCallId(),
        type: 'function',
        function: { name: String(call.name ?? ''), arguments: JSON.stringify(call.args ?? {}) },
      });
    }
  }
  return out;
}

/** A prompt Gemini refused outright comes back with `promptFeedback.blockReason` and no candidates. */
export function promptBlocked(raw: GenerateContentResponse): boolean {
  return typeof raw.promptFeedback?.blockReason === 'string' && (raw.candidates?.length ?? 0) === 0;
}

export function convertResponse(raw: GenerateContentResponse, model: string, created: number): ChatResponse {
  let calls = 0;
  const nextCallId = (): string => `call_${(calls += 1)}`;
  const choices = promptBlocked(raw)
    ? [{ index: 0, message: { role: 'assistant' as const, content: null }, finish_reason: 'content_filter' as FinishReason }]
    : (raw.candidates ?? []).map((candidate, i) => {
        const { text, reasoning, calls: toolCalls } = candidateParts(candidate, nextCallId);
        return {
          index: typeof candidate.index === 'number' ? candidate.index : i,
          message: {
            role: 'assistant' as const,
            content: text === '' && toolCalls.length > 0 ? null : text,
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
            ...(reasoning !== '' ? { reasoning_content: reasoning } : {}),
          },
          finish_reason: mapFinishReason(candidate.finishReason, toolCalls.length > 0),
        };
      });
  const response: ChatResponse = { id: raw.responseId ?? '', object: 'chat.completion', created, model: raw.modelVersion ?? model, choices };
  const usage = convertUsage(raw.usageMetadata);
  if (usage) response.usage = usage;
  return response;
}
