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
}

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

  let apiBase: string | undefined;
  if (deployment.apiBase !== undefined) {
    const name = envReference(deployment.apiBase);
    apiBase = name === undefined ? deployment.apiBase : env[name];
    if (apiBase === undefined || apiBase === '') {
      throw new BadRequestError(`${where}: api_base refers to environment variable ${name ?? ''}, which is not set`, ctx);
    }
  } else {
    apiBase = (spec.apiBaseEnv !== undefined ? env[spec.apiBaseEnv] : undefined) || spec.defaultApiBase;
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
  };
}
