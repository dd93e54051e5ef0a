import { NoDeploymentsAvailableError } from '../core/errors';
import { recordAttemptEnd } from '../core/record';
import type { AttemptStep, GiveUpStep, RouterConfig, RouterState, RoutingRequest, SuccessOutcome, WalkState } from '../core/types';
import { nextAttempt, onAttemptResult, startWalk } from '../core/walker';
import type { LlmRouterError } from '../errors';
import type { RoutingMetadata } from '../providers/types';
import { RouterFallbacksExhaustedError, attachRouting } from './errors';
import type { RouterEventEmitter } from './events';
import type { RouterMetadata, SuccessEvent } from './types';

/** What a request run needs from its router: shared state lives there, behind get/set. */
export interface RunContext {
  readonly config: RouterConfig;
  readonly events: RouterEventEmitter;
  readonly now: () => number;
  readonly random: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  getState(): RouterState;
  setState(state: RouterState): void;
}

/**
 * One request's walk through the core's step machine. Every core call is
 * synchronous and reads the router's latest state and writes it straight
 * back, so concurrent requests interleave at awaits without losing updates.
 */
export class RequestRun {
  private walk: WalkState;
  private readonly errors: LlmRouterError[] = [];
  readonly startedAt: number;

  constructor(
    private readonly ctx: RunContext,
    readonly requestId: number,
    private readonly request: RoutingRequest,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.startedAt = ctx.now();
    this.walk = startWalk(ctx.config, request, this.startedAt);
  }

  get requestedGroup(): string {
    return this.request.group;
  }

  /** The next call to make, after any backoff or cooldown wait; throws the final error when the walk gives up. */
  async next(): Promise<AttemptStep> {
    const { ctx } = this;
    for (;;) {
      const result = nextAttempt(ctx.config, ctx.getState(), this.walk, ctx.now(), ctx.random);
      ctx.setState(result.state);
      this.walk = result.walk;
      const step = result.step;
      if (step.kind === 'give-up') throw this.giveUpError(step.error);
      if (step.kind === 'wait') {
        await ctx.sleep(step.delayMs, this.signal);
        continue;
      }
      this.announce(step);
      if (step.delayMs > 0) {
        try {
          await ctx.sleep(step.delayMs, this.signal);
        } catch (error) {
          // The attempt was counted as started; the caller gave up before it was made.
          ctx.setState(recordAttemptEnd(ctx.config, ctx.getState(), step.deploymentId, ctx.now()));
          throw error;
        }
      }
      return step;
    }
  }

  private announce(step: AttemptStep): void {
    const { events } = this.ctx;
    if (step.reason === 'fallback' && events.has('fallback')) {
      const path = this.walk.groupPath;
      events.emit('fallback', {
        requestId: this.requestId,
        requestedGroup: this.request.group,
        from: path[path.length - 2] ?? this.request.group,
        to: step.group,
        errorClass: this.walk.lastError?.errorClass ?? null,
      });
    }
    if (events.has('attempt')) {
      events.emit('attempt', {
        requestId: this.requestId,
        requestedGroup: this.request.group,
        attemptNo: step.attemptNo,
        group: step.group,
        deploymentId: step.deploymentId,
        reason: step.reason,
        isFallback: step.isFallback,
        delayMs: step.delayMs,
        stream: this.request.stream === true,
      });
    }
  }

  failed(step: AttemptStep, error: LlmRouterError, latencyMs: number, errorClass: string = error.name): void {
    const { ctx } = this;
    this.errors.push(error);
    const outcome = onAttemptResult(
      ctx.config,
      ctx.getState(),
      this.walk,
      {
        ok: false,
        errorClass,
        latencyMs,
        ...(error.status === undefined ? {} : { status: error.status }),
        ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      },
      ctx.now(),
    );
    ctx.setState(outcome.state);
    this.walk = outcome.walk;
    const base = { requestId: this.requestId, requestedGroup: this.request.group };
    ctx.events.emit('failure', { ...base, attemptNo: step.attemptNo, group: step.group, deploymentId: step.deploymentId, error, latencyMs });
    if (outcome.cooldown) ctx.events.emit('cooldown', { ...base, ...outcome.cooldown });
  }

  succeeded(step: AttemptStep, provider: RoutingMetadata, outputTokens: number | undefined, totalTokens: number | undefined): RouterMetadata {
    const { ctx } = this;
    const latencyMs = provider.latencyMs;
    // Built field by field: spreading one object into another and then adding
    // keys costs V8 a slow object clone, which showed up as most of the
    // Router's own time per call in bench/router.ts.
    const result: { ok: true } & SuccessOutcome = { ok: true, latencyMs, stream: this.request.stream === true };
    if (provider.timeToFirstTokenMs !== undefined) result.ttftMs = provider.timeToFirstTokenMs;
    if (outputTokens !== undefined) result.outputTokens = outputTokens;
    if (totalTokens !== undefined) result.totalTokens = totalTokens;
    const outcome = onAttemptResult(ctx.config, ctx.getState(), this.walk, result, ctx.now());
    ctx.setState(outcome.state);
    this.walk = outcome.walk;
    if (ctx.events.has('success')) {
      const event: SuccessEvent = {
        requestId: this.requestId,
        requestedGroup: this.request.group,
        attemptNo: step.attemptNo,
        group: step.group,
        deploymentId: step.deploymentId,
        latencyMs,
        ...(provider.costUsd === undefined ? {} : { costUsd: provider.costUsd }),
      };
      ctx.events.emit('success', event);
    }
    const routing: RouterMetadata = {
      provider: provider.provider,
      deployment: provider.deployment,
      model: provider.model,
      requestedGroup: this.request.group,
      group: step.group,
      attempts: this.walk.attempts.length,
      attemptLog: this.walk.attempts,
      fallbackPath: this.walk.groupPath,
      latencyMs: ctx.now() - this.startedAt,
      attemptLatencyMs: latencyMs,
      decision: step.explanation,
    };
    if (provider.timeToFirstTokenMs !== undefined) routing.timeToFirstTokenMs = provider.timeToFirstTokenMs;
    if (provider.costUsd !== undefined) routing.costUsd = provider.costUsd;
    if (this.walk.complexity !== null) routing.complexity = this.walk.complexity;
    return routing;
  }

  /** The caller stopped reading a stream: the call ends without counting for or against the deployment. */
  abandoned(step: AttemptStep): void {
    this.ctx.setState(recordAttemptEnd(this.ctx.config, this.ctx.getState(), step.deploymentId, this.ctx.now()));
  }

  /**
   * The error the caller sees. A request that made one call, or ended on a
   * non-retryable error (a 400: the request itself must change), gets that
   * provider error unchanged, with its route attached (`routingOfError`).
   * Anything longer gets FallbacksExhaustedError listing every attempt.
   */
  private giveUpError(error: GiveUpStep['error']): Error {
    if (error.name === 'NoDeploymentsAvailableError') {
      const { name: _name, ...data } = error;
      return new NoDeploymentsAvailableError(data, this.ctx.now());
    }
    const last = this.errors[this.errors.length - 1];
    if (last !== undefined && (this.errors.length === 1 || error.reason === 'non-retryable')) {
      return attachRouting(last, { requestedGroup: this.request.group, fallbackPath: error.groupPath, attemptLog: error.attempts });
    }
    return new RouterFallbacksExhaustedError(error, this.errors.slice());
  }
}
