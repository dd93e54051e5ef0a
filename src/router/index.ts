// The in-process Router: a host of the core's one driver, in this process.
export { Router } from './router';
export type { RouterConfigInput } from './router';
export { RouterFallbacksExhaustedError, routingOfError } from './errors';
export type { ErrorRouting } from './errors';
export { attemptResultOf } from './shared-health';
export type { SharedHealthSource } from './shared-health';
export type {
  RouterOptions,
  RouterRequest,
  RouterCallOptions,
  RouterResponse,
  RouterEmbeddingRequest,
  RouterEmbeddingResponse,
  RouterChunk,
  RouterEvents,
  AttemptEvent,
  SuccessEvent,
  FailureEvent,
  CooldownEvent,
  FallbackEvent,
  WaitEvent,
} from './types';
