// The in-process Router: the pure routing core driven in this process.
export { Router } from './router';
export type { RouterConfigInput } from './router';
export { RouterFallbacksExhaustedError, routingOfError } from './errors';
export type { ErrorRouting } from './errors';
export type {
  RouterOptions,
  RouterRequest,
  RouterCallOptions,
  RouterResponse,
  RouterChunk,
  RouterMetadata,
  RouterEvents,
  AttemptEvent,
  SuccessEvent,
  FailureEvent,
  CooldownEvent,
  FallbackEvent,
} from './types';
