import { BadRequestError } from '../../errors';
import { mediaOf, thinkingBudget } from '../content';
import { applyParamSupport, effectiveMaxTokens, type UnsupportedParam } from '../params';
import type { ResolvedDeployment } from '../resolve';
import type { CacheControl, ChatMessage, ChatRequest, ContentPart, JsonSchema, SystemMessage, TextContentPart } from '../types';

/** Anthropic requires `max_tokens`; used when neither the request nor the deployment sets one. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;
/** The forced tool that carries JSON-mode answers (Anthropic has no `response_format`). */
export const JSON_TOOL_NAME = 'json_output';

type Block = Record<string, unknown>;
interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

function textOf(content: string | TextContentPart[] | null | undefined): string {
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

/** Images become image blocks; PDFs and other files document blocks (base64 or by URL). */
function mediaBlock(part: ContentPart): Block | undefined {
  const media = mediaOf(part);
  if (!media) return undefined;
  const type = part.type === 'image_url' || media.mimeType?.startsWith('image/') ? 'image' : 'document';
  if (media.kind === 'inline') {
    if (type === 'document' && media.mimeType === 'text/plain') {
      return { type, source: { type: 'text', media_type: 'text/plain', data: Buffer.from(media.data, 'base64').toString('utf8') } };
    }
    return { type, source: { type: 'base64', media_type: media.mimeType, data: media.data } };
  }
  return { type, source: { type: 'url', url: media.url } };
}

function withCache(block: Block, cache: CacheControl | undefined): Block {
  return cache === undefined ? block : { ...block, cache_control: cache };
}

function userBlocks(content: string | ContentPart[]): Block[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.flatMap((part): Block[] => {
    if (part.type === 'text') return part.text === '' ? [] : [withCache({ type: 'text', text: part.text }, part.cache_control)];
    const block = mediaBlock(part);
    return block ? [withCache(block, part.cache_control)] : [];
  });
}

/** Text parts keep their own `cache_control`. */
function textBlocks(content: string | TextContentPart[] | null | undefined): Block[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.filter((p) => p.text !== '').map((p) => withCache({ type: 'text', text: p.text }, p.cache_control));
}

/** A message-level `cache_control` marks the message's last block, as LiteLLM does. */
function markLast(blocks: Block[], cache: CacheControl | undefined): Block[] {
  const last = blocks[blocks.length - 1];
  if (cache === undefined || last === undefined) return blocks;
  return [...blocks.slice(0, -1), withCache(last, cache)];
}

function parseArguments(raw: string, ctx: { provider: string; deployment: string }): unknown {
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new BadRequestError(`${ctx.provider} (${ctx.deployment}): tool call arguments are not valid JSON: ${raw.slice(0, 80)}`, { ...ctx, status: 400 });
  }
}

function toBlocks(message: ChatMessage, ctx: { provider: string; deployment: string }): { role: 'user' | 'assistant'; blocks: Block[] } {
  switch (message.role) {
    case 'user':
      return { role: 'user', blocks: markLast(userBlocks(message.content), message.cache_control) };
    case 'tool':
      return { role: 'user', blocks: markLast([{ type: 'tool_result', tool_use_id: message.tool_call_id, content: textOf(message.content) }], message.cache_control) };
    case 'assistant': {
      const blocks: Block[] = textBlocks(message.content);
      for (const call of message.tool_calls ?? []) {
        blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseArguments(call.function.arguments, ctx) });
      }
      return { role: 'assistant', blocks: markLast(blocks, message.cache_control) };
    }
    default:
      return { role: 'user', blocks: [] };
  }
}

/**
 * System and developer messages become the top-level `system`: a plain
 * string when the request gave one plain string, otherwise an array of text
 * blocks (never flattened, so each keeps its `cache_control`). The rest are
 * merged so roles alternate (Anthropic rejects two user turns in a row, and
 * OpenAI sends each tool result as its own message).
 */
