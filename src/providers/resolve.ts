import { DEFAULT_CALL_TIMEOUT_MS } from '../core/defaults';
import { AuthenticationError, BadRequestError } from '../errors';
import { getProviderSpec, type ProviderSpec } from './catalog';
import { parseModelString, type ProviderId } from './model-string';
import type { DeploymentParams } from './types';

/** LiteLLM's default request timeout (600 s), the core's, so the provider layer and the walker's step timeouts agree. */
export const DEFAULT_TIMEOUT_MS = DEFAULT_CALL_TIMEOUT_MS;
export const ENV_REFERENCE_PREFIX = 'os.environ/';

export type Env = Readonly<Record<string, string | undefined>>;

/** A deployment with its secrets resolved: lives only for one call, never serialised. */
export interface ResolvedDeployment {
  readonly deployment: DeploymentParams;
  readonly spec: ProviderSpec;
  readonly provider: ProviderId;
  /** Provider-side model name (Azure: deployment name). */
  readonly model: string;
  readonly apiKey: string | undefined;
  readonly apiBase: string;
  readonly apiVersion: string | undefined;
  readonly headers: Record<string, string>;
  readonly timeoutMs: number;
  /** Bedrock: region and credentials (absent credentials: the AWS default chain). */
  readonly aws?: ResolvedAws;
  /** Vertex AI: project, location and the service-account key (absent: Application Default Credentials). */
  readonly vertex?: ResolvedVertex;
}

export interface ResolvedAws {
  readonly region: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  readonly profile?: string;
}

export interface ResolvedVertex {
  /** Undefined: taken from the service-account key's `project_id`. */
  readonly project?: string;
  readonly location: string;
  /** A key file path or the key JSON itself. */
  readonly credentials?: string;
}

/** LiteLLM's default Vertex location. */
export const DEFAULT_VERTEX_LOCATION = 'us-central1';

function envReference(value: string): string | undefined {
  return value.startsWith(ENV_REFERENCE_PREFIX) ? value.slice(ENV_REFERENCE_PREFIX.length) : undefined;
}

/**
 * Resolves `os.environ/NAME` references at call time. A missing variable is
 * an AuthenticationError naming the variable (for keys) so that routing can
 * move on to another deployment instead of crashing the worker.
 */
