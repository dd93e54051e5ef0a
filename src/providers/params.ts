import { UnsupportedParamsError } from '../errors';
import type { ChatRequest } from './types';

export interface UnsupportedParam {
  readonly param: keyof ChatRequest;
  readonly reason: string;
}

/**
 * Fails before any HTTP call when the request uses a parameter the provider
 * cannot honour, or drops those parameters when the deployment sets
 * `drop_params` (the table in docs/routing.md).
 */
export function applyParamSupport(
  request: ChatRequest,
  unsupported: readonly UnsupportedParam[],
  options: { dropParams?: boolean; provider: string; deployment: string },
): ChatRequest {
  if (unsupported.length === 0) return request;
  if (options.dropParams) {
    const copy: ChatRequest = { ...request };
    for (const { param } of unsupported) delete copy[param];
    return copy;
  }
  const detail = unsupported.map((u) => `${u.param} (${u.reason})`).join(', ');
  throw new UnsupportedParamsError(
    `${options.provider} (${options.deployment}): unsupported parameters: ${detail}; remove them or set drop_params: true on the deployment`,
    unsupported.map((u) => u.param),
    { provider: options.provider, deployment: options.deployment, status: 400, retryable: false },
  );
}

/** The request's explicit output cap, else the deployment's default. */
export function effectiveMaxTokens(request: ChatRequest, deploymentDefault: number | undefined): number | undefined {
  return request.max_completion_tokens ?? request.max_tokens ?? deploymentDefault;
}