export function convertMessages(messages: readonly ChatMessage[], ctx: { provider: string; deployment: string }): { system?: string | Block[]; messages: AnthropicMessage[] } {
  const systemMessages = messages.filter((m): m is SystemMessage => m.role === 'system' || m.role === 'developer');
  const systemBlocks = systemMessages.flatMap((m) => markLast(textBlocks(m.content), m.cache_control));
  const plain = systemMessages.length === 1 && typeof systemMessages[0]?.content === 'string' && systemMessages[0].cache_control === undefined;
  const system: string | Block[] | undefined = systemBlocks.length === 0 ? undefined : plain ? String(systemBlocks[0]?.text) : systemBlocks;
  const out: AnthropicMessage[] = [];
  for (const message of messages) {
    if (message.role === 'system' || message.role === 'developer') continue;
    const { role, blocks } = toBlocks(message, ctx);
    if (blocks.length === 0) continue;
    const previous = out[out.length - 1];
    if (previous && previous.role === role) previous.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  return { ...(system !== undefined ? { system } : {}), messages: out };
}

export function unsupportedForAnthropic(request: ChatRequest): UnsupportedParam[] {
  const out: UnsupportedParam[] = [];
  if (request.seed !== undefined) out.push({ param: 'seed', reason: 'Anthropic has no sampling seed' });
  if (request.n !== undefined && request.n !== 1) out.push({ param: 'n', reason: 'Anthropic returns one choice' });
  if (request.presence_penalty !== undefined) out.push({ param: 'presence_penalty', reason: 'not supported by Anthropic' });
  if (request.frequency_penalty !== undefined) out.push({ param: 'frequency_penalty', reason: 'not supported by Anthropic' });
  if (request.temperature !== undefined && request.temperature > 1) out.push({ param: 'temperature', reason: 'Anthropic accepts 0 to 1' });
  return out;
}

export interface AnthropicBody {
  body: Record<string, unknown>;
  /** The answer will come back as the JSON tool's input. */
  jsonMode: boolean;
}

export function toAnthropicBody(original: ChatRequest, target: ResolvedDeployment, stream: boolean): AnthropicBody {
  const ctx = { provider: target.provider, deployment: target.deployment.id };
  const request = applyParamSupport(original, unsupportedForAnthropic(original), { ...ctx, dropParams: target.deployment.dropParams });
  const { system, messages } = convertMessages(request.messages, ctx);
  const budget = thinkingBudget(request);
  // The thinking budget counts against max_tokens, which must exceed it.
  const maxTokens = effectiveMaxTokens(request, target.deployment.maxTokens) ?? DEFAULT_ANTHROPIC_MAX_TOKENS + (budget ?? 0);
  const body: Record<string, unknown> = {
    model: target.model,
    max_tokens: maxTokens,
    messages,
  };
  if (budget !== undefined) body.thinking = budget === 0 ? { type: 'disabled' } : { type: 'enabled', budget_tokens: budget };
  if (system !== undefined) body.system = system;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.stop !== undefined) body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (stream) body.stream = true;

  const tools: Block[] = (request.tools ?? []).map((t) => ({
    name: t.function.name,
    ...(t.function.description !== undefined ? { description: t.function.description } : {}),
    input_schema: t.function.parameters ?? { type: 'object', properties: {} },
  }));
  let toolChoice: Block | undefined;
  const choice = request.tool_choice;
  if (choice === 'auto') toolChoice = { type: 'auto' };
  else if (choice === 'required') toolChoice = { type: 'any' };
  else if (choice === 'none') toolChoice = { type: 'none' };
  else if (typeof choice === 'object') toolChoice = { type: 'tool', name: choice.function.name };

  const format = request.response_format;
  const jsonMode = format?.type === 'json_object' || format?.type === 'json_schema';
  if (jsonMode) {
    const schema: JsonSchema =
      format.type === 'json_schema' && format.json_schema.schema !== undefined ? format.json_schema.schema : { type: 'object' };
    tools.push({ name: JSON_TOOL_NAME, description: 'Respond with the JSON answer as this tool\'s input.', input_schema: schema });
    toolChoice = { type: 'tool', name: JSON_TOOL_NAME };
  }
  if (request.parallel_tool_calls === false && toolChoice?.type !== 'none') {
    toolChoice = { ...(toolChoice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  }
  if (tools.length > 0) body.tools = tools;
  if (toolChoice !== undefined && (tools.length > 0 || toolChoice.type === 'none')) body.tool_choice = toolChoice;
  return { body, jsonMode };
}
