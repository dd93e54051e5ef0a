// S3 client settings from the environment a worker runs in. Everything here is
// read inside the worker (activities), never written into workflow history:
// a batch carries `s3://bucket/key` locations only.
import type { S3ClientConfig } from '@aws-sdk/client-s3';

/** Used when a custom endpoint is set and no region is: self-hosted S3 servers accept any region, and the SDK insists on one. */
export const DEFAULT_S3_REGION = 'us-east-1';
/**
 * Attempts per storage request (the SDK's standard retry, with backoff). More
 * than the SDK's 3: a document whose read still fails becomes a per-document
 * DocumentUnreadableError, and a storage fault must never be retried through
 * the provider hop, where it would count against a deployment.
 */
export const DEFAULT_S3_MAX_ATTEMPTS = 5;

/** The variables read, besides the SDK's own credential chain (profiles, SSO, web identity, instance roles). */
export const S3_ENV = {
  endpoint: ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'],
  ignoreEndpoints: 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  region: ['AWS_REGION', 'AWS_DEFAULT_REGION'],
  pathStyle: ['AWS_S3_FORCE_PATH_STYLE', 'LLM_ROUTER_S3_FORCE_PATH_STYLE'],
  maxAttempts: 'AWS_MAX_ATTEMPTS',
} as const;

function first(env: NodeJS.ProcessEnv, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

function flag(name: string, value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new Error(`${name}=${value}: expected true or false`);
}

/**
 * `S3Client` settings from `env`:
 * - endpoint: `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL` (both ignored when
 *   `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true); none means AWS itself;
 * - region: `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the profile's, else
 *   `us-east-1` when an endpoint is set;
 * - path-style addressing (`http://host/bucket/key`): `AWS_S3_FORCE_PATH_STYLE`
 *   (or `LLM_ROUTER_S3_FORCE_PATH_STYLE`), default on with a custom endpoint
 *   (what self-hosted servers need) and off for AWS;
 * - credentials: `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` /
 *   `AWS_SESSION_TOKEN` in `env`, else the SDK's default chain (`AWS_PROFILE`,
 *   SSO, web identity, instance roles);
 * - attempts per request: `AWS_MAX_ATTEMPTS`, default {@link DEFAULT_S3_MAX_ATTEMPTS}.
 * Throws one line naming a malformed variable.
 */
export function s3ClientConfigFromEnv(env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  const ignore = env[S3_ENV.ignoreEndpoints] ? flag(S3_ENV.ignoreEndpoints, env[S3_ENV.ignoreEndpoints] as string) : false;
  const endpoint = ignore ? undefined : first(env, S3_ENV.endpoint);
  if (endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(endpoint.value);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new Error(`${endpoint.name}=${endpoint.value}: not an http(s) URL`);
    }
  }
  const region = first(env, S3_ENV.region)?.value ?? (endpoint === undefined ? undefined : DEFAULT_S3_REGION);
  const pathStyle = first(env, S3_ENV.pathStyle);
  const forcePathStyle = pathStyle === undefined ? endpoint !== undefined : flag(pathStyle.name, pathStyle.value);
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    throw new Error(`${accessKeyId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID'} is not set, but ${accessKeyId ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY'} is`);
  }
  const sessionToken = env.AWS_SESSION_TOKEN?.trim();
  const attempts = env[S3_ENV.maxAttempts]?.trim();
  if (attempts !== undefined && attempts !== '' && !/^[1-9]\d*$/.test(attempts)) throw new Error(`${S3_ENV.maxAttempts}=${attempts}: expected a positive integer`);
  return {
    maxAttempts: attempts ? Number(attempts) : DEFAULT_S3_MAX_ATTEMPTS,
    ...(endpoint === undefined ? {} : {
      endpoint: endpoint.value,
      // S3-compatible servers differ in which of the SDK's newer default
      // checksums they accept; send them only where the API requires one.
      requestChecksumCalculation: 'WHEN_REQUIRED' as const,
      responseChecksumValidation: 'WHEN_REQUIRED' as const,
    }),
    ...(region === undefined ? {} : { region }),
    forcePathStyle,
    ...(accessKeyId && secretAccessKey
      ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } }
      : {}),
  };
}

/** Where a config sends requests, for messages ("cannot reach the S3 endpoint …"). */
export function describeEndpoint(config: S3ClientConfig): string {
  return typeof config.endpoint === 'string' ? config.endpoint : `AWS S3${typeof config.region === 'string' ? ` (${config.region})` : ''}`;
}
