import type { OpenAiCompatibleProfile } from '../openai-compatible/profile';

// Plain OpenAI-compatible endpoint: the catalog entry (base URL, key variable) is all it needs.
export const openrouterProfile: OpenAiCompatibleProfile = {};
