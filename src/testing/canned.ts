/**
 * Deterministic replies for the fake provider server: the same request always
 * gets the same answer, so tests and the demo can assert on content.
 */
export interface CannedInput {
  /** Flattened text of each message, in order. */
  messages: Array<{ role: string; text: string }>;
  tools: Array<{ name: string; schema: unknown }>;
  /** A tool the request forces, or 'required' for "any tool". */
  forcedTool?: string;
  toolsDisabled: boolean;
  /** The request asks for JSON; `schema` when it gave one. */
  json?: { schema?: unknown };
  route: string;
}

export interface CannedToolCall {
  name: string;
  input: Record<string, unknown>;
}

export interface CannedReply {
  text: string;
  toolCalls: CannedToolCall[];
}

const SUMMARY_HINT = /summar/i;

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

/** A short deterministic summary: the opening words of the longest user text plus its length. */
export function summarize(text: string): string {
  const all = words(text);
  const opening = all.slice(0, 12).join(' ');
  return `Summary: ${opening}${all.length > 12 ? ' ...' : ''} (${all.length} words)`;
}

/** A value that satisfies a (simple) JSON schema: enough for tool arguments and json_schema replies. */
export function sampleFromSchema(schema: unknown, depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 6) return {};
  const s = schema as Record<string, unknown>;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (s.const !== undefined) return s.const;
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      return 'fake';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return [sampleFromSchema(s.items, depth + 1)];
    default: {
      const out: Record<string, unknown> = {};
      const props = (s.properties ?? {}) as Record<string, unknown>;
      for (const [key, sub] of Object.entries(props)) out[key] = sampleFromSchema(sub, depth + 1);
      return out;
    }
  }
}

export function cannedReply(input: CannedInput): CannedReply {
  const last = input.messages[input.messages.length - 1];
  const lastIsToolResult = last?.role === 'tool';

  // Call a tool when one is forced, or when tools are offered and no result has come back yet.
  const wantsTool = !input.toolsDisabled && input.tools.length > 0 && !lastIsToolResult &&
    (input.forcedTool !== undefined || !input.json);
  if (wantsTool) {
    const tool = input.tools.find((t) => t.name === input.forcedTool) ?? input.tools[0];
    if (tool) {
      const sample = sampleFromSchema(tool.schema);
      const args = typeof sample === 'object' && sample !== null && !Array.isArray(sample) ? (sample as Record<string, unknown>) : {};
      return { text: '', toolCalls: [{ name: tool.name, input: args }] };
    }
  }

  let text: string;
  if (lastIsToolResult) {
    text = `Tool result received: ${last.text}`;
  } else if (input.messages.some((m) => (m.role === 'system' || m.role === 'user') && SUMMARY_HINT.test(m.text))) {
    const userTexts = input.messages.filter((m) => m.role === 'user').map((m) => m.text);
    const longest = userTexts.reduce((a, b) => (b.length > a.length ? b : a), '');
    text = summarize(longest);
  } else {
    const said = words(input.messages.filter((m) => m.role === 'user').at(-1)?.text ?? '').slice(0, 12).join(' ');
    text = `Hello from fake deployment "${input.route}". You said: ${said}`;
  }

  if (input.json) {
    const value = input.json.schema !== undefined ? sampleFromSchema(input.json.schema) : { reply: text };
    text = JSON.stringify(value);
  }
  return { text, toolCalls: [] };
}

/** Rough, deterministic token count (4 characters a token) for fake usage numbers. */
export function fakeTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
