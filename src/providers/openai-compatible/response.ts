import type { ChatChunk, ChatResponse, EmbeddingResponse, FinishReason, ToolCall, ToolCallDelta, Usage } from '../types';

type Json = Record<string, unknown>;

const FINISH_REASONS: ReadonlySet<string> = new Set(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']);

/** Compatible servers sometimes invent reasons ('eos', 'end_turn'); anything unknown is a normal stop. */
export function normaliseFinishReason(reason: unknown): FinishReason | null {
  if (reason === null || reason === undefined) return null;
  if (typeof reason === 'string' && FINISH_REASONS.has(reason)) return reason as FinishReason;
  return 'stop';
}

function num(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) ? x : 0;
}

export function normaliseUsage(raw: unknown): Usage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const u = raw as Json;
  const prompt = num(u.prompt_tokens);
  const completion = num(u.completion_tokens);
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: num(u.total_tokens) || prompt + completion };
  const details = u.prompt_tokens_details as Json | undefined | null;
  // DeepSeek reports cache hits as `prompt_cache_hit_tokens` instead of OpenAI's details object.
  const cached = details?.cached_tokens ?? u.prompt_cache_hit_tokens;
  if (typeof cached === 'number') usage.prompt_tokens_details = { cached_tokens: cached };
  const reasoning = (u.completion_tokens_details as Json | undefined | null)?.reasoning_tokens;
  if (typeof reasoning === 'number') usage.completion_tokens_details = { reasoning_tokens: reasoning };
  return usage;
}

function toolCalls(raw: unknown): ToolCall[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  return (raw as Json[])
    .filter((c) => c.type === 'function' || c.function !== undefined)
    .map((c) => {
      const fn = (c.function ?? {}) as Json;
      return { id: String(c.id ?? ''), type: 'function' as const, function: { name: String(fn.name ?? ''), arguments: String(fn.arguments ?? '') } };
    });
}

export function normaliseCompletion(raw: unknown, fallbackModel: string): ChatResponse {
  const r = (raw ?? {}) as Json;
  const choices = Array.isArray(r.choices) ? (r.choices as Json[]) : [];
  const response: ChatResponse = {
    id: String(r.id ?? ''),
    object: 'chat.completion',
    created: num(r.created),
    model: typeof r.model === 'string' ? r.model : fallbackModel,
    choices: choices.map((c, i) => {
      const m = (c.message ?? {}) as Json;
      const calls = toolCalls(m.tool_calls);
      return {
        index: typeof c.index === 'number' ? c.index : i,
        message: {
          role: 'assistant' as const,
          content: typeof m.content === 'string' ? m.content : null,
          ...(calls ? { tool_calls: calls } : {}),
          ...(typeof m.refusal === 'string' ? { refusal: m.refusal } : {}),
        },
        finish_reason: normaliseFinishReason(c.finish_reason),
      };
    }),
  };
  const usage = normaliseUsage(r.usage);
  if (usage) response.usage = usage;
  if (typeof r.system_fingerprint === 'string') response.system_fingerprint = r.system_fingerprint;
  return response;
}

export function normaliseChunk(raw: unknown, fallbackModel: string): ChatChunk {
  const r = (raw ?? {}) as Json;
  const choices = Array.isArray(r.choices) ? (r.choices as Json[]) : [];
  const chunk: ChatChunk = {
    id: String(r.id ?? ''),
    object: 'chat.completion.chunk',
    created: num(r.created),
    model: typeof r.model === 'string' ? r.model : fallbackModel,
    choices: choices.map((c, i) => {
      const d = (c.delta ?? {}) as Json;
      const delta: ChatChunk['choices'][number]['delta'] = {};
      if (d.role === 'assistant') delta.role = 'assistant';
      if (typeof d.content === 'string') delta.content = d.content;
      if (typeof d.refusal === 'string') delta.refusal = d.refusal;
      if (Array.isArray(d.tool_calls)) {
        delta.tool_calls = (d.tool_calls as Json[]).map((t, j): ToolCallDelta => {
          const fn = t.function as Json | undefined;
          const out: ToolCallDelta = { index: typeof t.index === 'number' ? t.index : j };
          if (typeof t.id === 'string') out.id = t.id;
          if (t.type === 'function') out.type = 'function';
          if (fn) {
            out.function = {};
            if (typeof fn.name === 'string') out.function.name = fn.name;
            if (typeof fn.arguments === 'string') out.function.arguments = fn.arguments;
          }
          return out;
        });
      }
      return { index: typeof c.index === 'number' ? c.index : i, delta, finish_reason: normaliseFinishReason(c.finish_reason) };
    }),
  };
  const usage = normaliseUsage(r.usage);
  if (usage) chunk.usage = usage;
  return chunk;
}

export function normaliseEmbeddings(raw: unknown, fallbackModel: string): EmbeddingResponse {
  const r = (raw ?? {}) as Json;
  const data = Array.isArray(r.data) ? (r.data as Json[]) : [];
  const usage = (r.usage ?? {}) as Json;
  const prompt = num(usage.prompt_tokens);
  return {
    object: 'list',
    data: data.map((d, i) => ({ object: 'embedding' as const, index: typeof d.index === 'number' ? d.index : i, embedding: Array.isArray(d.embedding) ? (d.embedding as number[]) : [] })),
    model: typeof r.model === 'string' ? r.model : fallbackModel,
    usage: { prompt_tokens: prompt, total_tokens: num(usage.total_tokens) || prompt },
  };
}
