import type { ChatChunk, FinishReason, ToolCallDelta, Usage } from '../types';
import { JSON_TOOL_NAME } from './convert-request';
import { convertUsage } from './convert-response';
import { mapStopReason } from './finish-reason';

type Json = Record<string, unknown>;

/**
 * Turns Anthropic stream events into OpenAI chunks: text and tool-argument
 * deltas, one finish chunk, and a final usage chunk (choices empty), the same
 * sequence OpenAI sends with `stream_options.include_usage`.
 */
export class AnthropicChunkTranslator {
  private id = '';
  private model: string;
  private usage: Json = {};
  private toolIndexByBlock = new Map<number, number>();
  private jsonBlocks = new Set<number>();
  private finish: FinishReason | null = null;

  constructor(fallbackModel: string, private readonly jsonMode: boolean, private readonly created: number) {
    this.model = fallbackModel;
  }

  private chunk(delta: ChatChunk['choices'][number]['delta'], finish: FinishReason | null = null): ChatChunk {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [{ index: 0, delta, finish_reason: finish }] };
  }

  translate(event: unknown): ChatChunk[] {
    const e = (event ?? {}) as Json;
    switch (e.type) {
      case 'message_start': {
        const message = (e.message ?? {}) as Json;
        this.id = String(message.id ?? '');
        if (typeof message.model === 'string') this.model = message.model;
        this.usage = { ...((message.usage ?? {}) as Json) };
        return [this.chunk({ role: 'assistant', content: '' })];
      }
      case 'content_block_start': {
        const index = num(e.index);
        const block = (e.content_block ?? {}) as Json;
        if (block.type !== 'tool_use') return [];
        if (this.jsonMode && block.name === JSON_TOOL_NAME) {
          this.jsonBlocks.add(index);
          return [];
        }
        const toolIndex = this.toolIndexByBlock.size;
        this.toolIndexByBlock.set(index, toolIndex);
        const delta: ToolCallDelta = { index: toolIndex, id: String(block.id), type: 'function', function: { name: String(block.name), arguments: '' } };
        return [this.chunk({ tool_calls: [delta] })];
      }
      case 'content_block_delta': {
        const index = num(e.index);
        const delta = (e.delta ?? {}) as Json;
        if (delta.type === 'text_delta') return [this.chunk({ content: String(delta.text ?? '') })];
        if (delta.type === 'thinking_delta') return [this.chunk({ reasoning_content: String(delta.thinking ?? '') })];
        if (delta.type === 'input_json_delta') {
          const part = String(delta.partial_json ?? '');
          if (this.jsonBlocks.has(index)) return [this.chunk({ content: part })];
          const toolIndex = this.toolIndexByBlock.get(index);
          if (toolIndex === undefined) return [];
          return [this.chunk({ tool_calls: [{ index: toolIndex, function: { arguments: part } }] })];
        }
        return [];
      }
      case 'message_delta': {
        const delta = (e.delta ?? {}) as Json;
        Object.assign(this.usage, (e.usage ?? {}) as Json);
        this.finish = mapStopReason(typeof delta.stop_reason === 'string' ? delta.stop_reason : null, this.jsonMode);
        return [this.chunk({}, this.finish ?? 'stop')];
      }
      case 'message_stop': {
        const final: ChatChunk = { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [] };
        const usage: Usage | undefined = convertUsage(this.usage);
        if (usage) final.usage = usage;
        return [final];
      }
      default:
        return [];
    }
  }
}

function num(x: unknown): number {
  return typeof x === 'number' ? x : 0;
}
