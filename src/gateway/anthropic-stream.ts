/**
 * The router's OpenAI chunks as Anthropic stream events: `message_start`,
 * one content block per text run or tool call (`content_block_start`,
 * deltas, `content_block_stop`), then `message_delta` with the stop reason
 * and usage, and `message_stop`. The inverse of the adapter's stream.ts.
 */
import { toAnthropicStopReason, toAnthropicUsage } from '../providers/anthropic/inverse';
import { APIConnectionError } from '../errors';
import type { ChatChunk, FinishReason, Usage } from '../providers/types';
import type { StreamEvent } from './backend';
import { errorBody, toWireError } from './errors-to-wire';
import type { StreamHooks } from './openai-stream';
import { messageId } from './anthropic-response';
import { sseFrame } from './sse';

type Open = { kind: 'text' } | { kind: 'tool'; toolIndex: number } | null;

export class AnthropicEventWriter {
  private started = false;
  private open: Open = null;
  private blockIndex = -1;
  private finish: FinishReason | null = null;
  private usage: Usage | null | undefined;

  constructor(private readonly fallbackModel: string) {}

  private startMessage(chunk: ChatChunk): string {
    this.started = true;
    const message = {
      id: messageId(chunk.id),
      type: 'message',
      role: 'assistant',
      model: chunk.model || this.fallbackModel,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // Known only at the end (OpenAI reports usage last); message_delta carries the totals.
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return sseFrame({ type: 'message_start', message }, 'message_start');
  }

  private closeBlock(): string {
    if (this.open === null) return '';
    this.open = null;
    return sseFrame({ type: 'content_block_stop', index: this.blockIndex }, 'content_block_stop');
  }

  private openBlock(open: NonNullable<Open>, contentBlock: Record<string, unknown>): string {
    const closed = this.closeBlock();
    this.open = open;
    this.blockIndex += 1;
    return closed + sseFrame({ type: 'content_block_start', index: this.blockIndex, content_block: contentBlock }, 'content_block_start');
  }

  /** The frames one chunk produces (often none: a role-only chunk, an empty delta). */
  write(chunk: ChatChunk): string {
    let out = this.started ? '' : this.startMessage(chunk);
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      const delta = choice.delta;
      if (typeof delta.content === 'string' && delta.content !== '') {
        if (this.open?.kind !== 'text') out += this.openBlock({ kind: 'text' }, { type: 'text', text: '' });
        out += sseFrame({ type: 'content_block_delta', index: this.blockIndex, delta: { type: 'text_delta', text: delta.content } }, 'content_block_delta');
      }
      for (const call of delta.tool_calls ?? []) {
        const sameTool = this.open?.kind === 'tool' && this.open.toolIndex === call.index;
        if (!sameTool) out += this.openBlock({ kind: 'tool', toolIndex: call.index }, { type: 'tool_use', id: call.id ?? `toolu_${call.index}`, name: call.function?.name ?? '', input: {} });
        const part = call.function?.arguments ?? '';
        if (part !== '') out += sseFrame({ type: 'content_block_delta', index: this.blockIndex, delta: { type: 'input_json_delta', partial_json: part } }, 'content_block_delta');
      }
      if (choice.finish_reason !== null && choice.finish_reason !== undefined) this.finish = choice.finish_reason;
    }
    return out;
  }

  /** Closes the open block and the message, with the final stop reason and usage. */
  end(): string {
    const usage = toAnthropicUsage(this.usage);
    return (
      this.closeBlock() +
      sseFrame({ type: 'message_delta', delta: { stop_reason: toAnthropicStopReason(this.finish), stop_sequence: null }, usage }, 'message_delta') +
      sseFrame({ type: 'message_stop' }, 'message_stop')
    );
  }
}

/** SSE frames for `/v1/messages`, starting from the already-read first event. */
export async function* anthropicFrames(
  first: StreamEvent,
  events: AsyncGenerator<StreamEvent, void, undefined>,
  model: string,
  hooks: StreamHooks,
): AsyncGenerator<string, void, undefined> {
  const writer = new AnthropicEventWriter(model);
  try {
    let event: StreamEvent | undefined = first;
    while (event !== undefined) {
      if (event.kind === 'done') {
        hooks.onDone(event.route);
        yield writer.end();
        return;
      }
      const frames = writer.write(event.chunk);
      if (frames !== '') yield frames;
      const next = await events.next();
      event = next.done ? undefined : next.value;
    }
    throw new APIConnectionError('the stream ended without its final chunk');
  } catch (error) {
    const wire = toWireError(error);
    hooks.onError(wire);
    // The Anthropic SDKs raise on an `error` event.
    yield sseFrame(errorBody(wire, 'anthropic'), 'error');
  } finally {
    await events.return();
  }
}
