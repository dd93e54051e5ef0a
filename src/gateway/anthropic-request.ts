/**
 * `POST /v1/messages` bodies (Anthropic's Messages API) into the router's
 * OpenAI-shaped request: the inverse of the adapter's convert-request.ts.
 * System blocks become a system message, tool results become `tool`
 * messages, tool uses become `tool_calls`. A field the router cannot carry
 * is a 400 naming it.
 */
import { z } from 'zod';
import type { ChatMessage, ContentPart, FunctionTool, JsonSchema, ToolCall, ToolChoice } from '../providers/types';
import type { RouterRequest } from '../router';
import { invalidRequest } from './gateway-error';
import { firstIssue } from './openai-request';

const cacheControl = z.unknown().optional();
const textBlock = z.object({ type: z.literal('text'), text: z.string(), cache_control: cacheControl });
const imageBlock = z.object({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.object({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string() }),
    z.object({ type: z.literal('url'), url: z.string().min(1) }),
  ]),
  cache_control: cacheControl,
});
const toolUseBlock = z.object({ type: z.literal('tool_use'), id: z.string().min(1), name: z.string().min(1), input: z.unknown(), cache_control: cacheControl });
const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});
// Reasoning blocks from an earlier turn: another model cannot read them back, so they are dropped.
const thinkingBlock = z.object({ type: z.enum(['thinking', 'redacted_thinking']) });

const SUPPORTED_BLOCKS = ['text', 'image', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking'];

const block = z.discriminatedUnion('type', [textBlock, imageBlock, toolUseBlock, toolResultBlock, thinkingBlock]);
type Block = z.infer<typeof block>;

const messagesRequestSchema = z.object({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.union([z.string(), z.array(block)]) })).min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(z.object({ name: z.string().min(1), description: z.string().optional(), input_schema: z.record(z.string(), z.unknown()), type: z.literal('custom').optional(), cache_control: cacheControl })).optional(),
  tool_choice: z
    .discriminatedUnion('type', [
      z.object({ type: z.enum(['auto', 'any', 'none']), disable_parallel_tool_use: z.boolean().optional() }),
      z.object({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
    ])
    .optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  metadata: z.object({ user_id: z.string().nullable().optional() }).optional(),
  stream: z.boolean().optional(),
});

export interface ParsedMessagesRequest {
  request: RouterRequest;
  stream: boolean;
}

/** Names the first content block of an unsupported type (a document, a server tool result...), before zod's generic union message. */
function checkBlockTypes(body: Record<string, unknown>): void {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  messages.forEach((m: unknown, i) => {
    const content = (m as { content?: unknown } | null)?.content;
    if (!Array.isArray(content)) return;
    content.forEach((b: unknown, j) => {
      const type = (b as { type?: unknown } | null)?.type;
      if (typeof type === 'string' && !SUPPORTED_BLOCKS.includes(type)) {
        throw invalidRequest(`messages[${i}].content[${j}].type`, `content blocks of type "${type}" are not supported by the gateway (supported: ${SUPPORTED_BLOCKS.join(', ')})`);
      }
    });
  });
  const tools = Array.isArray(body.tools) ? body.tools : [];
  tools.forEach((t: unknown, i) => {
    const type = (t as { type?: unknown } | null)?.type;
    if (type !== undefined && type !== 'custom') throw invalidRequest(`tools[${i}].type`, `server tools ("${String(type)}") are not supported by the gateway; only client tools with an input_schema`);
  });
}

function textOf(blocks: ReadonlyArray<{ type: string; text?: string }>): string {
  return blocks.map((b) => (b.type === 'text' ? (b.text ?? '') : '')).join('');
}

function imagePart(source: Extract<Block, { type: 'image' }>['source']): ContentPart {
  const url = source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.url;
  return { type: 'image_url', image_url: { url } };
}

function toolResultText(result: Extract<Block, { type: 'tool_result' }>, path: string): string {
  const content = result.content ?? '';
  if (typeof content === 'string') return content;
  if (content.some((b) => b.type === 'image')) throw invalidRequest(`${path}.content`, 'images inside a tool_result are not supported by the gateway');
  return textOf(content);
}

/** One Anthropic turn into OpenAI messages: tool results first (each its own `tool` message), then the rest. */
function convertTurn(role: 'user' | 'assistant', content: string | Block[], path: string): ChatMessage[] {
  if (typeof content === 'string') return [role === 'user' ? { role, content } : { role, content }];
  if (role === 'assistant') {
    const calls: ToolCall[] = [];
    let text = '';
    for (const b of content) {
      if (b.type === 'text') text += b.text;
      else if (b.type === 'tool_use') calls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } });
    }
    return [{ role: 'assistant', content: text === '' && calls.length > 0 ? null : text, ...(calls.length > 0 ? { tool_calls: calls } : {}) }];
  }
  const out: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  content.forEach((b, j) => {
    if (b.type === 'tool_result') out.push({ role: 'tool', tool_call_id: b.tool_use_id, content: toolResultText(b, `${path}.content[${j}]`) });
    else if (b.type === 'text') parts.push({ type: 'text', text: b.text });
    else if (b.type === 'image') parts.push(imagePart(b.source));
  });
  if (parts.length > 0) out.push({ role: 'user', content: parts.every((p) => p.type === 'text') ? parts.map((p) => (p as { text: string }).text).join('\n') : parts });
  return out;
}

function toolChoiceOf(choice: NonNullable<z.infer<typeof messagesRequestSchema>['tool_choice']>): ToolChoice {
  switch (choice.type) {
    case 'any':
      return 'required';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
    default:
      return choice.type;
  }
}

export function parseMessagesRequest(body: unknown): ParsedMessagesRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidRequest('(body)', 'expected a JSON object');
  checkBlockTypes(body as Record<string, unknown>);
  const parsed = messagesRequestSchema.safeParse(body);
  if (!parsed.success) throw firstIssue(parsed.error, body);
  const b = parsed.data;
  const messages: ChatMessage[] = [];
  const system = b.system === undefined ? '' : typeof b.system === 'string' ? b.system : textOf(b.system);
  if (system !== '') messages.push({ role: 'system', content: system });
  b.messages.forEach((m, i) => messages.push(...convertTurn(m.role, m.content, `messages[${i}]`)));
  const request: RouterRequest = { model: b.model, messages, max_tokens: b.max_tokens };
  if (b.tools !== undefined && b.tools.length > 0) {
    request.tools = b.tools.map((t): FunctionTool => ({
      type: 'function',
      function: { name: t.name, ...(t.description === undefined ? {} : { description: t.description }), parameters: t.input_schema as JsonSchema },
    }));
  }
  if (b.tool_choice !== undefined) {
    request.tool_choice = toolChoiceOf(b.tool_choice);
    if (b.tool_choice.disable_parallel_tool_use === true) request.parallel_tool_calls = false;
  }
  if (b.stop_sequences !== undefined && b.stop_sequences.length > 0) request.stop = b.stop_sequences;
  if (b.temperature !== undefined) request.temperature = b.temperature;
  if (b.top_p !== undefined) request.top_p = b.top_p;
  if (typeof b.metadata?.user_id === 'string') request.user = b.metadata.user_id;
  return { request, stream: b.stream === true };
}
