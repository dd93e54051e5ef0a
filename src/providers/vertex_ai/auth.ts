import { readFileSync } from 'node:fs';
import type { AuthClient } from 'google-auth-library';
import { AuthenticationError } from '../../errors';
import type { ResolvedDeployment } from '../resolve';
import { googleAuthLibrary } from '../../lazy-modules';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** Where google-auth-library always sends the JWT exchange, whatever the key file says. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

interface ServiceAccountKey {
  type?: string;
  client_email?: string;
  private_key?: string;
  private_key_id?: string;
  project_id?: string;
  token_uri?: string;
}

export interface VertexAuth {
  readonly authClient: AuthClient;
  readonly project: string;
  readonly location: string;
}

function readKey(source: string, ctx: { provider: string; deployment: string }): ServiceAccountKey {
  const text = source.trimStart().startsWith('{') ? source : readKeyFile(source, ctx);
  try {
    return JSON.parse(text) as ServiceAccountKey;
  } catch {
    throw new AuthenticationError(`${ctx.provider} (${ctx.deployment}): vertex_credentials is not valid service-account JSON`, ctx);
  }
}

function readKeyFile(path: string, ctx: { provider: string; deployment: string }): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new AuthenticationError(`${ctx.provider} (${ctx.deployment}): cannot read vertex_credentials file ${path}${typeof code === 'string' ? ` (${code})` : ''}`, ctx);
  }
}

/**
 * google-auth-library ignores a key's `token_uri` and always posts to
 * Google's endpoint; a key minted for another endpoint (a private or test
 * token service) names it there, so we honour it.
 */
function tokenUriFetch(tokenUri: string): typeof fetch {
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return fetch(url === GOOGLE_TOKEN_URL ? tokenUri : input, init);
  };
}

/**
 * Credentials for a Vertex deployment: a service-account key (path or JSON)
 * when `vertex_credentials` gives one, else Application Default Credentials.
 * The project falls back to the key's `project_id`.
 */
export async function vertexAuth(target: ResolvedDeployment): Promise<VertexAuth> {
  const ctx = { provider: target.provider, deployment: target.deployment.id };
  const vertex = target.vertex ?? { location: 'us-central1' };
  if (vertex.credentials !== undefined) {
    const key = readKey(vertex.credentials, ctx);
    if (key.client_email === undefined || key.private_key === undefined) {
      throw new AuthenticationError(`${ctx.provider} (${ctx.deployment}): vertex_credentials lacks client_email or private_key (type "${key.type ?? 'unknown'}"; only service-account keys are read here)`, ctx);
    }
    const project = vertex.project ?? key.project_id;
    if (project === undefined) throw new AuthenticationError(`${ctx.provider} (${ctx.deployment}): no vertex_project and the key has no project_id`, ctx);
    const custom = key.token_uri !== undefined && key.token_uri !== GOOGLE_TOKEN_URL;
    const authClient = new (googleAuthLibrary().JWT)({
      email: key.client_email,
      key: key.private_key,
      ...(key.private_key_id ? { keyId: key.private_key_id } : {}),
      scopes: [CLOUD_PLATFORM_SCOPE],
      ...(custom ? { transporterOptions: { fetchImplementation: tokenUriFetch(key.token_uri as string) } } : {}),
    });
    return { authClient, project, location: vertex.location };
  }
  const auth = new (googleAuthLibrary().GoogleAuth)({ scopes: [CLOUD_PLATFORM_SCOPE] });
  const authClient = await auth.getClient();
  const project = vertex.project ?? (await auth.getProjectId().catch(() => undefined));
  if (project === undefined) throw new AuthenticationError(`${ctx.provider} (${ctx.deployment}): set vertex_project (Application Default Credentials name no project)`, ctx);
  return { authClient, project, location: vertex.location };
}
