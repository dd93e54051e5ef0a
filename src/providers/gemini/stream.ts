import type { GenerateContentResponse } from '@google/genai';
import type { ChatChunk, FinishReason, Usage } from '../types';
import { candidateParts, convertUsage, promptBlocked } from './convert-response';
import { mapFinishReason } from './finish-reason';

/**
 * Gemini stream chunks → OpenAI chunks. Each Gemini chunk is a partial
 * response (text pieces; function calls arrive whole); usage is cumulative
 * and the last one counts, sent on a final chunk with no choices, as OpenAI
 * does with `include_usage`.
 */
export class GeminiChunkTranslator {
  private id = '';
  private model: string;
  private started = false;
  private toolIndex = 0;
  private usage: Usage | undefined;
  private finished = false;

  constructor(model: string, private readonly created: number) {
    this.model = model;
  }

  private chunk(delta: ChatChunk['choices'][number]['delta'], finish: FinishReason | null = null): ChatChunk {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [{ index: 0, delta, finish_reason: finish }] };
  }

  translate(raw: GenerateContentResponse): ChatChunk[] {
    const out: ChatChunk[] = [];
    if (raw.responseId) this.id = raw.responseId;
    if (raw.modelVersion) this.model = raw.modelVersion;
    const usage = convertUsage(raw.usageMetadata);
    if (usage) this.usage = usage;
    if (!this.started) {
      this.started = true;
      out.push(this.chunk({ role: 'assistant', content: '' }));
    }
    if (promptBlocked(raw)) {
      this.finished = true;
      out.push(this.chunk({}, 'content_filter'));
      return out;
    }
    const candidate = raw.candidates?.[0];
    if (!candidate) return out;
    const { text, reasoning, calls } = candidateParts(candidate, () => `call_${this.toolIndex + 1}`);
    if (reasoning !== '') out.push(this.chunk({ reasoning_content: reasoning }));
    if (text !== '') out.push(this.chunk({ content: text }));
    for (const call of calls) {
      out.push(this.chunk({ tool_calls: [{ index: this.toolIndex, id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } }] }));
      this.toolIndex += 1;
    }
    if (candidate.finishReason !== undefined) {
      this.finished = true;
      out.push(this.chunk({}, mapFinishReason(candidate.finishReason, this.toolIndex > 0)));
    }
    return out;
  }

  /** A finish reason (or a blocked prompt) has arrived. */
  get isFinished(): boolean {
    return this.finished;
  }

  /** The closing usage chunk. */
  finish(): ChatChunk[] {
    const final: ChatChunk = { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [] };
    if (this.usage) final.usage = this.usage;
    return [final];
  }
}
