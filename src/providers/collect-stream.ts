// A streamed call gathered into the response a non-streamed call returns.
// Durable requests that ask to stream call the provider streaming (its
// stream timeout, time to first token, and a mid-stream cut that reads as
// one) and hand the workflow the whole answer.
import type { ChatChunk, ChatResponse, ChatResponseMessage, FinishReason, ToolCall } from './types';

export async function collectStream(chunks: AsyncIterable<ChatChunk>): Promise<ChatResponse> {
  let last: ChatChunk | undefined;
  const choices: Array<{ content: string; toolCalls: ToolCall[]; finish: FinishReason | null; refusal: string | null }> = [];
  for await (const chunk of chunks) {
    last = chunk;
    for (const c of chunk.choices) {
      const choice = (choices[c.index] ??= { content: '', toolCalls: [], finish: null, refusal: null });
      if (typeof c.delta.content === 'string') choice.content += c.delta.content;
      if (typeof c.delta.refusal === 'string') choice.refusal = (choice.refusal ?? '') + c.delta.refusal;
      if (c.finish_reason !== null) choice.finish = c.finish_reason;
      for (const d of c.delta.tool_calls ?? []) {
        const call = (choice.toolCalls[d.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
        if (d.id !== undefined) call.id = d.id;
        if (d.function?.name !== undefined) call.function.name += d.function.name;
        if (d.function?.arguments !== undefined) call.function.arguments += d.function.arguments;
      }
    }
  }
  if (last === undefined) throw new Error('stream ended without a chunk');
  const response: ChatResponse = {
    id: last.id,
    object: 'chat.completion',
    created: last.created,
    model: last.model,
    choices: choices.map((c, index) => {
      const message: ChatResponseMessage = { role: 'assistant', content: c.toolCalls.length > 0 && c.content === '' ? null : c.content };
      if (c.toolCalls.length > 0) message.tool_calls = c.toolCalls;
      if (c.refusal !== null) message.refusal = c.refusal;
      return { index, message, finish_reason: c.finish };
    }),
  };
  if (last.usage) response.usage = last.usage;
  if (last.routing) response.routing = last.routing;
  return response;
}
