import { BadRequestError } from '../../errors';
import { applyParamSupport, effectiveMaxTokens, type UnsupportedParam } from '../params';
import type { ResolvedDeployment } from '../resolve';
import type { ChatMessage, ChatRequest, ContentPart, JsonSchema, TextContentPart } from '../types';

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

function imageBlock(url: string): Block {
  const data = /^data:([^;]+);base64,(.*)$/s.exec(url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } };
  return { type: 'image', source: { type: 'url', url } };
}

function userBlocks(content: string | ContentPart[]): Block[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.flatMap((part): Block[] => {
    if (part.type === 'text') return part.text === '' ? [] : [{ type: 'text', text: part.text }];
    return [imageBlock(part.image_url.url)];
  });
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
      return { role: 'user', blocks: userBlocks(message.content) };
    case 'tool':
      return { role: 'user', blocks: [{ type: 'tool_result', tool_use_id: message.tool_call_id, content: textOf(message.content) }] };
    case 'assistant': {
      const blocks: Block[] = [];
      const text = textOf(message.content);
      if (text !== '') blocks.push({ type: 'text', text });
      for (const call of message.tool_calls ?? []) {
        blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseArguments(call.function.arguments, ctx) });
      }
      return { role: 'assistant', blocks };
    }
    default:
      return { role: 'user', blocks: [] };
  }
}

/**
 * System and developer messages become the top-level `system`; the rest are
 * merged so roles alternate (Anthropic rejects two user turns in a row, and
 * OpenAI sends each tool result as its own message).
 */
export function convertMessages(messages: readonly ChatMessage[], ctx: { provider: string; deployment: string }): { system?: string; messages: AnthropicMessage[] } {
  const system: string[] = [];
  const out: AnthropicMessage[] = [];
  for (const message of messages) {
    if (message.role === 'system' || message.role === 'developer') {
      const text = textOf(message.content);
      if (text !== '') system.push(text);
      continue;
    }
    const { role, blocks } = toBlocks(message, ctx);
    if (blocks.length === 0) continue;
    const previous = out[out.length - 1];
    if (previous && previous.role === role) previous.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  return { ...(system.length > 0 ? { system: system.join('\n\n') } : {}), messages: out };
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
  const body: Record<string, unknown> = {
    model: target.model,
    max_tokens: effectiveMaxTokens(request, target.deployment.maxTokens) ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
    messages,
  };
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
