/**
 * Table-driven recognition of the two 400s that have their own fallback
 * lists. Providers word them differently and rarely give a stable code, so a
 * missed pattern means `context_window_fallbacks` silently never fires: add
 * a row here (and a case to the unit test) whenever a new wording turns up.
 */
export interface DetectionRule {
  /** Which provider family the wording comes from; informational, every rule is tried. */
  readonly source: string;
  readonly code?: string;
  readonly pattern?: RegExp;
}

export const CONTEXT_WINDOW_RULES: readonly DetectionRule[] = [
  { source: 'openai/azure', code: 'context_length_exceeded' },
  { source: 'openai/azure/vllm/groq/deepseek', pattern: /maximum context length/i },
  { source: 'openai (newer models)', pattern: /input tokens exceed the configured limit/i },
  { source: 'openai/groq', pattern: /reduce the length of the messages/i },
  { source: 'anthropic', pattern: /prompt is too long/i },
  { source: 'anthropic', pattern: /exceed(?:s)? context limit/i },
  { source: 'gemini', pattern: /exceeds the maximum number of tokens allowed/i },
  { source: 'ollama', pattern: /input length exceeds the context length/i },
  { source: 'bedrock', pattern: /input is too long for requested model/i },
  { source: 'bedrock', pattern: /too many input tokens/i },
  { source: 'ollama (runner log wording)', pattern: /input exceeds context length/i },
  { source: 'vllm v1', pattern: /longer than the maximum model length/i },
  { source: 'mistral', pattern: /too large for model with \d+ maximum context length/i },
  { source: 'generic', pattern: /context[ _-]?(?:window|length)[ _-]?exceeded/i },
  { source: 'generic', pattern: /exceeds? (?:the )?(?:model'?s? )?context (?:window|length)/i },
];

export const CONTENT_POLICY_RULES: readonly DetectionRule[] = [
  { source: 'azure', code: 'content_filter' },
  { source: 'azure', code: 'ResponsibleAIPolicyViolation' },
  { source: 'openai', code: 'content_policy_violation' },
  { source: 'openai', code: 'invalid_prompt' },
  { source: 'azure', pattern: /content management policy/i },
  { source: 'openai', pattern: /rejected as a result of (?:our|the) safety system/i },
  { source: 'openai', pattern: /flagged as potentially violating (?:our )?usage polic/i },
  { source: 'anthropic', pattern: /blocked by content filtering policy/i },
  { source: 'gemini', pattern: /\b(?:blocked|block_reason|blockReason)\b.*\b(?:SAFETY|PROHIBITED_CONTENT|BLOCKLIST)\b/i },
  { source: 'generic', pattern: /content[ _-]policy[ _-]violation/i },
];

export interface ErrorSignals {
  readonly codes: readonly string[];
  readonly text: string;
}

function matches(rules: readonly DetectionRule[], signals: ErrorSignals): boolean {
  return rules.some((rule) =>
    rule.code !== undefined ? signals.codes.includes(rule.code) : rule.pattern !== undefined && rule.pattern.test(signals.text),
  );
}

export function isContextWindowSignal(signals: ErrorSignals): boolean {
  return matches(CONTEXT_WINDOW_RULES, signals);
}

export function isContentPolicySignal(signals: ErrorSignals): boolean {
  return matches(CONTENT_POLICY_RULES, signals);
}

/**
 * Collects every message, code and type from an error body, whatever its
 * shape: `{error:{message,code}}` (OpenAI, Azure with `innererror`),
 * `{type:'error',error:{type,message}}` (Anthropic), `{message,type,code}`
 * at top level (vLLM), `[{error:{...}}]` (Gemini's compatible endpoint),
 * `{error:"text"}` (Ollama), or plain text.
 */
export function extractSignals(body: unknown, extraText: readonly string[] = []): ErrorSignals {
  const codes: string[] = [];
  const texts: string[] = [...extraText];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 5 || node === null || node === undefined) return;
    if (typeof node === 'string') {
      texts.push(node);
      return;
    }
    if (Array.isArray(node)) {
      for (const item of node.slice(0, 5)) visit(item, depth + 1);
      return;
    }
    if (typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    for (const key of ['code', 'type', 'status', 'error_code']) {
      const value = record[key];
      if (typeof value === 'string') codes.push(value);
    }
    for (const key of ['message', 'detail', 'error', 'innererror', 'errors', 'details']) {
      if (key in record) visit(record[key], depth + 1);
    }
  };
  visit(body, 0);
  return { codes, text: texts.join('\n') };
}

/** First human-readable message in an error body, for the error's own message. */
export function extractMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() === '' ? undefined : body;
  if (Array.isArray(body)) return body.length > 0 ? extractMessage(body[0]) : undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (typeof record.message === 'string') return record.message;
  if ('error' in record) return extractMessage(record.error);
  if (typeof record.detail === 'string') return record.detail;
  return undefined;
}
