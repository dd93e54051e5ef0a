export {
  LLM_ROUTER_ERROR_MARKER,
  ERROR_CLASS_NAMES,
  BAD_REQUEST_FAMILY,
  LlmRouterError,
  BadRequestError,
  ContextWindowExceededError,
  ContentPolicyViolationError,
  UnsupportedParamsError,
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
  MidStreamError,
  RequestAbortedError,
  APIError,
} from './classes';
export type { ErrorClassName, LlmRouterErrorInit, LlmRouterErrorData } from './classes';
export { classifyProviderError, errorFromStatus } from './classify';
export { createError, errorFromData } from './factory';
export type { CreateErrorExtras } from './factory';
export { ERROR_BEHAVIOUR, behaviourOf, classForStatus } from './table';
export type { ErrorBehaviour, FallbackKind } from './table';
export type { ClassifyContext } from './classify';
export { isLlmRouterError, isErrorClassName, errorClassOf } from './guards';
export { isRetryableError, isRetryableStatus } from './retryable';
export { parseRetryAfterMs, parseShouldRetry, MAX_RETRY_AFTER_MS } from './retry-after';
export type { HeadersLike } from './retry-after';
export {
  CONTEXT_WINDOW_RULES,
  CONTENT_POLICY_RULES,
  extractSignals,
  extractMessage,
  isContextWindowSignal,
  isContentPolicySignal,
} from './detection';
export type { DetectionRule, ErrorSignals } from './detection';
