import { FallbacksExhaustedError, NoDeploymentsAvailableError } from '../core/errors';
import type { CallFailure, GiveUp } from '../core/driver';
import type { AttemptRecord, FallbacksExhaustedData } from '../core/types';
import { classifyProviderError, createError, isErrorClassName, isLlmRouterError, type LlmRouterError, type MidStreamError } from '../errors';

/**
 * The router's give-up error: the core's FallbacksExhaustedError (same name and
 * marker, so `FallbacksExhaustedError.isInstance` holds) plus the error of
 * every failed attempt, in order.
 */
export class RouterFallbacksExhaustedError extends FallbacksExhaustedError {
  readonly errors: readonly LlmRouterError[];
  readonly lastError: LlmRouterError | undefined;

  constructor(data: FallbacksExhaustedData, errors: readonly LlmRouterError[]) {
    super(data);
    this.errors = errors;
    this.lastError = errors[errors.length - 1];
  }
}

/** What an error surfaced as-is (one attempt, or a non-retryable failure) says about the request's route. */
export interface ErrorRouting {
  readonly requestedGroup: string;
  readonly fallbackPath: readonly string[];
  readonly attemptLog: readonly AttemptRecord[];
}

const ROUTING = Symbol.for('temporal-llm-router.router.errorRouting');

export function attachRouting(error: LlmRouterError, routing: ErrorRouting): LlmRouterError {
  Object.defineProperty(error, ROUTING, { value: routing, enumerable: false, configurable: true });
  return error;
}

/** The attempts behind an error the router surfaced unchanged; undefined for errors it did not raise. */
export function routingOfError(error: unknown): ErrorRouting | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as Record<symbol, ErrorRouting | undefined>)[ROUTING];
}

/** The provider registry only throws taxonomy errors; anything else (a bug, a custom registry) is classified here. */
export function asRouterError(error: unknown, deploymentId: string, provider: string): LlmRouterError {
  if (isLlmRouterError(error)) return error;
  return classifyProviderError(error, { provider, deployment: deploymentId });
}

/** A failure's error as the taxonomy class it names, when the host kept no error object (it crossed a boundary). */
export function errorOfFailure(failure: CallFailure): LlmRouterError {
  if (isLlmRouterError(failure.error)) return failure.error;
  const name = isErrorClassName(failure.errorClass) ? failure.errorClass : 'APIError';
  return createError(name, failure.message, {
    ...(failure.status === undefined ? {} : { status: failure.status }),
    ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
    ...(failure.retryable === undefined ? {} : { retryable: failure.retryable }),
    ...(failure.deployment === undefined ? {} : { deployment: failure.deployment }),
    ...(failure.provider === undefined ? {} : { provider: failure.provider }),
    ...(failure.requestId === undefined ? {} : { requestId: failure.requestId }),
  }, failure.partialText === undefined ? {} : { partialText: failure.partialText });
}

/**
 * The error a caller sees when a request ends without an answer, the same on
 * every path: the provider's own error (with its route attached,
 * `routingOfError`) after one attempt or a failure that was the request's
 * fault; FallbacksExhaustedError listing every attempt; or
 * NoDeploymentsAvailableError when no call was possible.
 */
export function giveUpError(giveUp: GiveUp, now: number, errorOf: (failure: CallFailure) => LlmRouterError = errorOfFailure): LlmRouterError {
  if (giveUp.kind === 'no-deployments') {
    const { name: _name, ...data } = giveUp.data;
    return new NoDeploymentsAvailableError(data, now);
  }
  if (giveUp.kind === 'provider') {
    const { data } = giveUp;
    return attachRouting(errorOf(giveUp.failure), { requestedGroup: data.requestedGroup, fallbackPath: data.groupPath, attemptLog: data.attempts });
  }
  return new RouterFallbacksExhaustedError(giveUp.data, giveUp.failures.map(errorOf));
}

/** A failed call as the driver records it; the error object itself is kept to be thrown. */
export function failureOf(error: LlmRouterError, latencyMs: number): CallFailure {
  // `retryable` goes along: a server's x-should-retry may say otherwise than the class.
  const failure: CallFailure = { ok: false, errorClass: error.name, message: error.message, latencyMs, retryable: error.retryable, error };
  if (error.status !== undefined) failure.status = error.status;
  if (error.retryAfterMs !== undefined) failure.retryAfterMs = error.retryAfterMs;
  const cause = (error as Partial<MidStreamError>).causeClass;
  if (error.name === 'MidStreamError' && cause !== undefined) failure.causeClass = cause;
  return failure;
}
