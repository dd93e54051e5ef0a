/**
 * Gemini's REST wire (the Gemini API and Vertex AI speak the same JSON):
 * generateContent, streamGenerateContent with `alt=sse`, embeddings, and
 * Google's error body.
 */
import { type CannedInput, type CannedReply, fakeTokens } from './canned';
import { textPieces } from './wire-openai';

type Json = Record<string, unknown>;

function partsText(parts: unknown): { text: string; functionResponse: boolean } {
  if (!Array.isArray(parts)) return { text: '', functionResponse: false };
  const texts: string[] = [];
  let functionResponse = false;
  for (const part of parts as Json[]) {
    if (typeof part.text === 'string') texts.push(part.text);
    const response = part.functionResponse as Json | undefined;
    if (response) {
      functionResponse = true;
      const content = (response.response as Json | undefined)?.content;
      texts.push(typeof content === 'string' ? content : JSON.stringify(response.response ?? {}));
    }
  }
  return { text: texts.join('\n'), functionResponse };
}

export function geminiCannedInput(body: Json, route: string): CannedInput {
  const contents = Array.isArray(body.contents) ? (body.contents as Json[]) : [];
  const system = partsText((body.systemInstruction as Json | undefined)?.parts).text;
  const messages: CannedInput['messages'] = system ? [{ role: 'system', text: system }] : [];
  for (const c of contents) {
    const { text, functionResponse } = partsText(c.parts);
    messages.push({ role: functionResponse ? 'tool' : c.role === 'model' ? 'assistant' : 'user', text });
  }
  const declarations = (Array.isArray(body.tools) ? (body.tools as Json[]) : []).flatMap((t) => (Array.isArray(t.functionDeclarations) ? (t.functionDeclarations as Json[]) : []));
  const calling = ((body.toolConfig as Json | undefined)?.functionCallingConfig ?? {}) as Json;
  const allowed = Array.isArray(calling.allowedFunctionNames) ? (calling.allowedFunctionNames as string[]) : [];
  const generation = (body.generationConfig ?? {}) as Json;
  let json: CannedInput['json'];
  if (generation.responseMimeType === 'application/json') json = { schema: generation.responseJsonSchema ?? generation.responseSchema };
  return {
    messages,
    tools: declarations.map((d) => ({ name: String(d.name), schema: d.parametersJsonSchema ?? d.parameters })),
    forcedTool: calling.mode === 'ANY' ? (allowed[0] ?? String(declarations[0]?.name ?? '')) : undefined,
    toolsDisabled: calling.mode === 'NONE',
    json,
    route,
  };
}

export interface GeminiRenderOptions {
  id: string;
  model: string;
  /** Gemini `finishReason`; `PROMPT_BLOCKED` answers with `promptFeedback.blockReason` and no candidates. */
  finishReason?: string;
  cachedTokens: number;
  promptText: string;
}

function usage(reply: CannedReply, o: GeminiRenderOptions, complete = true): Json {
  const prompt = fakeTokens(o.promptText);
  const candidates = complete ? fakeTokens(reply.text + JSON.stringify(reply.toolCalls)) : 0;
  return { promptTokenCount: prompt, candidatesTokenCount: candidates, totalTokenCount: prompt + candidates, cachedContentTokenCount: o.cachedTokens };
}

function finishReason(o: GeminiRenderOptions): string {
  return o.finishReason ?? 'STOP';
}

function parts(reply: CannedReply): Json[] {
  const out: Json[] = [];
  if (reply.text !== '') out.push({ text: reply.text });
  for (const call of reply.toolCalls) out.push({ functionCall: { name: call.name, args: call.input } });
  return out;
}

function blocked(reply: CannedReply, o: GeminiRenderOptions): Json {
  return { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: usage(reply, o, false), modelVersion: o.model, responseId: o.id };
}

export function geminiResponse(reply: CannedReply, o: GeminiRenderOptions): Json {
  if (o.finishReason === 'PROMPT_BLOCKED') return blocked(reply, o);
  const safety = o.finishReason === 'SAFETY';
  return {
    candidates: [
      {
        content: { role: 'model', parts: safety ? [] : parts(reply) },
        finishReason: finishReason(o),
        index: 0,
        ...(safety ? { safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }] } : {}),
      },
    ],
    usageMetadata: usage(reply, o),
    modelVersion: o.model,
    responseId: o.id,
  };
}

/** The JSON payloads of an `alt=sse` stream: text word by word, function calls whole, usage on the last. */
export function geminiStreamChunks(reply: CannedReply, o: GeminiRenderOptions): Array<{ data: Json; content: boolean }> {
  if (o.finishReason === 'PROMPT_BLOCKED') return [{ data: blocked(reply, o), content: false }];
  const base = { modelVersion: o.model, responseId: o.id };
  const out: Array<{ data: Json; content: boolean }> = [];
  const candidate = (p: Json[], extra: Json = {}): Json => ({ content: { role: 'model', parts: p }, index: 0, ...extra });
  for (const piece of o.finishReason === 'SAFETY' ? [] : textPieces(reply.text)) {
    out.push({ data: { ...base, candidates: [candidate([{ text: piece }])], usageMetadata: usage(reply, o, false) }, content: true });
  }
  for (const call of reply.toolCalls) {
    out.push({ data: { ...base, candidates: [candidate([{ functionCall: { name: call.name, args: call.input } }])] }, content: true });
  }
  out.push({ data: { ...base, candidates: [candidate([], { finishReason: finishReason(o) })], usageMetadata: usage(reply, o) }, content: false });
  return out;
}

const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function geminiErrorBody(status: number, message: string): Json {
  return { error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN' } };
}

/** A deterministic unit-free vector for a text: the same text always embeds the same. */
export function fakeVector(text: string, dimensions: number): number[] {
  let h = 2166136261;
  const out: number[] = [];
  for (let i = 0; i < dimensions; i += 1) {
    for (const ch of `${i}:${text}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out.push(Number(((h / 0xffffffff) * 2 - 1).toFixed(6)));
  }
  return out;
}

/** Default size of fake embeddings when the request names none. */
export const FAKE_EMBEDDING_DIMENSIONS = 8;

/** `:batchEmbedContents` (Gemini API), `:embedContent` and Vertex `:predict` bodies → their answers. */
export function geminiEmbedResponse(body: Json, method: string): Json {
  if (method === 'predict') {
    const instances = Array.isArray(body.instances) ? (body.instances as Json[]) : [];
    const dims = Number((body.parameters as Json | undefined)?.outputDimensionality ?? FAKE_EMBEDDING_DIMENSIONS);
    return {
      predictions: instances.map((i) => ({ embeddings: { values: fakeVector(String(i.content ?? ''), dims), statistics: { token_count: fakeTokens(String(i.content ?? '')), truncated: false } } })),
    };
  }
  const requests = method === 'batchEmbedContents' ? (Array.isArray(body.requests) ? (body.requests as Json[]) : []) : [body];
  return {
    embeddings: requests.map((r) => {
      const text = partsText((r.content as Json | undefined)?.parts).text;
      return { values: fakeVector(text, Number(r.outputDimensionality ?? FAKE_EMBEDDING_DIMENSIONS)) };
    }),
  };
}
