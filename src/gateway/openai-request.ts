/**
 * Validates a `POST /v1/chat/completions` body into the router's request.
 * A wrong field is a 400 whose message starts with the field's path
 * (`messages[1].content: ...`). Parameters the router cannot honour are
 * refused by name; other unknown keys are ignored, as newer clients send
 * fields older servers do not know.
 */
import { z } from 'zod';
import { IssueList, formatPath } from '../config/issues';
import { addZodIssues, describeValue } from '../config/zod-issues';
import type { RouterRequest } from '../router';
import { GatewayError, invalidRequest } from './gateway-error';

const text = z.object({ type: z.literal('text'), text: z.string() });
const image = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
const textContent = z.union([z.string(), z.array(text)]);
const name = z.string().optional();

const message = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'developer']), content: textContent, name }),
  z.object({ role: z.literal('user'), content: z.union([z.string(), z.array(z.discriminatedUnion('type', [text, image]))]), name }),
  z.object({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(text), z.null()]).optional(),
    tool_calls: z
      .array(z.object({ id: z.string().min(1), type: z.literal('function'), function: z.object({ name: z.string().min(1), arguments: z.string() }) }))
      .optional(),
    name,
    refusal: z.string().nullable().optional(),
  }),
  z.object({ role: z.literal('tool'), content: textContent, tool_call_id: z.string().min(1) }),
]);

const jsonSchema = z.record(z.string(), z.unknown());

const chatRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  tools: z
    .array(
      z.object({
        type: z.literal('function'),
        function: z.object({ name: z.string().min(1), description: z.string().optional(), parameters: jsonSchema.optional(), strict: z.boolean().nullable().optional() }),
      }),
    )
    .optional(),
  tool_choice: z.union([z.enum(['none', 'auto', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) })]).optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('text') }),
      z.object({ type: z.literal('json_object') }),
      z.object({
        type: z.literal('json_schema'),
        json_schema: z.object({ name: z.string().min(1), description: z.string().optional(), schema: jsonSchema.optional(), strict: z.boolean().nullable().optional() }),
      }),
    ])
    .optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  user: z.string().optional(),
  n: z.number().int().min(1).max(1, 'the gateway returns one choice (n must be 1)').nullable().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
  // LiteLLM's routing metadata: `metadata.tags`, or `tags` at the top level as its proxy also takes.
  metadata: z.looseObject({ tags: z.array(z.string()).optional() }).nullable().optional(),
  tags: z.array(z.string()).nullable().optional(),
});

/** OpenAI parameters whose meaning the router cannot keep; sending one is a 400 rather than a silently different answer. */
const REFUSED: Readonly<Record<string, string>> = {
  functions: 'the legacy functions API is not supported; send "tools"',
  function_call: 'the legacy functions API is not supported; send "tool_choice"',
  logprobs: 'log probabilities are not supported by the gateway',
  top_logprobs: 'log probabilities are not supported by the gateway',
  logit_bias: 'logit_bias is not supported by the gateway',
  audio: 'audio output is not supported by the gateway',
  prediction: 'predicted outputs are not supported by the gateway',
  web_search_options: 'web search is not supported by the gateway',
};

export interface ParsedChatRequest {
  request: RouterRequest;
  stream: boolean;
  /** `stream_options.include_usage`: OpenAI sends a final usage chunk only when asked. */
  includeUsage: boolean;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** The first zod problem as one line naming its path (`messages[0].role: unknown value "usr"; expected one of: ...`). */
export function firstIssue(error: z.ZodError, input: unknown): GatewayError {
  const issue = error.issues[0];
  if (issue === undefined) return invalidRequest('(body)', 'invalid request');
  const options = (issue as { options?: unknown }).options;
  if (issue.code === 'invalid_union' && Array.isArray(options)) {
    // A discriminated union whose tag (role, type) matched no branch.
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const value = valueAt(input, issue.path);
    const expected = options.map(String).join(', ');
    const field = formatPath(path);
    return invalidRequest(field, value === undefined ? `is required (one of: ${expected})` : `unknown value ${describeValue(value)}; expected one of: ${expected}`);
  }
  const issues = new IssueList();
  addZodIssues(issues, [], { ...error, issues: [issue] } as z.ZodError, input);
  const first = issues.toIssues()[0];
  return first === undefined ? invalidRequest('(body)', 'invalid request') : invalidRequest(first.path === '(root)' ? '(body)' : first.path, first.message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The router's request: the parsed body without the stream switches, and without explicit nulls (the router's request type has none). One copy. */
function routerRequestOf(parsed: Record<string, unknown>): RouterRequest {
  const out: Record<string, unknown> = {};
  for (const k in parsed) {
    if (k === 'stream' || k === 'stream_options') continue;
    const v = parsed[k];
    if (v !== null && v !== undefined) out[k] = v;
  }
  return out as unknown as RouterRequest;
}

export function parseChatRequest(body: unknown): ParsedChatRequest {
  if (!isRecord(body)) throw invalidRequest('(body)', 'expected a JSON object');
  for (const key of Object.keys(REFUSED)) {
    const value = body[key];
    if (value === undefined || value === null || value === false) continue;
    throw invalidRequest(key, REFUSED[key] as string);
  }
  const parsed = chatRequestSchema.safeParse(body);
  if (!parsed.success) throw firstIssue(parsed.error, body);
  const data = parsed.data;
  const request = routerRequestOf(data);
  // A top-level `tags` (LiteLLM's form) joins metadata.tags; it is routing input, never sent to the provider.
  const tags = data.tags;
  if (tags !== undefined && tags !== null) {
    delete (request as { tags?: unknown }).tags;
    request.metadata = { ...(request.metadata ?? {}), tags: [...(request.metadata?.tags ?? []), ...tags] };
  }
  return { request, stream: data.stream === true, includeUsage: data.stream_options?.include_usage === true };
}
