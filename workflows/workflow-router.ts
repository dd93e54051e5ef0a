// The routing core driven inside a workflow: workflow time (`Date.now()`) and
// the workflow's seeded `Math.random` feed the pure walker, each hop is its
// own activity execution with a summary, and cooldowns, latency and usage
// live in this object's state, which continue-as-new carries forward.
// Several requests may run at once (a batch): every core call is synchronous
// and reads and writes `state` in one go, so interleaving at awaits loses nothing.
import { ApplicationFailure, CancellationScope, condition, isCancellation, proxyActivities, sleep } from '@temporalio/workflow';
import {
  describeFallbacksExhausted,
  describeNoDeployments,
  emptyRouterState,
  nextAttempt,
  onAttemptResult,
  recordAttemptEnd,
  recordAttemptStart,
  recordFailure,
  startWalk,
  type AppliedCooldown,
  type AttemptStep,
  type GiveUpStep,
  type RouterState,
  type RoutingRequest,
  type WalkState,
} from '../src/core';
import type { ChatResponse, DeploymentParams } from '../src/providers/types';
import type { CallDeploymentInput, RouterActivities } from '../activities';
import { describeActivityFailure } from './failure-info';
import { RouterHealthLink } from './router-health-link';
import { hopActivityOptions, hopMaximumAttempts, DEFAULT_HOP_TIMEOUT_MS } from './hop-policy';
import { hopSummary } from './hop-summary';
import type { CarriedRoutingState, DurableRouterConfig, DurableRoutingMetadata, DurableRoutingOptions, HopRecord } from './types';

/** Failures of the input itself (see activities/call-deployment.ts), passed straight to the caller. */
const REQUEST_SIDE_ERRORS: readonly string[] = ['DocumentNotFoundError', 'DocumentUnreadableError', 'InvalidDocumentError', 'EmptyDocumentError', 'DocumentTooLargeError'];

/** Grace between the HTTP deadline and the activity's start-to-close, so the provider layer's own Timeout is what surfaces. */
const HOP_TIMEOUT_GRACE_MS = 2_000;

export interface WorkflowRouterListeners {
  onHopStart?(hop: { summary: string; step: AttemptStep }): void;
  onHopEnd?(hop: HopRecord): void;
  onCooldown?(cooldown: AppliedCooldown): void;
}

export interface RoutedResponse {
  response: ChatResponse;
  routing: DurableRoutingMetadata;
}

/**
 * A new run has no calls in flight, whatever the state it was handed says (a
 * caller may pass on the state of a run that was still busy); a stale count
 * would make a probing deployment look busy forever.
 */
function withNothingInFlight(state: RouterState): RouterState {
  const deployments: RouterState['deployments'] = {};
  for (const [id, ds] of Object.entries(state.deployments)) deployments[id] = ds.inFlight === 0 ? ds : { ...ds, inFlight: 0 };
  return { ...state, deployments };
}

export class WorkflowRouter {
  private state: RouterState;
  private readonly probing: Set<string>;
  /** Bumped whenever a call ends, so requests waiting on a probe can re-check. */
  private version = 0;
  /** Shared health across workflows (docs/health.md); null routes on this workflow's state alone. */
  private readonly health: RouterHealthLink | null;

  constructor(
    private readonly config: DurableRouterConfig,
    carried: CarriedRoutingState | undefined,
    private readonly options: DurableRoutingOptions = {},
    private readonly listeners: WorkflowRouterListeners = {},
  ) {
    this.state = carried === undefined ? emptyRouterState() : withNothingInFlight(carried.router);
    this.probing = new Set(carried?.probing ?? []);
    this.health = options.sharedHealth ? new RouterHealthLink({ ...options.sharedHealth, config: config.routing }) : null;
  }

  carry(): CarriedRoutingState {
    return { router: this.state, probing: [...this.probing] };
  }

  routerState(): RouterState {
    return this.state;
  }

  /** Lets the shared-health entity hear every outcome of this run; await it before the workflow closes or continues as new. */
  async flushHealth(): Promise<void> {
    const health = this.health;
    if (health === null) return;
    // Also on the way out of a cancelled workflow: the outcomes happened either way.
    await CancellationScope.nonCancellable(() => health.flush());
  }

