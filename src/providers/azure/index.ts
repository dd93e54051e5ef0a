import type { OpenAiCompatibleProfile } from '../openai-compatible/profile';
import { openaiProfile } from '../openai';

// The model part of `azure/<name>` is the Azure deployment name; the SDK's
// AzureOpenAI client builds `/openai/deployments/<name>/...?api-version=`.
export const azureProfile: OpenAiCompatibleProfile = { ...openaiProfile, azure: true };
