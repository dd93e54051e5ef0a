import type { OpenAiCompatibleProfile } from '../openai-compatible/profile';

// vLLM's OpenAI server; `api_base` is required and a key is optional (`--api-key`).
export const hostedVllmProfile: OpenAiCompatibleProfile = {};
