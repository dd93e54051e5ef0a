// The in-process Router's seam for health shared with other routers (other
// gateway replicas, durable jobs). The Router knows nothing of where the
// shared health lives: a source gives it a view to lay over its own state
// before each pick, and hears every call it finishes. The Temporal-backed
// source (`src/temporal/health/router-source.ts`) is the routerHealth
// entity read and told through a process's HealthAgent.
import type { CallFailure, CallSuccess } from '../core/driver';
import type { SharedHealthView } from '../core/shared-state';
import type { AttemptResult } from '../core/types';

export interface SharedHealthSource {
  /**
   * What is known elsewhere (cooldowns, suspects, usage), laid over this
   * router's state before each pick: the later cooldown wins. A promise only
   * while the first read is pending, so a router's first call sees what the
   * fleet knows. Never rejects: unreachable, it returns what it has.
   */
  view(): SharedHealthView | Promise<SharedHealthView>;
  /**
   * One call of this router has ended. Called before the router records it,
   * never awaited; a failure must be passed on at once, so a deployment this
   * router cools is skipped by the others within one round trip.
   */
  report(deploymentId: string, result: AttemptResult, at: number): void;
}

/** The outcome the shared health judges, from a call's result (field by field: it runs on every call). */
export function attemptResultOf<T>(result: CallSuccess<T> | CallFailure): AttemptResult {
  if (result.ok) {
    const outcome: AttemptResult = { ok: true, latencyMs: result.latencyMs };
    if (result.ttftMs !== undefined) outcome.ttftMs = result.ttftMs;
    if (result.outputTokens !== undefined) outcome.outputTokens = result.outputTokens;
    if (result.totalTokens !== undefined) outcome.totalTokens = result.totalTokens;
    if (result.stream !== undefined) outcome.stream = result.stream;
    return outcome;
  }
  const outcome: AttemptResult = { ok: false, errorClass: result.errorClass, latencyMs: result.latencyMs };
  if (result.status !== undefined) outcome.status = result.status;
  if (result.retryAfterMs !== undefined) outcome.retryAfterMs = result.retryAfterMs;
  if (result.retryable !== undefined) outcome.retryable = result.retryable;
  if (result.causeClass !== undefined) outcome.causeClass = result.causeClass;
  return outcome;
}
