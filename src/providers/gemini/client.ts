import type { GoogleGenAI } from '@google/genai';
import { genAiSdk } from '../../lazy-modules';
import type { ResolvedDeployment } from '../resolve';
import type { VertexAuth } from '../vertex_ai/auth';

/**
 * A GoogleGenAI client for one deployment: the Gemini API with the key as
 * `x-goog-api-key`, or Vertex AI with a Google OAuth client. No
 * `retryOptions`, so the SDK makes exactly one attempt, as every SDK here must.
 */
export function createGenAiClient(target: ResolvedDeployment, vertex?: VertexAuth): GoogleGenAI {
  const httpOptions = { baseUrl: target.apiBase, headers: target.headers, timeout: target.timeoutMs };
  if (vertex) {
    return new (genAiSdk().GoogleGenAI)({ vertexai: true, project: vertex.project, location: vertex.location, googleAuthOptions: { authClient: vertex.authClient }, httpOptions });
  }
  return new (genAiSdk().GoogleGenAI)({ apiKey: target.apiKey ?? '', httpOptions });
}
