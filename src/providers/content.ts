/**
 * Request pieces every native translation needs: inline data URLs, and the
 * one table that turns OpenAI's `reasoning_effort` into a thinking budget.
 */
import type { ChatRequest, ContentPart } from './types';

export interface InlineData {
  readonly mimeType: string;
  /** Base64, as sent. */
  readonly data: string;
}

export function parseDataUrl(url: string): InlineData | undefined {
  const match = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  return match ? { mimeType: (match[1] as string).toLowerCase(), data: match[2] as string } : undefined;
}

/** What a user content part points at, whatever its OpenAI form. */
export type MediaSource =
  | { kind: 'inline'; mimeType: string; data: string }
  | { kind: 'url'; url: string; mimeType?: string };

const EXTENSION_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', pdf: 'application/pdf', txt: 'text/plain',
};

function typeFromName(name: string | undefined): string | undefined {
  const ext = name?.split(/[?#]/)[0]?.split('.').pop()?.toLowerCase();
  return ext === undefined ? undefined : EXTENSION_TYPES[ext];
}

/** Image and file parts as one shape; undefined for text parts. */
export function mediaOf(part: ContentPart): MediaSource | undefined {
  if (part.type === 'image_url') {
    const inline = parseDataUrl(part.image_url.url);
    if (inline) return { kind: 'inline', ...inline };
    const mimeType = part.image_url.format ?? typeFromName(part.image_url.url);
    return { kind: 'url', url: part.image_url.url, ...(mimeType ? { mimeType } : {}) };
  }
  if (part.type === 'file') {
    const { file_data: data, file_id: id, filename, format } = part.file;
    const inline = data === undefined ? undefined : parseDataUrl(data);
    if (inline) return { kind: 'inline', ...inline, ...(format ? { mimeType: format } : {}) };
    // A bare base64 string (no data: prefix) is how some clients send a PDF.
    if (data !== undefined) return { kind: 'inline', mimeType: format ?? typeFromName(filename) ?? 'application/pdf', data };
    if (id !== undefined) {
      const mimeType = format ?? typeFromName(filename) ?? typeFromName(id);
      return { kind: 'url', url: id, ...(mimeType ? { mimeType } : {}) };
    }
  }
  return undefined;
}

/** Thinking budgets per effort, as LiteLLM maps them (Anthropic's minimum budget is 1024). */
export const REASONING_EFFORT_BUDGET: Readonly<Record<NonNullable<ChatRequest['reasoning_effort']>, number>> = {
  minimal: 1024,
  low: 1024,
  medium: 2048,
  high: 4096,
};

/** The thinking budget a request asks for: a number, 0 for "off", undefined when it says nothing. */
export function thinkingBudget(request: ChatRequest): number | undefined {
  if (request.thinking?.type === 'enabled') return request.thinking.budget_tokens;
  if (request.thinking?.type === 'disabled') return 0;
  return request.reasoning_effort === undefined ? undefined : REASONING_EFFORT_BUDGET[request.reasoning_effort];
}
