// THE table of error behaviour, keyed by our error class. Everything that
// asks "what does this error mean" reads it: the classes' default
// `retryable`, the classifier's status → class mapping, the walker (retry on
// the same deployment, move to a peer, which fallback list), the cooldown
// rules, the Temporal failure conversion and the gateway's HTTP status. The
// decision table in docs/routing.md is its prose form. Pure data: the routing
// core imports it inside the workflow sandbox.
import type { ErrorClassName } from './classes';

/** Which fallback list an error leads to ('none': the request itself is at fault, stop). */
export type FallbackKind = 'context-window' | 'content-policy' | 'generic' | 'none';

export interface ErrorBehaviour {
  /**
   * The HTTP status a gateway answers with for this class. A provider refusing
   * the gateway's own credentials or model (401, 403, 404) is the gateway's
   * misconfiguration, not the caller's, so it is a 502: no client mistakes it
   * for a wrong gateway key. Errors the request itself caused keep their 4xx.
   */
  status: number;
  /** Counts toward allowed fails and the failure rate: the deployment, not the request, is suspect. */
  counts: boolean;
  /** Cools at once: 'always', 'multi' (when the group has a peer, or the provider sent Retry-After), 'never'. */
  immediate: 'always' | 'multi' | 'never';
  /** Calling the same deployment again may succeed (transient); the default of `error.retryable`. */
  retrySame: boolean;
  /** A peer deployment of the same group may succeed. */
  retryPeer: boolean;
  fallback: FallbackKind;
  /** Policy lookups (`retry_policy`, `allowed_fails_policy`) fall back to this class, as LiteLLM's keys name parents only. */
  parent?: ErrorClassName;
}

const TRANSIENT = { counts: true, immediate: 'never', retrySame: true, retryPeer: true, fallback: 'generic' } as const;
const MISCONFIGURED = { counts: true, immediate: 'always', retrySame: false, retryPeer: true, fallback: 'generic' } as const;
const CALLER_FAULT = { counts: false, immediate: 'never', retrySame: false, retryPeer: false, fallback: 'none' } as const;

export const ERROR_BEHAVIOUR: Readonly<Record<ErrorClassName, ErrorBehaviour>> = {
  BadRequestError: { status: 400, ...CALLER_FAULT },
  UnprocessableEntityError: { status: 422, ...CALLER_FAULT },
  // 499: the client closed the request (nginx's convention), never the deployment's fault.
  RequestAbortedError: { status: 499, ...CALLER_FAULT },
  // Another provider may accept the parameter, the same model will not.
  UnsupportedParamsError: { status: 400, counts: false, immediate: 'never', retrySame: false, retryPeer: false, fallback: 'generic', parent: 'BadRequestError' },
  // A peer with a larger window may hold it; the walker restricts peers to larger windows.
  ContextWindowExceededError: { status: 400, counts: false, immediate: 'never', retrySame: false, retryPeer: true, fallback: 'context-window', parent: 'BadRequestError' },
  // Peers usually share the model and its filter; go straight to the content-policy list.
  ContentPolicyViolationError: { status: 400, counts: false, immediate: 'never', retrySame: false, retryPeer: false, fallback: 'content-policy', parent: 'BadRequestError' },
  AuthenticationError: { status: 502, ...MISCONFIGURED },
  PermissionDeniedError: { status: 502, ...MISCONFIGURED },
  NotFoundError: { status: 502, ...MISCONFIGURED },
  RateLimitError: { status: 429, counts: true, immediate: 'multi', retrySame: true, retryPeer: true, fallback: 'generic' },
  Timeout: { status: 504, ...TRANSIENT },
  InternalServerError: { status: 502, ...TRANSIENT },
  BadGatewayError: { status: 502, ...TRANSIENT, parent: 'InternalServerError' },
  ServiceUnavailableError: { status: 503, ...TRANSIENT, parent: 'InternalServerError' },
  APIConnectionError: { status: 502, ...TRANSIENT },
  // The deployment cut a stream it had started: a peer continues, the same deployment is not asked again.
  MidStreamError: { status: 502, counts: true, immediate: 'never', retrySame: false, retryPeer: true, fallback: 'generic' },
  APIError: { status: 502, ...TRANSIENT },
  // Raised by the router itself, never by a provider call: they end a request.
  FallbacksExhaustedError: { status: 503, ...CALLER_FAULT },
  NoDeploymentsAvailableError: { status: 503, ...CALLER_FAULT, retrySame: true },
};

/** Status → class. Statuses not listed: other 5xx are InternalServerError, other 4xx APIError. */
const CLASS_BY_STATUS: Readonly<Record<number, ErrorClassName>> = {
  400: 'BadRequestError',
  401: 'AuthenticationError',
  403: 'PermissionDeniedError',
  404: 'NotFoundError',
  408: 'Timeout',
  422: 'UnprocessableEntityError',
  429: 'RateLimitError',
  500: 'InternalServerError',
  502: 'BadGatewayError',
  503: 'ServiceUnavailableError',
  // A gateway timeout is a timeout; Anthropic's 529 "overloaded" is a 503 by another number.
  504: 'Timeout',
  529: 'ServiceUnavailableError',
};

export function classForStatus(status: number): ErrorClassName {
  return CLASS_BY_STATUS[status] ?? (status >= 500 ? 'InternalServerError' : 'APIError');
}

/** 408, 409, 429 and every 5xx are worth another attempt; other 4xx are not. */
export function isRetryableStatus(status: number): boolean {
  return behaviourOf(classForStatus(status), status).retrySame;
}

/**
 * The behaviour of a class, given the status it came with: an unclassified
 * 4xx (413, 415, …) is the request's fault, a 409 (conflict) is transient.
 */
export function behaviourOf(cls: ErrorClassName, status?: number | null): ErrorBehaviour {
  if (cls === 'APIError' && typeof status === 'number' && status >= 400 && status < 500 && status !== 409) return UNCLASSIFIED_4XX;
  return ERROR_BEHAVIOUR[cls];
}

const UNCLASSIFIED_4XX: ErrorBehaviour = { status: 502, ...CALLER_FAULT };
