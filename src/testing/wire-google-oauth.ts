/**
 * Google's OAuth 2.0 token endpoint for service accounts (JWT bearer grant),
 * as google-auth-library calls it: a form body with `grant_type` and a
 * signed `assertion`. The fake checks the grant, the claims and, given the
 * key's public half, the RS256 signature.
 */
import { createVerify } from 'node:crypto';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';

export interface TokenGrant {
  readonly issuer?: string;
  readonly scope?: string;
  readonly signatureValid?: boolean;
  readonly problem?: string;
}

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  if (part === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export function checkTokenRequest(form: string, publicKeyPem: string | undefined, nowSeconds: number): TokenGrant {
  const params = new URLSearchParams(form);
  if (params.get('grant_type') !== JWT_BEARER_GRANT) return { problem: `unsupported grant_type ${params.get('grant_type') ?? '(none)'}` };
  const assertion = params.get('assertion') ?? '';
  const [head, payload, signature] = assertion.split('.');
  const header = decodePart(head);
  const claims = decodePart(payload);
  if (!header || !claims || signature === undefined) return { problem: 'assertion is not a JWT' };
  const grant = { issuer: String(claims.iss ?? ''), scope: String(claims.scope ?? '') };
  if (header.alg !== 'RS256') return { ...grant, problem: `assertion alg ${String(header.alg)}, expected RS256` };
  if (claims.aud !== TOKEN_AUDIENCE) return { ...grant, problem: `assertion aud ${String(claims.aud)}` };
  if (typeof claims.exp !== 'number' || claims.exp < nowSeconds) return { ...grant, problem: 'assertion expired' };
  if (publicKeyPem === undefined) return grant;
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${head}.${payload}`);
  const valid = verifier.verify(publicKeyPem, Buffer.from(signature, 'base64url'));
  return { ...grant, signatureValid: valid, ...(valid ? {} : { problem: 'assertion signature does not verify' }) };
}

export function oauthErrorBody(status: number, message: string): Record<string, unknown> {
  return { error: status === 401 || status === 400 ? 'invalid_grant' : 'server_error', error_description: message };
}
