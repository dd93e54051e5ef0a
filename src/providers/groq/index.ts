import type { OpenAiCompatibleProfile } from '../openai-compatible/profile';

export const groqProfile: OpenAiCompatibleProfile = {
  unsupportedParams(request) {
    return request.n !== undefined && request.n !== 1 ? [{ param: 'n', reason: 'Groq only supports n=1' }] : [];
  },
};
