import type { OpenAiCompatibleProfile } from '../openai-compatible/profile';
import type { UnsupportedParam } from '../params';

// Reasoning models (o1, o3, o4-mini, gpt-5 family) only accept the default
// sampling settings and take their output cap as `max_completion_tokens`.
const REASONING_MODEL = /^(o\d|gpt-5)/;

export const openaiProfile: OpenAiCompatibleProfile = {
  unsupportedParams(request, model) {
    if (!REASONING_MODEL.test(model)) return [];
    const out: UnsupportedParam[] = [];
    if (request.temperature !== undefined && request.temperature !== 1) out.push({ param: 'temperature', reason: `${model} only supports the default temperature` });
    if (request.top_p !== undefined && request.top_p !== 1) out.push({ param: 'top_p', reason: `${model} only supports the default top_p` });
    return out;
  },
  adjustBody(body, model) {
    if (!REASONING_MODEL.test(model) || body.max_tokens === undefined) return body;
    const { max_tokens, ...rest } = body;
    return { ...rest, max_completion_tokens: rest.max_completion_tokens ?? max_tokens };
  },
};
