// The routing workflow's host of the core's one driver (src/core/driver.ts):
// workflow time and the workflow's seeded Math.random feed it, waits are
// workflow timers, and each provider call is its own activity execution with
// a summary. Cooldowns, latency and usage live in this object's state, which
// continue-as-new carries forward. Several requests may run at once (a
// batch): every core call is synchronous and reads and writes `state` in one
// go, so interleaving at awaits loses nothing.
import { CancellationScope, condition, isCancellation, patched, proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import {
  emptyRouterState,
  mergeShared,
  paramsForDeployment,
  runWalk,
  type SharedHealthView,
  type AttemptStep,
  type CallFailure,
  type CallResult,
  type RouterConfig,
  type RouterState,
  type RoutingMetadata,
  type RoutingRequest,
  type WalkEvent,
  type WalkHost,
  type WalkState,
} from '../src/core';
import type { ChatResponse, DeploymentParams, EmbeddingRequest, EmbeddingResponse } from '../src/providers/types';
import { giveUpFailure } from '../src/temporal/to-application-failure';
import type { CallDeploymentInput, CallDeploymentResult, CallHealth, EmbedDeploymentInput, RouterActivities } from '../activities';
import { describeActivityFailure, type HopFailure } from './failure-info';
import { hopActivityOptions, hopRunsLocally, localHopActivityOptions } from './hop-policy';
import { hopSummary } from './hop-summary';
import { RouterHealthLink } from './router-health-link';
import { ROUTING_ENGINE, type CarriedRoutingState, type DurableRouterConfig, type DurableRoutingOptions } from './types';

/**
 * Workflows first run on code older than this patch keep its rules to the
 * end of the run (`settings.compat`): a hop's RetryPolicy retried provider
 * errors itself, and a lost worker counted as a Timeout.
 */
export const ENGINE_V2_PATCH = 'engine-v2';

/** Runs that asked for `latency` durability on code older than this patch kept normal activities to the end. */
export const LATENCY_HOPS_PATCH = 'latency-hops';

/** Failures of the input itself (see activities/call-deployment.ts), passed straight to the caller. */
const REQUEST_SIDE_ERRORS: readonly string[] = ['DocumentNotFoundError', 'DocumentUnreadableError', 'InvalidDocumentError', 'EmptyDocumentError', 'DocumentTooLargeError', 'DocumentTokenCapError'];

export interface WorkflowRouterListeners {
  /** Every routing event, as the in-process Router emits them. */
  onEvent?(event: WalkEvent): void;
  /** A hop is about to be scheduled, with the summary the UI shows for it. */
  onHopStart?(summary: string, step: AttemptStep): void;
}

export interface RoutedResponse {
  response: ChatResponse;
  routing: RoutingMetadata;
}

/** Builds the activity input for the chosen deployment; batches send a document reference instead of a request body. */
export type MakeCallInput = (deployment: DeploymentParams, walk: WalkState) => CallDeploymentInput;

/**
 * A new run has no calls in flight, whatever the state it was handed says (a
 * caller may pass on the state of a run that was still busy); a stale count
 * would make a probing deployment look busy forever. Deployments a run of the
 * older rules kept in its `probing` list are suspects, as the core now says.
 */
function carriedState(carried: CarriedRoutingState | undefined): RouterState {
  if (carried === undefined) return emptyRouterState();
  const suspects = new Set(carried.probing ?? []);
  const deployments: RouterState['deployments'] = {};
  for (const [id, ds] of Object.entries(carried.router.deployments)) {
    const next = ds.inFlight === 0 ? { ...ds } : { ...ds, inFlight: 0 };
    if (suspects.has(id)) next.suspect = true;
    deployments[id] = next;
  }
  return { deployments };
}

export class WorkflowRouter {
  private state: RouterState;
  /** Bumped whenever a call ends, so requests waiting on a probe can pick again. */
  private version = 0;
  /** Runs of the older rules read and report shared health through this link; newer ones through each hop's activity. */
  private readonly health: RouterHealthLink | null;
  private readonly callHealth: CallHealth | undefined;
  private readonly routing: RouterConfig;
  /** This run follows the rules it started under before the `engine-v2` patch. */
  readonly v1: boolean;
  /** The run's input names the current engine (`ROUTING_ENGINE`): its rules, and no patch checks. */
  readonly engineFromInput: boolean;
  /** Hops may run as local activities (`latency` mode, on code that has the `latency-hops` patch). */
  private readonly localHops: boolean;

  constructor(
    private readonly config: DurableRouterConfig,
    carried: CarriedRoutingState | undefined,
    private readonly options: DurableRoutingOptions = {},
    private readonly listeners: WorkflowRouterListeners = {},
  ) {
    // A client that names the engine spares the run its patch markers (see ROUTING_ENGINE); others ask.
    this.engineFromInput = (options.engine ?? 0) >= ROUTING_ENGINE;
    this.v1 = !this.engineFromInput && !patched(ENGINE_V2_PATCH);
    this.routing = this.v1 ? { ...config.routing, settings: { ...config.routing.settings, compat: 'v1' } } : config.routing;
    this.state = carriedState(carried);
    const shared = options.sharedHealth || undefined;
    this.health = shared !== undefined && this.v1 ? new RouterHealthLink({ ...shared, config: config.routing }) : null;
    this.callHealth = shared !== undefined && !this.v1 ? { routerName: shared.routerName } : undefined;
    // Asked only in latency mode, so standard runs carry no marker for it.
    this.localHops = !this.v1 && options.durability === 'latency' && (this.engineFromInput || patched(LATENCY_HOPS_PATCH));
  }

  carry(): CarriedRoutingState {
    return { router: this.state };
  }

  routerState(): RouterState {
    return this.state;
  }

  /** Lays the shared health a hop brought back over this workflow's state (deterministic: it comes from history). */
  private learn(view: SharedHealthView | undefined): void {
    if (view !== undefined) this.state = mergeShared(this.state, view);
  }

  /**
   * Whether flushHealth() has anything to do: only runs of the older rules,
   * which share health through a link of their own, have. A request's
   * workflow asks first, since even an await of nothing costs a sandbox
   * promise, and the SDK captures a stack trace for each one it creates.
   */
  get healthToFlush(): boolean {
    return this.health !== null;
  }

  /** Lets the shared-health entity hear every outcome of this run; await it before the workflow closes or continues as new. */
  async flushHealth(): Promise<void> {
    const health = this.health;
    if (health === null) return;
    // Also on the way out of a cancelled workflow: the outcomes happened either way.
    await CancellationScope.nonCancellable(() => health.flush());
  }

  /** One routed call: the driver's walk, each call a hop activity; a request that gets no answer fails with the router's error. */
  async complete(request: RoutingRequest, makeInput: MakeCallInput, label?: string): Promise<RoutedResponse> {
    const outcome = await runWalk(this.host<ChatResponse>((step, walk) => this.hop(step, walk, makeInput, label)), this.routing, request);
    if (!outcome.ok) throw giveUpFailure(outcome.giveUp);
    return { response: outcome.value, routing: outcome.routing };
  }

  /** Routed embeddings: the same driver, groups, cooldowns, budgets and fallbacks; each call an `embedDeployment` hop. */
  async embed(request: RoutingRequest, embedding: EmbeddingRequest): Promise<{ response: EmbeddingResponse; routing: RoutingMetadata }> {
    const outcome = await runWalk(this.host<EmbeddingResponse>((step, walk) => this.embedHop(step, walk, embedding)), this.routing, request);
    if (!outcome.ok) throw giveUpFailure(outcome.giveUp);
    return { response: outcome.value, routing: outcome.routing };
  }

  private host<T>(call: (step: AttemptStep, walk: WalkState) => Promise<CallResult<T>>): WalkHost<T> {
    const health = this.health;
    return {
      now: () => Date.now(),
      random: Math.random,
      sleep: (ms) => sleep(ms),
      getState: () => this.state,
      setState: (state) => {
        this.state = state;
      },
      ...(health === null ? {} : {
        refresh: async () => {
          await health.sync();
          this.state = health.merge(this.state);
        },
      }),
      changed: () => {
        const seen = this.version;
        return condition(() => this.version !== seen);
      },
      settled: () => {
        this.version++;
      },
      call,
      emit: (event) => {
        if (health !== null) {
          if (event.type === 'success') health.report(event.step.deploymentId, { ok: true, latencyMs: event.latencyMs });
          if (event.type === 'failure') health.report(event.step.deploymentId, failureReport(event.failure));
        }
        this.listeners.onEvent?.(event);
      },
    };
  }

  private async embedHop(step: AttemptStep, walk: WalkState, request: EmbeddingRequest): Promise<CallResult<EmbeddingResponse>> {
    const id = step.deploymentId;
    const params = paramsForDeployment(this.config.params, step.deployment);
    if (params === undefined) throw new Error(`no call parameters for deployment "${id}"`);
    const summary = hopSummary(step, walk.attempts, 'embeddings');
    this.listeners.onHopStart?.(summary, step);
    const { embedDeployment } = proxyActivities<RouterActivities>(hopActivityOptions(step, this.options));
    const started = Date.now();
    const input: EmbedDeploymentInput = { deployment: { ...params, timeoutMs: step.timeoutMs }, request };
    try {
      const hop = await embedDeployment.executeWithOptions({ summary }, [this.callHealth === undefined ? input : { ...input, health: this.callHealth }]);
      this.learn(hop.health);
      if ('skipped' in hop) return { ok: 'lost', reason: `${id} is out of rotation by shared health until ${new Date(hop.skipped.until).toISOString()}` };
      const response = hop.response;
      const result: CallResult<EmbeddingResponse> = { ok: true, value: response, latencyMs: response.routing?.latencyMs ?? Date.now() - started, totalTokens: response.usage.total_tokens };
      if (response.routing?.costUsd !== undefined) result.costUsd = response.routing.costUsd;
      return result;
    } catch (err) {
      if (isCancellation(err)) throw err;
      const failure = describeActivityFailure(err);
      this.learn(failure.health);
      if (failure.lost !== undefined) return { ok: 'lost', reason: failure.lost };
      return callFailureOf(failure, step, Date.now() - started);
    }
  }

  /**
   * One hop: one activity (a local one in latency mode, when the call is
   * short enough), one provider call; its RetryPolicy re-runs it only when a
   * worker was lost.
   */
  private async hop(step: AttemptStep, walk: WalkState, makeInput: MakeCallInput, label: string | undefined): Promise<CallResult<ChatResponse>> {
    const id = step.deploymentId;
    const params = paramsForDeployment(this.config.params, step.deployment);
    if (params === undefined) throw new Error(`no call parameters for deployment "${id}"`);
    const summary = hopSummary(step, walk.attempts, label);
    this.listeners.onHopStart?.(summary, step);
    const started = Date.now();
    const input: CallDeploymentInput = { ...makeInput({ ...params, timeoutMs: step.timeoutMs }, walk), hop: step.attemptNo };
    const local = this.localHops && hopRunsLocally(step, 'request' in input && input.request.stream === true, this.options);
    const { callDeployment } = local
      ? proxyLocalActivities<RouterActivities>(localHopActivityOptions(step, this.options))
      : proxyActivities<RouterActivities>(hopActivityOptions(step, this.options));
    try {
      const hop = hopResult(await callDeployment.executeWithOptions({ summary }, [this.callHealth === undefined ? input : { ...input, health: this.callHealth }]));
      this.learn(hop.health);
      if ('skipped' in hop) return { ok: 'lost', reason: `${id} is cooling by shared health until ${new Date(hop.skipped.until).toISOString()}` };
      const response = hop.response;
      const result: CallResult<ChatResponse> = { ok: true, value: response, latencyMs: response.routing?.latencyMs ?? Date.now() - started };
      const usage = response.usage;
      if (usage?.completion_tokens !== undefined) result.outputTokens = usage.completion_tokens;
      if (usage?.total_tokens !== undefined) result.totalTokens = usage.total_tokens;
      if (response.routing?.costUsd !== undefined) result.costUsd = response.routing.costUsd;
      // Under the older rules a hop's RetryPolicy may have called the deployment several times.
      if (this.v1 && (response.routing?.attempts ?? 1) > 1) result.calls = response.routing?.attempts;
      return result;
    } catch (err) {
      if (isCancellation(err)) throw err;
      const failure = describeActivityFailure(err);
      this.learn(failure.health);
      // The document, not the deployment, is at fault: nothing to record against it, nothing another deployment could fix.
      if (REQUEST_SIDE_ERRORS.includes(failure.errorClass)) throw err;
      if (failure.lost !== undefined && !this.v1) return { ok: 'lost', reason: failure.lost };
      const result = callFailureOf(failure, step, Date.now() - started);
      if (this.v1 && failure.attempt !== undefined && failure.attempt > 1) result.calls = failure.attempt;
      return result;
    }
  }
}

/** A failed hop as the driver records it: the same fields for chat and embeddings hops. */
function callFailureOf(failure: HopFailure, step: AttemptStep, latencyMs: number): CallFailure {
  const result: CallFailure = { ok: false, errorClass: failure.errorClass, message: failure.message, latencyMs, deployment: step.deploymentId, provider: step.deployment.provider };
  if (failure.status !== undefined) result.status = failure.status;
  if (failure.retryAfterMs !== undefined) result.retryAfterMs = failure.retryAfterMs;
  if (failure.retryable !== undefined) result.retryable = failure.retryable;
  if (failure.requestId !== undefined) result.requestId = failure.requestId;
  if (failure.causeClass !== undefined) result.causeClass = failure.causeClass;
  return result;
}

/** Hops of the older rules returned the response itself. */
function hopResult(result: CallDeploymentResult | ChatResponse): CallDeploymentResult {
  return 'response' in result || 'skipped' in result ? result : { response: result };
}

function failureReport(failure: { errorClass: string; status?: number; retryAfterMs?: number; latencyMs: number }) {
  return {
    ok: false as const,
    errorClass: failure.errorClass,
    latencyMs: failure.latencyMs,
    ...(failure.status === undefined ? {} : { status: failure.status }),
    ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
  };
}