  /**
   * One routed call: retries in the group, then fallbacks, as the walker says.
   * `makeInput` builds the activity input for the chosen deployment, so batch
   * callers can send a document reference instead of a request body.
   */
  async complete(
    request: RoutingRequest,
    makeInput: (deployment: DeploymentParams, priorHops: readonly HopRecord[]) => CallDeploymentInput,
    label?: string,
  ): Promise<RoutedResponse> {
    const routing = this.config.routing;
    const startedAt = Date.now();
    let walk: WalkState = startWalk(routing, request, startedAt);
    const hops: HopRecord[] = [];
    const cooldowns: AppliedCooldown[] = [];
    let calls = 0;

    for (;;) {
      if (this.health) {
        await this.health.sync();
        this.state = this.health.merge(this.state);
      }
      const hidden = this.busyProbes();
      const view = hidden.length === 0 ? this.state : this.hiding(hidden);
      const next = nextAttempt(routing, view, walk, Date.now(), Math.random);
      if (hidden.length > 0 && next.step.kind !== 'attempt') {
        // Only deployments being probed are left: wait for a probe to end rather than give up or pile on.
        const seen = this.version;
        await condition(() => this.version !== seen);
        continue;
      }
      this.state = hidden.length === 0 ? next.state : this.unhide(next.state, hidden);
      walk = next.walk;
      const step = next.step;
      if (step.kind === 'give-up') throw this.giveUp(step, hops);
      if (step.kind === 'wait') {
        await sleep(step.delayMs);
        continue;
      }
      if (step.delayMs > 0) await sleep(step.delayMs);

      const id = step.deploymentId;
      const params = this.config.params[id];
      if (params === undefined) throw ApplicationFailure.nonRetryable(`no call parameters for deployment "${id}"`, 'ConfigError');
      const probing = this.probing.has(id);
      const maximumAttempts = hopMaximumAttempts(routing, walk, step, probing, { state: this.state, now: Date.now() });
      const httpTimeout = step.timeoutMs ?? params.timeoutMs ?? this.options.hopTimeoutMs ?? DEFAULT_HOP_TIMEOUT_MS;
      const activityOptions = hopActivityOptions(routing, { ...step, timeoutMs: httpTimeout + HOP_TIMEOUT_GRACE_MS }, maximumAttempts, this.options);
      const summary = hopSummary(step, hops[hops.length - 1], label);
      this.listeners.onHopStart?.({ summary, step });
      const { callDeployment } = proxyActivities<RouterActivities>(activityOptions);
      const hopStarted = Date.now();
      const base = { hop: step.attemptNo, deployment: id, model: step.deployment.model, group: step.group, reason: step.reason, summary };

      let response: ChatResponse;
      try {
        response = await callDeployment.executeWithOptions({ summary }, [makeInput({ ...params, timeoutMs: httpTimeout }, hops)]);
      } catch (err) {
        if (isCancellation(err)) {
          this.state = recordAttemptEnd(routing, this.state, id, Date.now());
          this.version++;
          throw err;
        }
        const failure = describeActivityFailure(err);
        if (REQUEST_SIDE_ERRORS.includes(failure.errorClass)) {
          // The document, not the deployment, is at fault: nothing to record against it, nothing another deployment could fix.
          this.state = recordAttemptEnd(routing, this.state, id, Date.now());
          this.version++;
          throw err;
        }
        const attempts = failure.attempt ?? (failure.errorClass === 'Timeout' ? maximumAttempts : 1);
        calls += attempts;
        const now = Date.now();
        const outcome = {
          errorClass: failure.errorClass,
          ...(failure.status === undefined ? {} : { status: failure.status }),
          ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
        };
        // Earlier attempts inside the hop were real requests: count each toward allowed fails.
        for (let i = 1; i < attempts; i++) {
          const earlier = recordFailure(routing, recordAttemptStart(routing, this.state, id, now), id, outcome, now);
          this.health?.report(id, { ok: false, ...outcome });
          this.state = earlier.state;
          if (earlier.cooldown) this.cooled(earlier.cooldown, cooldowns);
        }
        // The RetryPolicy's calls were the group's retries: the walker counts them and adds none beyond its budget.
        const result = onAttemptResult(routing, this.state, walk, { ok: false, ...outcome, latencyMs: now - hopStarted }, now, attempts);
        this.health?.report(id, { ok: false, ...outcome, latencyMs: now - hopStarted });
        this.state = result.state;
        walk = result.walk;
        if (result.cooldown) this.cooled(result.cooldown, cooldowns);
        this.probing.add(id);
        this.version++;
        const hop: HopRecord = { ...base, outcome: 'failure', attempts, errorClass: failure.errorClass, message: failure.message, durationMs: now - hopStarted };
        if (failure.status !== undefined) hop.status = failure.status;
        hops.push(hop);
        this.listeners.onHopEnd?.(hop);
        continue;
      }

      const now = Date.now();
      const attempts = response.routing?.attempts ?? 1;
      calls += attempts;
      const success = {
        ok: true as const,
        latencyMs: response.routing?.latencyMs ?? now - hopStarted,
        ...(response.usage?.completion_tokens === undefined ? {} : { outputTokens: response.usage.completion_tokens }),
        ...(response.usage?.total_tokens === undefined ? {} : { totalTokens: response.usage.total_tokens }),
      };
      const result = onAttemptResult(routing, this.state, walk, success, now, attempts);
      this.health?.report(id, success);
      this.state = result.state;
      walk = result.walk;
      this.probing.delete(id);
      this.version++;
      const hop: HopRecord = { ...base, outcome: 'success', attempts, durationMs: now - hopStarted };
      hops.push(hop);
      this.listeners.onHopEnd?.(hop);
      const failedDeployments = [...new Set(hops.filter((h) => h.outcome === 'failure').map((h) => h.deployment))];
      const metadata: DurableRoutingMetadata = {
        requestedGroup: request.group,
        group: step.group,
        servedBy: id,
        model: step.deployment.model,
        provider: step.deployment.provider,
        attempts: calls,
        fallbackCount: hops.length - 1,
        fallbackPath: walk.groupPath,
        failedDeployments,
        hops,
        attemptLog: walk.attempts,
        cooldowns,
        latencyMs: now - startedAt,
      };
      if (response.routing?.costUsd !== undefined) metadata.costUsd = response.routing.costUsd;
      return { response, routing: metadata };
    }
  }

