/**
 * API keys in a config are either `os.environ/NAME` references, resolved by the
 * provider layer at call time, or literal secrets. Config loading never reads the
 * environment: a loaded config is safe to log and to hand to a Temporal workflow
 * as long as it holds references only. Literal keys are allowed for local use but
 * are recorded in `LoadedRouterConfig.literalSecrets`, so the durable path can refuse them.
 */
export const ENV_REF_PREFIX = 'os.environ/';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type SecretValue =
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'literal' }
  | { readonly kind: 'invalid-env'; readonly name: string };

export function classifySecret(value: string): SecretValue {
  if (!value.startsWith(ENV_REF_PREFIX)) return { kind: 'literal' };
  const name = value.slice(ENV_REF_PREFIX.length);
  return ENV_NAME.test(name) ? { kind: 'env', name } : { kind: 'invalid-env', name };
}

export function isEnvReference(value: string): boolean {
  return classifySecret(value).kind === 'env';
}

/** Where a literal secret sits, never the secret itself. */
export interface LiteralSecretLocation {
  readonly deploymentId: string;
  /** The deployment as written: `model_list[2] (model_name "gpt-4o")`. */
  readonly deployment: string;
  /** Config path, e.g. `model_list[3].litellm_params.api_key`. */
  readonly path: string;
  readonly field: 'apiKey' | 'headers' | 'awsKeys' | 'vertexCredentials';
}
