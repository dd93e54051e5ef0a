import type { OpenAiCompatibleProfile } from '../openai-compatible/profile';

// Ollama's OpenAI-compatible `/v1` endpoint; it needs no key.
export const ollamaProfile: OpenAiCompatibleProfile = {};