export function resolveDeployment(deployment: DeploymentParams, env: Env): ResolvedDeployment {
  const parsed = parseModelString(deployment.model);
  const spec = getProviderSpec(parsed.provider);
  const ctx = { provider: parsed.provider, deployment: deployment.id };
  const where = `deployment "${deployment.id}" (${deployment.model})`;

  let apiKey: string | undefined;
  if (deployment.apiKey !== undefined) {
    const name = envReference(deployment.apiKey);
    if (name === undefined) {
      apiKey = deployment.apiKey;
    } else {
      apiKey = env[name];
      if (apiKey === undefined || apiKey === '') {
        throw new AuthenticationError(`${where}: api_key refers to environment variable ${name}, which is not set`, ctx);
      }
    }
  } else if (spec.apiKeyEnv !== undefined) {
    apiKey = env[spec.apiKeyEnv];
    if ((apiKey === undefined || apiKey === '') && !spec.apiKeyOptional) {
      throw new AuthenticationError(`${where}: no api_key given and environment variable ${spec.apiKeyEnv} is not set`, ctx);
    }
    if (apiKey === '') apiKey = undefined;
  }

  const optional = (value: string | undefined, field: string): string | undefined => {
    if (value === undefined) return undefined;
    const name = envReference(value);
    if (name === undefined) return value;
    const resolved = env[name];
    if (resolved === undefined || resolved === '') throw new AuthenticationError(`${where}: ${field} refers to environment variable ${name}, which is not set`, ctx);
    return resolved;
  };
  let aws: ResolvedAws | undefined;
  let vertex: ResolvedVertex | undefined;
  let cloudBase: string | undefined;
  if (parsed.provider === 'bedrock') {
    aws = resolveAws(deployment, env, optional, where, ctx);
    cloudBase = `https://bedrock-runtime.${aws.region}.amazonaws.com`;
  } else if (parsed.provider === 'vertex_ai') {
    const v = deployment.vertex ?? {};
    const location = optional(v.location, 'vertex_location') || env.VERTEXAI_LOCATION || env.GOOGLE_CLOUD_LOCATION || DEFAULT_VERTEX_LOCATION;
    const project = optional(v.project, 'vertex_project') || env.VERTEXAI_PROJECT || env.GOOGLE_CLOUD_PROJECT || undefined;
    const credentials = optional(v.credentials, 'vertex_credentials') || env.VERTEXAI_CREDENTIALS || undefined;
    vertex = { location, ...(project ? { project } : {}), ...(credentials ? { credentials } : {}) };
    cloudBase = location === 'global' ? 'https://aiplatform.googleapis.com' : `https://${location}-aiplatform.googleapis.com`;
  }

  let apiBase: string | undefined;
  if (deployment.apiBase !== undefined) {
    const name = envReference(deployment.apiBase);
    apiBase = name === undefined ? deployment.apiBase : env[name];
    if (apiBase === undefined || apiBase === '') {
      throw new BadRequestError(`${where}: api_base refers to environment variable ${name ?? ''}, which is not set`, ctx);
    }
  } else {
    apiBase = (spec.apiBaseEnv !== undefined ? env[spec.apiBaseEnv] : undefined) || spec.defaultApiBase || cloudBase;
  }
  if (apiBase === undefined || apiBase === '') {
    throw new BadRequestError(`${where}: provider "${parsed.provider}" has no default endpoint; set api_base`, ctx);
  }

  let apiVersion = deployment.apiVersion;
  if (apiVersion !== undefined) {
    const name = envReference(apiVersion);
    if (name !== undefined) apiVersion = env[name];
  }
  if (spec.requiresApiVersion) apiVersion = apiVersion || env.AZURE_API_VERSION || spec.defaultApiVersion;

  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(deployment.headers ?? {})) {
    const name = envReference(value);
    const resolved = name === undefined ? value : env[name];
    if (resolved !== undefined) headers[key] = resolved;
  }

  return {
    deployment,
    spec,
    provider: parsed.provider,
    model: parsed.model,
    apiKey,
    apiBase: apiBase.replace(/\/+$/, ''),
    apiVersion,
    headers,
    timeoutMs: deployment.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(aws ? { aws } : {}),
    ...(vertex ? { vertex } : {}),
  };
}

/**
 * Keys written on the deployment win; then the registry's environment (so a
 * test or a worker can pass its own); then, with neither, the SDK walks the
 * AWS default chain itself (profile, SSO, web identity, instance metadata).
 */
function resolveAws(
  deployment: DeploymentParams,
  env: Env,
  optional: (value: string | undefined, field: string) => string | undefined,
  where: string,
  ctx: { provider: string; deployment: string },
): ResolvedAws {
  const a = deployment.aws ?? {};
  const region = optional(a.regionName, 'aws_region_name') || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) throw new BadRequestError(`${where}: no AWS region; set aws_region_name or AWS_REGION`, ctx);
  const profile = optional(a.profileName, 'aws_profile_name');
  const accessKeyId = optional(a.accessKeyId, 'aws_access_key_id');
  const secretAccessKey = optional(a.secretAccessKey, 'aws_secret_access_key');
  const sessionToken = optional(a.sessionToken, 'aws_session_token');
  if (accessKeyId !== undefined || secretAccessKey !== undefined) {
    if (!accessKeyId || !secretAccessKey) throw new AuthenticationError(`${where}: aws_access_key_id and aws_secret_access_key must be set together`, ctx);
    return { region, credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } };
  }
  if (profile === undefined && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    const token = env.AWS_SESSION_TOKEN;
    return { region, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(token ? { sessionToken: token } : {}) } };
  }
  return { region, ...(profile ? { profile } : {}) };
}
