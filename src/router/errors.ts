import { FallbacksExhaustedError } from '../core/errors';
import type { AttemptRecord, FallbacksExhaustedData } from '../core/types';
import { classifyProviderError, isLlmRouterError, type LlmRouterError } from '../errors';

/**
 * The router's give-up error: the core's FallbacksExhaustedError (same name and
 * marker, so `FallbacksExhaustedError.isInstance` holds) plus the original error
 * of every failed attempt, in order.
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
