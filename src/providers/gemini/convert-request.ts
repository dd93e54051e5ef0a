import type { Content, GenerateContentConfig, Part, Tool, ToolConfig } from '@google/genai';
import { genAiSdk } from '../../lazy-modules';
import { BadRequestError } from '../../errors';
import { mediaOf, thinkingBudget } from '../content';
import { applyParamSupport, effectiveMaxTokens, type UnsupportedParam } from '../params';
import type { ResolvedDeployment } from '../resolve';
import type { ChatMessage, ChatRequest, ContentPart, TextContentPart } from '../types';

type Ctx = { provider: string; deployment: string };

function textOf(content: string | TextContentPart[] | null | undefined): string {
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

function userParts(content: string | ContentPart[], ctx: Ctx): Part[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  return content.flatMap((part): Part[] => {
    if (part.type === 'text') return part.text === '' ? [] : [{ text: part.text }];
    const media = mediaOf(part);
    if (!media) return [];
    if (media.kind === 'inline') return [{ inlineData: { mimeType: media.mimeType, data: media.data } }];
    if (media.mimeType === undefined) {
      throw new BadRequestError(`${ctx.provider} (${ctx.deployment}): cannot tell the media type of ${media.url.slice(0, 80)}; send a data: URL or set format`, { ...ctx, status: 400 });
    }
    return [{ fileData: { fileUri: media.url, mimeType: media.mimeType } }];
  });
}

function parseArguments(raw: string, ctx: Ctx): Record<string, unknown> {
  if (raw.trim() === '') return {};
  try {
    const value = JSON.parse(raw) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    throw new BadRequestError(`${ctx.provider} (${ctx.deployment}): tool call arguments are not valid JSON: ${raw.slice(0, 80)}`, { ...ctx, status: 400 });
  }
}

/**
 * OpenAI messages → Gemini `contents` and `systemInstruction`. Gemini names
 * a function response by the function's name, not the call id, so the names
 * are looked up from the assistant turns; consecutive same-role turns merge.
 */
export function convertContents(messages: readonly ChatMessage[], ctx: Ctx): { contents: Content[]; system?: Content } {
  const systemParts: Part[] = [];
  const contents: Content[] = [];
  const callNames = new Map<string, string>();
  const push = (role: 'user' | 'model', parts: Part[]): void => {
    if (parts.length === 0) return;
    const previous = contents[contents.length - 1];
    if (previous && previous.role === role) previous.parts?.push(...parts);
    else contents.push({ role, parts });
  };
  for (const message of messages) {
    switch (message.role) {
      case 'system':
      case 'developer':
        // Kept as separate parts, not flattened into one string.
        if (typeof message.content === 'string') {
          if (message.content !== '') systemParts.push({ text: message.content });
        } else {
          for (const p of message.content) if (p.text !== '') systemParts.push({ text: p.text });
        }
        break;
      case 'user':
        push('user', userParts(message.content, ctx));
        break;
      case 'assistant': {
        const parts: Part[] = [];
        const text = textOf(message.content);
        if (text !== '') parts.push({ text });
        for (const call of message.tool_calls ?? []) {
          callNames.set(call.id, call.function.name);
          parts.push({ functionCall: { id: call.id, name: call.function.name, args: parseArguments(call.function.arguments, ctx) } });
        }
        push('model', parts);
        break;
      }
      case 'tool': {
        const name = callNames.get(message.tool_call_id) ?? message.tool_call_id;
        push('user', [{ functionResponse: { id: message.tool_call_id, name, response: { content: textOf(message.content) } } }]);
        break;
      }
    }
  }
  return { contents, ...(systemParts.length > 0 ? { system: { role: 'user', parts: systemParts } } : {}) };
}

export function unsupportedForGemini(request: ChatRequest): UnsupportedParam[] {
  const out: UnsupportedParam[] = [];
  if (request.parallel_tool_calls === false) out.push({ param: 'parallel_tool_calls', reason: 'Gemini cannot forbid parallel function calls' });
  return out;
}

function toolConfigOf(request: ChatRequest): ToolConfig | undefined {
  const choice = request.tool_choice;
  if (choice === undefined) return undefined;
  const { FunctionCallingConfigMode } = genAiSdk();
  if (choice === 'none') return { functionCallingConfig: { mode: FunctionCallingConfigMode.NONE } };
  if (choice === 'auto') return { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } };
  if (choice === 'required') return { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } };
  return { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: [choice.function.name] } };
}

export interface GeminiParams {
  contents: Content[];
  config: GenerateContentConfig;
}

/** The `generateContent` parameters for a request (the SDK turns them into the REST body). */
export function toGeminiParams(original: ChatRequest, target: ResolvedDeployment): GeminiParams {
  const ctx = { provider: target.provider, deployment: target.deployment.id };
  const request = applyParamSupport(original, unsupportedForGemini(original), { ...ctx, dropParams: target.deployment.dropParams });
  const { contents, system } = convertContents(request.messages, ctx);
  const config: GenerateContentConfig = {};
  if (system) config.systemInstruction = system;
  const maxTokens = effectiveMaxTokens(request, target.deployment.maxTokens);
  if (maxTokens !== undefined) config.maxOutputTokens = maxTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.top_p !== undefined) config.topP = request.top_p;
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.presence_penalty !== undefined) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty !== undefined) config.frequencyPenalty = request.frequency_penalty;
  if (request.n !== undefined) config.candidateCount = request.n;
  if (request.stop !== undefined) config.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  const budget = thinkingBudget(request);
  if (budget !== undefined) config.thinkingConfig = budget === 0 ? { thinkingBudget: 0 } : { thinkingBudget: budget, includeThoughts: true };

  const format = request.response_format;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    if (format.json_schema.schema !== undefined) config.responseJsonSchema = format.json_schema.schema;
  }
  if (request.tools && request.tools.length > 0) {
    const tools: Tool[] = [
      {
        functionDeclarations: request.tools.map((t) => ({
          name: t.function.name,
          ...(t.function.description !== undefined ? { description: t.function.description } : {}),
          ...(t.function.parameters !== undefined ? { parametersJsonSchema: t.function.parameters } : {}),
        })),
      },
    ];
    config.tools = tools;
    const toolConfig = toolConfigOf(request);
    if (toolConfig) config.toolConfig = toolConfig;
  }
  return { contents, config };
}
