/**
 * The router's OpenAI-shaped response as an Anthropic Messages response: the
 * inverse of the adapter's convert-response.ts, with the same stop-reason and
 * usage tables read backwards (src/providers/anthropic/inverse.ts).
 */
import { toAnthropicStopReason, toAnthropicUsage } from '../providers/anthropic/inverse';
import type { ChatResponse, ToolCall } from '../providers/types';

export type AnthropicContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

/** A tool call's arguments as the object Anthropic clients expect; arguments that are not JSON are kept as text. */
export function toolInput(call: ToolCall): unknown {
  const raw = call.function.arguments;
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return { _raw_arguments: raw };
  }
}

/** Anthropic ids start with `msg_`; an OpenAI id is kept inside one. */
export function messageId(id: string): string {
  return id.startsWith('msg_') ? id : `msg_${id}`;
}

export function toAnthropicMessage(response: ChatResponse): Record<string, unknown> {
  const choice = response.choices[0];
  const content: AnthropicContentBlock[] = [];
  const text = choice?.message.content ?? '';
  if (text !== '') content.push({ type: 'text', text });
  for (const call of choice?.message.tool_calls ?? []) content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: toolInput(call) });
  return {
    id: messageId(response.id),
    type: 'message',
    role: 'assistant',
    model: response.model,
    content,
    stop_reason: toAnthropicStopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: toAnthropicUsage(response.usage),
  };
}
