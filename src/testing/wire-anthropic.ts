import { type CannedInput, type CannedReply, fakeTokens } from './canned';
import { textPieces } from './wire-openai';

type Json = Record<string, unknown>;

function blocksText(content: unknown): { role: 'tool' | 'other'; text: string } {
  if (typeof content === 'string') return { role: 'other', text: content };
  if (!Array.isArray(content)) return { role: 'other', text: '' };
  const parts: string[] = [];
  let lastType: unknown;
  for (const block of content as Json[]) {
    if (block.type === 'text') parts.push(String(block.text));
    if (block.type === 'tool_result') parts.push(blocksText(block.content).text);
    lastType = block.type;
  }
  // A turn that ends with a tool result is answered as one; text after it is a new question.
  return { role: lastType === 'tool_result' ? 'tool' : 'other', text: parts.join('\n') };
}

export function anthropicCannedInput(body: Json, route: string): CannedInput {
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  const tools = Array.isArray(body.tools) ? (body.tools as Json[]) : [];
  const choice = body.tool_choice as Json | undefined;
  const system = typeof body.system === 'string' ? body.system : blocksText(body.system).text;
  const flat: CannedInput['messages'] = system ? [{ role: 'system', text: system }] : [];
  for (const m of messages) {
    const { role, text } = blocksText(m.content);
    flat.push({ role: role === 'tool' ? 'tool' : String(m.role), text });
  }
  let forcedTool: string | undefined;
  if (choice?.type === 'tool') forcedTool = String(choice.name);
  if (choice?.type === 'any') forcedTool = String(tools[0]?.name ?? '');
  return {
    messages: flat,
    tools: tools.map((t) => ({ name: String(t.name), schema: t.input_schema })),
    forcedTool,
    toolsDisabled: choice?.type === 'none',
    route,
  };
}

export interface AnthropicRenderOptions {
  id: string;
  model: string;
  stopReason?: string;
  cachedTokens: number;
  promptText: string;
  callNumber: number;
}

function usage(reply: CannedReply, o: AnthropicRenderOptions): Json {
  return {
    input_tokens: fakeTokens(o.promptText),
    output_tokens: fakeTokens(reply.text + JSON.stringify(reply.toolCalls)),
    cache_read_input_tokens: o.cachedTokens,
    cache_creation_input_tokens: 0,
  };
}

function content(reply: CannedReply, o: AnthropicRenderOptions): Json[] {
  const blocks: Json[] = [];
  if (reply.text !== '') blocks.push({ type: 'text', text: reply.text });
  reply.toolCalls.forEach((c, i) => blocks.push({ type: 'tool_use', id: `toolu_${o.callNumber}_${i}`, name: c.name, input: c.input }));
  return blocks;
}

function stopReason(reply: CannedReply, o: AnthropicRenderOptions): string {
  return o.stopReason ?? (reply.toolCalls.length > 0 ? 'tool_use' : 'end_turn');
}

export function anthropicMessage(reply: CannedReply, o: AnthropicRenderOptions): Json {
  return {
    id: o.id,
    type: 'message',
    role: 'assistant',
    model: o.model,
    content: content(reply, o),
    stop_reason: stopReason(reply, o),
    stop_sequence: null,
    usage: usage(reply, o),
  };
}

/** SSE events as `[event, data]`, in the order the Messages API sends them. */
export function anthropicEvents(reply: CannedReply, o: AnthropicRenderOptions): Array<[string, Json]> {
  const u = usage(reply, o);
  const events: Array<[string, Json]> = [
    ['message_start', { type: 'message_start', message: { ...anthropicMessage({ text: '', toolCalls: [] }, o), content: [], stop_reason: null, usage: { ...u, output_tokens: 1 } } }],
  ];
  let index = 0;
  if (reply.text !== '') {
    events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
    for (const piece of textPieces(reply.text)) {
      events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }]);
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
    index += 1;
  }
  reply.toolCalls.forEach((c, i) => {
    events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: `toolu_${o.callNumber}_${i}`, name: c.name, input: {} } }]);
    const args = JSON.stringify(c.input);
    const mid = Math.ceil(args.length / 2);
    for (const part of [args.slice(0, mid), args.slice(mid)]) {
      if (part !== '') events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } }]);
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
    index += 1;
  });
  events.push(['message_delta', { type: 'message_delta', delta: { stop_reason: stopReason(reply, o), stop_sequence: null }, usage: { output_tokens: u.output_tokens } }]);
  events.push(['message_stop', { type: 'message_stop' }]);
  return events;
}

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export function anthropicErrorBody(status: number, message: string): Json {
  return { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } };
}
