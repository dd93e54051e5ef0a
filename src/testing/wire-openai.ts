import { type CannedInput, type CannedReply, fakeTokens } from './canned';

type Json = Record<string, unknown>;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === 'object' && part !== null && (part as Json).type === 'text' ? String((part as Json).text) : ''))
      .join('');
  }
  return '';
}

export function openaiCannedInput(body: Json, route: string): CannedInput {
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  const tools = Array.isArray(body.tools) ? (body.tools as Json[]) : [];
  const choice = body.tool_choice;
  const format = body.response_format as Json | undefined;
  let forcedTool: string | undefined;
  if (choice === 'required') forcedTool = String((tools[0]?.function as Json | undefined)?.name ?? '');
  if (typeof choice === 'object' && choice !== null) forcedTool = String(((choice as Json).function as Json).name);
  let json: CannedInput['json'];
  if (format?.type === 'json_object') json = {};
  if (format?.type === 'json_schema') json = { schema: (format.json_schema as Json | undefined)?.schema };
  return {
    messages: messages.map((m) => ({ role: String(m.role), text: textOf(m.content) })),
    tools: tools.map((t) => ({ name: String((t.function as Json).name), schema: (t.function as Json).parameters })),
    forcedTool,
    toolsDisabled: choice === 'none',
    json,
    route,
  };
}

export interface OpenAiRenderOptions {
  id: string;
  model: string;
  created: number;
  finishReason?: string;
  cachedTokens: number;
  promptText: string;
  callNumber: number;
}

function usage(reply: CannedReply, o: OpenAiRenderOptions): Json {
  const prompt = fakeTokens(o.promptText);
  const completion = fakeTokens(reply.text + JSON.stringify(reply.toolCalls));
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: o.cachedTokens },
  };
}

function toolCallId(o: OpenAiRenderOptions, i: number): string {
  return `call_${o.callNumber}_${i}`;
}

export function openaiCompletion(reply: CannedReply, o: OpenAiRenderOptions): Json {
  const hasTools = reply.toolCalls.length > 0;
  return {
    id: o.id,
    object: 'chat.completion',
    created: o.created,
    model: o.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: hasTools ? null : reply.text,
          refusal: null,
          ...(hasTools
            ? {
                tool_calls: reply.toolCalls.map((c, i) => ({
                  id: toolCallId(o, i),
                  type: 'function',
                  function: { name: c.name, arguments: JSON.stringify(c.input) },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: o.finishReason ?? (hasTools ? 'tool_calls' : 'stop'),
      },
    ],
    usage: usage(reply, o),
    system_fingerprint: 'fp_fake',
  };
}

/** Pieces of text the stream sends, one per chunk: word by word, keeping spaces. */
export function textPieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** The SSE `data:` payloads of a streamed reply, in order, not counting `[DONE]`. */
export function openaiChunks(reply: CannedReply, o: OpenAiRenderOptions, includeUsage: boolean): Json[] {
  const base = { id: o.id, object: 'chat.completion.chunk', created: o.created, model: o.model, system_fingerprint: 'fp_fake' };
  const chunk = (delta: Json, finish: string | null = null): Json => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const out: Json[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const piece of textPieces(reply.text)) out.push(chunk({ content: piece }));
  reply.toolCalls.forEach((c, i) => {
    const args = JSON.stringify(c.input);
    out.push(chunk({ tool_calls: [{ index: i, id: toolCallId(o, i), type: 'function', function: { name: c.name, arguments: '' } }] }));
    const mid = Math.ceil(args.length / 2);
    for (const part of [args.slice(0, mid), args.slice(mid)]) {
      if (part !== '') out.push(chunk({ tool_calls: [{ index: i, function: { arguments: part } }] }));
    }
  });
  out.push(chunk({}, o.finishReason ?? (reply.toolCalls.length > 0 ? 'tool_calls' : 'stop')));
  if (includeUsage) out.push({ ...base, choices: [], usage: usage(reply, o) });
  return out;
}

export function openaiErrorBody(status: number, message: string): Json {
  const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message, type, param: null, code: null } };
}