  private cooled(cooldown: AppliedCooldown, sink: AppliedCooldown[]): void {
    sink.push(cooldown);
    this.listeners.onCooldown?.(cooldown);
  }

  /** Suspect deployments with a call already in flight: nobody else may call them until it returns. */
  private busyProbes(): string[] {
    const busy: string[] = [];
    for (const id of this.probing) if ((this.state.deployments[id]?.inFlight ?? 0) > 0) busy.push(id);
    return busy;
  }

  /** A view in which busy probes look cooled down, so `pick` passes them over. */
  private hiding(ids: readonly string[]): RouterState {
    const now = Date.now();
    const deployments = { ...this.state.deployments };
    for (const id of ids) {
      const ds = deployments[id];
      if (ds !== undefined && ds.cooldownUntil <= now) deployments[id] = { ...ds, cooldownUntil: now + 1 };
    }
    return { ...this.state, deployments };
  }

  /** `nextAttempt` never writes to a deployment it did not pick, so the real records go straight back. */
  private unhide(state: RouterState, ids: readonly string[]): RouterState {
    const deployments = { ...state.deployments };
    for (const id of ids) {
      const real = this.state.deployments[id];
      if (real !== undefined) deployments[id] = real;
    }
    return { ...state, deployments };
  }

  private giveUp(step: GiveUpStep, hops: HopRecord[]): ApplicationFailure {
    const error = step.error;
    if (error.name === 'NoDeploymentsAvailableError') {
      const { name: _name, ...data } = error;
      return ApplicationFailure.create({ type: error.name, message: describeNoDeployments(data), nonRetryable: true, details: [{ ...data, hops }] });
    }
    const only = hops.length === 1 ? hops[0] : undefined;
    // A single non-retryable failure (a 400) is the request's fault: surface that class, as the in-process Router does.
    const type = only !== undefined && step.reason === 'non-retryable' && only.errorClass !== undefined ? only.errorClass : error.name;
    return ApplicationFailure.create({ type, message: describeFallbacksExhausted(error), nonRetryable: true, details: [{ ...error, hops }] });
  }
}
