import type { ChatChunk, ChatResponse } from '../providers/types';

/**
 * A whole response as the chunk sequence a provider would have streamed: the
 * role, the text, the tool calls, the finish reason, then usage. A durable
 * request asked for as a stream is answered this way, in one burst, once its
 * workflow has finished.
 */
export function chunksOfResponse(response: ChatResponse): ChatChunk[] {
  const base = { id: response.id, object: 'chat.completion.chunk' as const, created: response.created, model: response.model };
  const chunks: ChatChunk[] = [];
  for (const choice of response.choices) {
    const { index, message } = choice;
    chunks.push({ ...base, choices: [{ index, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    if (message.content !== null && message.content !== '') {
      chunks.push({ ...base, choices: [{ index, delta: { content: message.content }, finish_reason: null }] });
    }
    const calls = message.tool_calls ?? [];
    if (calls.length > 0) {
      const deltas = calls.map((call, i) => ({ index: i, id: call.id, type: 'function' as const, function: { name: call.function.name, arguments: call.function.arguments } }));
      chunks.push({ ...base, choices: [{ index, delta: { tool_calls: deltas }, finish_reason: null }] });
    }
    chunks.push({ ...base, choices: [{ index, delta: {}, finish_reason: choice.finish_reason ?? 'stop' }] });
  }
  chunks.push({ ...base, choices: [], usage: response.usage ?? null });
  return chunks;
}
