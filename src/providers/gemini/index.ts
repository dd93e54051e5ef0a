import type { OpenAiCompatibleProfile } from '../openai-compatible/profile';

// Google's OpenAI-compatible endpoint (`/v1beta/openai`). Nothing to adapt in
// the request; its error bodies come as a one-element array, which the error
// classifier reads from the raw body the transport keeps.
export const geminiProfile: OpenAiCompatibleProfile = {};
