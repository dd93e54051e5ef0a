import type { OpenAiCompatibleProfile } from '../openai-compatible/profile';

export const mistralProfile: OpenAiCompatibleProfile = {
  // Mistral names the sampling seed `random_seed`.
  adjustBody(body) {
    if (body.seed === undefined) return body;
    const { seed, ...rest } = body;
    return { ...rest, random_seed: seed };
  },
};
