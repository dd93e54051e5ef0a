// How the router treats each error class. One table, read by the cooldown
// rules and by the walker, so "does it cool" and "is it retried" never drift
// apart. docs/routing.md is the prose version of this table.
import type { ErrorClassName, FallbackKind, PerErrorClass } from './types';

export interface ErrorBehaviour {
  /** Counts toward allowed fails and the failure rate: the deployment, not the request, is suspect. */
  counts: boolean;
  /** Cools at once: 'always', 'multi' (when the group has a peer, or the provider sent Retry-After), 'never'. */
  immediate: 'always' | 'multi' | 'never';
  /** May be retried on the same deployment (transient). */
  retrySame: boolean;
  /** May be retried on a peer deployment of the same group. */
  retryPeer: boolean;
  fallback: FallbackKind;
}

const TRANSIENT: ErrorBehaviour = { counts: true, immediate: 'never', retrySame: true, retryPeer: true, fallback: 'generic' };
const MISCONFIGURED: ErrorBehaviour = { counts: true, immediate: 'always', retrySame: false, retryPeer: true, fallback: 'generic' };
const CALLER_FAULT: ErrorBehaviour = { counts: false, immediate: 'never', retrySame: false, retryPeer: false, fallback: 'none' };

export const ERROR_BEHAVIOUR: Record<ErrorClassName, ErrorBehaviour> = {
  BadRequestError: CALLER_FAULT,
  UnprocessableEntityError: CALLER_FAULT,
  RequestAbortedError: CALLER_FAULT,
  // Another provider may accept the parameter, the same model will not.
  UnsupportedParamsError: { counts: false, immediate: 'never', retrySame: false, retryPeer: false, fallback: 'generic' },
  // A peer with a larger window may hold it; the walker restricts peers to larger windows.
  ContextWindowExceededError: { counts: false, immediate: 'never', retrySame: false, retryPeer: true, fallback: 'context-window' },
  // Peers usually share the model and its filter; go straight to the content-policy list.
  ContentPolicyViolationError: { counts: false, immediate: 'never', retrySame: false, retryPeer: false, fallback: 'content-policy' },
  AuthenticationError: MISCONFIGURED,
  PermissionDeniedError: MISCONFIGURED,
  NotFoundError: MISCONFIGURED,
  RateLimitError: { counts: true, immediate: 'multi', retrySame: true, retryPeer: true, fallback: 'generic' },
  Timeout: TRANSIENT,
  InternalServerError: TRANSIENT,
  BadGatewayError: TRANSIENT,
  ServiceUnavailableError: TRANSIENT,
  APIConnectionError: TRANSIENT,
  MidStreamError: TRANSIENT,
  APIError: TRANSIENT,
};

/** Policy lookups fall back from a subclass to its parent, as LiteLLM's policy keys name parents only. */
const PARENT: Partial<Record<ErrorClassName, ErrorClassName>> = {
  ContextWindowExceededError: 'BadRequestError',
  ContentPolicyViolationError: 'BadRequestError',
  UnsupportedParamsError: 'BadRequestError',
  BadGatewayError: 'InternalServerError',
  ServiceUnavailableError: 'InternalServerError',
};

function isKnown(name: string): name is ErrorClassName {
  return Object.prototype.hasOwnProperty.call(ERROR_BEHAVIOUR, name);
}

/** Names we do not know are classified by status, so a newer provider layer cannot confuse an older core. */
export function classifyErrorName(name: string, status: number | undefined | null): ErrorClassName {
  if (isKnown(name)) return name;
  if (status === undefined || status === null) return 'APIError';
  switch (status) {
    case 400: return 'BadRequestError';
    case 401: return 'AuthenticationError';
    case 403: return 'PermissionDeniedError';
    case 404: return 'NotFoundError';
    case 408: return 'Timeout';
    case 422: return 'UnprocessableEntityError';
    case 429: return 'RateLimitError';
    case 502: return 'BadGatewayError';
    case 503: return 'ServiceUnavailableError';
    default:
      if (status >= 500) return 'InternalServerError';
      // 409, 413 and other 4xx: treat as transient like the provider layer's APIError.
      return 'APIError';
  }
}

export function behaviourOf(cls: ErrorClassName, status?: number | null): ErrorBehaviour {
  // An unclassified 4xx (413, 415, …) is the request's fault, as the provider layer's retryability says.
  if (cls === 'APIError' && typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 409 && status !== 429) {
    return CALLER_FAULT;
  }
  return ERROR_BEHAVIOUR[cls];
}

export function policyValue(policy: PerErrorClass, cls: ErrorClassName): number | undefined {
  const own = policy[cls];
  if (own !== undefined) return own;
  const parent = PARENT[cls];
  return parent === undefined ? undefined : policy[parent];
}
