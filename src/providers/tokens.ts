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
 * At most how many tokens `text` can be, without the tokenizer: every token
 * of a byte-level BPE (o200k) covers at least one UTF-8 byte.
 */
export function textTokensBound(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Tokens the chat format adds per message, and once per request (OpenAI's accounting; generous for the others). */
const MESSAGE_OVERHEAD_TOKENS = 4;
const REQUEST_OVERHEAD_TOKENS = 3;

/**
 * At most how many prompt tokens `messages` can be, without the tokenizer:
 * the bound of the same text `countPromptTokens` counts, plus the format's
 * overhead. A provider-batch budget admits documents by it.
 */
export function promptTokensBound(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + MESSAGE_OVERHEAD_TOKENS + textTokensBound(flatten(m).content), REQUEST_OVERHEAD_TOKENS);
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
