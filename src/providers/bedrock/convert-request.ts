import type { ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { BadRequestError } from '../../errors';
import { mediaOf, thinkingBudget } from '../content';
import { applyParamSupport, effectiveMaxTokens, type UnsupportedParam } from '../params';
import type { ResolvedDeployment } from '../resolve';
import type { CacheControl, ChatMessage, ChatRequest, ContentPart, JsonSchema, SystemMessage, TextContentPart } from '../types';

/** The forced tool that carries JSON-mode answers (Converse has no response format). */
export const JSON_TOOL_NAME = 'json_output';

type Block = Record<string, unknown>;
type Ctx = { provider: string; deployment: string };
const CACHE_POINT: Block = { cachePoint: { type: 'default' } };

const IMAGE_FORMATS: Readonly<Record<string, string>> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };
const DOCUMENT_FORMATS: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf', 'text/csv': 'csv', 'text/html': 'html', 'text/plain': 'txt', 'text/markdown': 'md',
  'application/msword': 'doc', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

export function isClaude(model: string): boolean {
  return /(^|\.)anthropic\.claude/.test(model);
}

function textOf(content: string | TextContentPart[] | null | undefined): string {
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

/** Bedrock allows letters, digits, spaces, hyphens, parentheses and brackets in a document name. */
function documentName(filename: string | undefined, n: number): string {
  const base = (filename ?? '').replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9 ()[\]-]/g, '-').replace(/\s+/g, ' ').trim();
  return base === '' ? `document-${n}` : base.slice(0, 200);
}

function mediaBlock(part: ContentPart, n: number, ctx: Ctx): Block | undefined {
  const media = mediaOf(part);
  if (!media) return undefined;
  if (media.kind === 'url' && !media.url.startsWith('s3://')) {
    throw new BadRequestError(`${ctx.provider} (${ctx.deployment}): Bedrock takes images and documents inline or from S3; send a data: URL or an s3:// URI, not ${media.url.slice(0, 60)}`, { ...ctx, status: 400 });
  }
  const mime = media.mimeType ?? '';
  const source = media.kind === 'inline' ? { bytes: Buffer.from(media.data, 'base64') } : { s3Location: { uri: media.url } };
  const image = IMAGE_FORMATS[mime];
  if (image !== undefined) return { image: { format: image, source } };
  const document = DOCUMENT_FORMATS[mime];
  if (document !== undefined) {
    return { document: { format: document, name: documentName(part.type === 'file' ? part.file.filename : undefined, n), source } };
  }
  throw new BadRequestError(`${ctx.provider} (${ctx.deployment}): Bedrock cannot take content of type "${mime || 'unknown'}"`, { ...ctx, status: 400 });
}

/** `cache_control` becomes a cache point after the block it marks. */
function withCache(blocks: Block[], cache: CacheControl | undefined): Block[] {
  return cache === undefined || blocks.length === 0 ? blocks : [...blocks, CACHE_POINT];
}

function userBlocks(content: string | ContentPart[], counter: { n: number }, ctx: Ctx): Block[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  return content.flatMap((part): Block[] => {
    if (part.type === 'text') return part.text === '' ? [] : withCache([{ text: part.text }], part.cache_control);
    counter.n += 1;
    const block = mediaBlock(part, counter.n, ctx);
    return block ? withCache([block], part.cache_control) : [];
  });
}

function parseArguments(raw: string, ctx: Ctx): unknown {
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new BadRequestError(`${ctx.provider} (${ctx.deployment}): tool call arguments are not valid JSON: ${raw.slice(0, 80)}`, { ...ctx, status: 400 });
  }
}

interface ConverseMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

