// One factory for the taxonomy: an error of a named class, built from a
// classification (classify.ts) or rebuilt from its plain data after it
// crossed a boundary (a Temporal failure, a gateway's JSON), so callers get
// the same classes whichever path raised them.
import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  BadGatewayError,
  BadRequestError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  InternalServerError,
  MidStreamError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestAbortedError,
  ServiceUnavailableError,
  Timeout,
  UnprocessableEntityError,
  UnsupportedParamsError,
  type ErrorClassName,
  type LlmRouterError,
  type LlmRouterErrorData,
  type LlmRouterErrorInit,
} from './classes';

type ProviderErrorClassName = Exclude<ErrorClassName, 'FallbacksExhaustedError' | 'NoDeploymentsAvailableError'>;

const CONSTRUCTORS: Record<Exclude<ProviderErrorClassName, 'UnsupportedParamsError' | 'MidStreamError'>, new (message: string, init?: LlmRouterErrorInit) => LlmRouterError> = {
  BadRequestError,
  ContextWindowExceededError,
  ContentPolicyViolationError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  Timeout,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  BadGatewayError,
  ServiceUnavailableError,
  APIConnectionError,
  RequestAbortedError,
  APIError,
};

export interface CreateErrorExtras {
  /** MidStreamError: the text already delivered. */
  partialText?: string;
  /** MidStreamError: the class the failure would have had before the first chunk. */
  causeClass?: ErrorClassName;
  /** UnsupportedParamsError: the parameters refused. */
  params?: readonly string[];
}

/**
 * An error of class `name`. The router's own give-up errors need their
 * routing data and are built by the core (`FallbacksExhaustedError`,
 * `NoDeploymentsAvailableError`); asked for one of them here, the result is
 * an APIError carrying the message.
 */
export function createError(name: ErrorClassName, message: string, init: LlmRouterErrorInit = {}, extras: CreateErrorExtras = {}): LlmRouterError {
  if (name === 'MidStreamError') {
    return new MidStreamError(message, extras.partialText ?? '', { ...init, ...(extras.causeClass === undefined ? {} : { causeClass: extras.causeClass }) });
  }
  if (name === 'UnsupportedParamsError') return new UnsupportedParamsError(message, extras.params ?? [], init);
  const Ctor = name === 'FallbacksExhaustedError' || name === 'NoDeploymentsAvailableError' ? APIError : CONSTRUCTORS[name];
  return new Ctor(message, init);
}

/** Rebuilds an error from `error.toJSON()` (or any object of that shape), keeping its class, status and retryability. */
export function errorFromData(data: LlmRouterErrorData): LlmRouterError {
  const init: LlmRouterErrorInit = { retryable: data.retryable };
  if (data.status !== undefined) init.status = data.status;
  if (data.provider !== undefined) init.provider = data.provider;
  if (data.deployment !== undefined) init.deployment = data.deployment;
  if (data.retryAfterMs !== undefined) init.retryAfterMs = data.retryAfterMs;
  if (data.body !== undefined) init.body = data.body;
  if (data.requestId !== undefined) init.requestId = data.requestId;
  return createError(data.name, data.message, init, data.partialText === undefined ? {} : { partialText: data.partialText });
}
