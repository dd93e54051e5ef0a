import { APIConnectionError } from '../errors';
import type { ChatChunk } from '../providers/types';
import type { RouteSummary, StreamEvent } from './backend';
import { errorBody, toWireError, type WireError } from './errors-to-wire';
import { sseFrame } from './sse';

export interface StreamHooks {
  /** The stream finished: every chunk delivered and the route known. */
  onDone(route: RouteSummary): void;
  /** The stream failed after its headers went out; the caller got an error event. */
  onError(error: WireError): void;
}

/**
 * OpenAI's stream shape from the router's events. The usage chunk (empty
 * `choices`) goes out only when the client asked for it with
 * `stream_options.include_usage`, as OpenAI does: code written against
 * OpenAI reads `chunk.choices[0]` on every chunk.
 */
function openaiChunk(chunk: ChatChunk, includeUsage: boolean): ChatChunk | undefined {
  if (chunk.choices.length === 0) return includeUsage ? chunk : undefined;
  if (includeUsage) return chunk.usage === undefined ? { ...chunk, usage: null } : chunk;
  if (chunk.usage === undefined) return chunk;
  const { usage: _usage, ...rest } = chunk;
  return rest;
}

/** SSE frames for `/v1/chat/completions`, starting from the already-read first event. */
export async function* openaiFrames(
  first: StreamEvent,
  events: AsyncGenerator<StreamEvent, void, undefined>,
  includeUsage: boolean,
  hooks: StreamHooks,
): AsyncGenerator<string, void, undefined> {
  try {
    let event: StreamEvent | undefined = first;
    while (event !== undefined) {
      if (event.kind === 'done') {
        hooks.onDone(event.route);
        yield 'data: [DONE]\n\n';
        return;
      }
      const chunk = openaiChunk(event.chunk, includeUsage);
      if (chunk !== undefined) yield sseFrame(chunk);
      const next = await events.next();
      event = next.done ? undefined : next.value;
    }
    throw new APIConnectionError('the stream ended without its final chunk');
  } catch (error) {
    const wire = toWireError(error);
    hooks.onError(wire);
    // The OpenAI SDKs raise an APIError when a data line carries `error`.
    yield sseFrame(errorBody(wire, 'openai'));
  } finally {
    // Done, failed or the client went away: close the router's stream, which releases the provider call.
    await events.return();
  }
}