/** Same shape rules as Anthropic: system apart (as blocks), same-role turns merged, tool results in user turns. */
export function convertMessages(messages: readonly ChatMessage[], ctx: Ctx): { system: Block[]; messages: ConverseMessage[] } {
  const system: Block[] = [];
  const out: ConverseMessage[] = [];
  const counter = { n: 0 };
  for (const message of messages) {
    let role: 'user' | 'assistant';
    let blocks: Block[];
    switch (message.role) {
      case 'system':
      case 'developer': {
        const m = message as SystemMessage;
        const parts = typeof m.content === 'string' ? [{ text: m.content }] : m.content.map((p) => ({ text: p.text, cache: p.cache_control }));
        for (const p of parts) if (p.text !== '') system.push(...withCache([{ text: p.text }], 'cache' in p ? p.cache : undefined));
        if (m.cache_control !== undefined && system.length > 0 && system[system.length - 1] !== CACHE_POINT) system.push(CACHE_POINT);
        continue;
      }
      case 'user':
        role = 'user';
        blocks = userBlocks(message.content, counter, ctx);
        break;
      case 'tool':
        role = 'user';
        blocks = [{ toolResult: { toolUseId: message.tool_call_id, content: [{ text: textOf(message.content) }] } }];
        break;
      case 'assistant': {
        role = 'assistant';
        blocks = [];
        const text = textOf(message.content);
        if (text !== '') blocks.push({ text });
        for (const call of message.tool_calls ?? []) blocks.push({ toolUse: { toolUseId: call.id, name: call.function.name, input: parseArguments(call.function.arguments, ctx) } });
        break;
      }
      default:
        continue;
    }
    if (message.cache_control !== undefined) blocks = withCache(blocks, message.cache_control);
    if (blocks.length === 0) continue;
    const previous = out[out.length - 1];
    if (previous && previous.role === role) previous.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  return { system, messages: out };
}

export function unsupportedForBedrock(request: ChatRequest, model: string): UnsupportedParam[] {
  const out: UnsupportedParam[] = [];
  if (request.seed !== undefined) out.push({ param: 'seed', reason: 'Converse has no sampling seed' });
  if (request.n !== undefined && request.n !== 1) out.push({ param: 'n', reason: 'Converse returns one choice' });
  if (request.presence_penalty !== undefined) out.push({ param: 'presence_penalty', reason: 'not supported by Converse' });
  if (request.frequency_penalty !== undefined) out.push({ param: 'frequency_penalty', reason: 'not supported by Converse' });
  if (!isClaude(model)) {
    if (request.thinking !== undefined) out.push({ param: 'thinking', reason: 'extended thinking is mapped for Claude models only' });
    if (request.reasoning_effort !== undefined) out.push({ param: 'reasoning_effort', reason: 'extended thinking is mapped for Claude models only' });
  }
  return out;
}

export interface ConverseRequest {
  input: ConverseCommandInput;
  jsonMode: boolean;
}

export function toConverseInput(original: ChatRequest, target: ResolvedDeployment): ConverseRequest {
  const ctx = { provider: target.provider, deployment: target.deployment.id };
  const request = applyParamSupport(original, unsupportedForBedrock(original, target.model), { ...ctx, dropParams: target.deployment.dropParams });
  const { system, messages } = convertMessages(request.messages, ctx);
  const input: Record<string, unknown> = { modelId: target.model, messages };
  if (system.length > 0) input.system = system;

  const budget = thinkingBudget(request);
  const inference: Record<string, unknown> = {};
  let maxTokens = effectiveMaxTokens(request, target.deployment.maxTokens);
  // Claude's thinking budget counts against maxTokens, which must exceed it.
  if (budget !== undefined && budget > 0 && maxTokens === undefined) maxTokens = budget + 4096;
  if (maxTokens !== undefined) inference.maxTokens = maxTokens;
  if (request.temperature !== undefined) inference.temperature = request.temperature;
  if (request.top_p !== undefined) inference.topP = request.top_p;
  if (request.stop !== undefined) inference.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (Object.keys(inference).length > 0) input.inferenceConfig = inference;
  if (budget !== undefined && isClaude(target.model)) {
    input.additionalModelRequestFields = { thinking: budget === 0 ? { type: 'disabled' } : { type: 'enabled', budget_tokens: budget } };
  }

  const tools: Block[] = (request.tools ?? []).map((t) => ({
    toolSpec: {
      name: t.function.name,
      ...(t.function.description !== undefined ? { description: t.function.description } : {}),
      inputSchema: { json: t.function.parameters ?? { type: 'object', properties: {} } },
    },
  }));
  let toolChoice: Block | undefined;
  const choice = request.tool_choice;
  if (choice === 'auto') toolChoice = { auto: {} };
  else if (choice === 'required') toolChoice = { any: {} };
  else if (typeof choice === 'object') toolChoice = { tool: { name: choice.function.name } };
  const format = request.response_format;
  const jsonMode = format?.type === 'json_object' || format?.type === 'json_schema';
  if (jsonMode) {
    const schema: JsonSchema = format.type === 'json_schema' && format.json_schema.schema !== undefined ? format.json_schema.schema : { type: 'object' };
    tools.push({ toolSpec: { name: JSON_TOOL_NAME, description: 'Respond with the JSON answer as this tool\'s input.', inputSchema: { json: schema } } });
    toolChoice = { tool: { name: JSON_TOOL_NAME } };
  }
  // Converse has no "none": offering no tools is how a caller forbids them.
  if (tools.length > 0 && choice !== 'none') input.toolConfig = { tools, ...(toolChoice ? { toolChoice } : {}) };
  else if (tools.length > 0 && jsonMode) input.toolConfig = { tools: tools.slice(-1), toolChoice };
  else if (tools.length > 0 && messages.some((m) => m.content.some((b) => 'toolUse' in b || 'toolResult' in b))) {
    // A conversation with tool turns must still declare the tools, or Bedrock rejects it.
    input.toolConfig = { tools };
  }
  return { input: input as unknown as ConverseCommandInput, jsonMode };
}
