import { tokenizer } from '../lazy-modules';
import type { ChatMessage } from './types';

type TokenizerMessage = { role: 'system' | 'user' | 'assistant'; content: string; name?: string };

function flatten(message: ChatMessage): TokenizerMessage {
  const role = message.role === 'assistant' ? 'assistant' : message.role === 'user' || message.role === 'tool' ? 'user' : 'system';
  const parts: string[] = [];
  if (typeof message.content === 'string') parts.push(message.content);
  else if (Array.isArray(message.content)) {
    for (const part of message.content) if (part.type === 'text') parts.push(part.text);
  }
  if (message.role === 'assistant') {
    for (const call of message.tool_calls ?? []) parts.push(call.function.name, call.function.arguments);
  }
  return { role, content: parts.join('\n') };
}

/**
 * Prompt tokens as OpenAI's chat format counts them (o200k encoding, with
 * per-message overhead). For other providers' models this is an estimate:
 * their tokenizers differ, typically by a few to ~20 per cent, so pre-call
 * context checks should keep a margin. Images are not counted.
 */
export function countPromptTokens(messages: readonly ChatMessage[]): number {
  return tokenizer().encodeChat(messages.map(flatten), 'gpt-4o').length;
}
