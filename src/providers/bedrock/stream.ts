import type { ChatChunk, FinishReason, ToolCallDelta, Usage } from '../types';
import { JSON_TOOL_NAME } from './convert-request';
import { convertUsage } from './convert-response';
import { mapStopReason } from './finish-reason';

type Json = Record<string, unknown>;

/**
 * ConverseStream events → OpenAI chunks: text, reasoning and tool-input
 * deltas, one finish chunk at `messageStop`, and a usage chunk from the
 * closing `metadata` event.
 */
export class ConverseChunkTranslator {
  private toolIndexByBlock = new Map<number, number>();
  private jsonBlocks = new Set<number>();

  constructor(private readonly id: string, private readonly model: string, private readonly jsonMode: boolean, private readonly created: number) {}

  private chunk(delta: ChatChunk['choices'][number]['delta'], finish: FinishReason | null = null): ChatChunk {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [{ index: 0, delta, finish_reason: finish }] };
  }

  translate(event: unknown): ChatChunk[] {
    const e = (event ?? {}) as Json;
    if (e.messageStart) return [this.chunk({ role: 'assistant', content: '' })];
    const start = e.contentBlockStart as Json | undefined;
    if (start) {
      const index = Number(start.contentBlockIndex ?? 0);
      const use = (start.start as Json | undefined)?.toolUse as Json | undefined;
      if (!use) return [];
      if (this.jsonMode && use.name === JSON_TOOL_NAME) {
        this.jsonBlocks.add(index);
        return [];
      }
      const toolIndex = this.toolIndexByBlock.size;
      this.toolIndexByBlock.set(index, toolIndex);
      const delta: ToolCallDelta = { index: toolIndex, id: String(use.toolUseId ?? ''), type: 'function', function: { name: String(use.name ?? ''), arguments: '' } };
      return [this.chunk({ tool_calls: [delta] })];
    }
    const blockDelta = e.contentBlockDelta as Json | undefined;
    if (blockDelta) {
      const index = Number(blockDelta.contentBlockIndex ?? 0);
      const delta = (blockDelta.delta ?? {}) as Json;
      if (typeof delta.text === 'string') return [this.chunk({ content: delta.text })];
      const thought = (delta.reasoningContent as Json | undefined)?.text;
      if (typeof thought === 'string') return [this.chunk({ reasoning_content: thought })];
      const input = (delta.toolUse as Json | undefined)?.input;
      if (typeof input === 'string') {
        if (this.jsonBlocks.has(index)) return [this.chunk({ content: input })];
        const toolIndex = this.toolIndexByBlock.get(index);
        return toolIndex === undefined ? [] : [this.chunk({ tool_calls: [{ index: toolIndex, function: { arguments: input } }] })];
      }
      return [];
    }
    const stop = e.messageStop as Json | undefined;
    if (stop) return [this.chunk({}, mapStopReason(typeof stop.stopReason === 'string' ? stop.stopReason : undefined, this.jsonMode) ?? 'stop')];
    const metadata = e.metadata as Json | undefined;
    if (metadata) {
      const final: ChatChunk = { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [] };
      const usage: Usage | undefined = convertUsage(metadata.usage);
      if (usage) final.usage = usage;
      return [final];
    }
    return [];
  }
}
