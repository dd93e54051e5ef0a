import { loadConfigFile, parseConfigObject, type LoadedRouterConfig } from '../config';
import { runWalk, type CallResult, type CallSuccess, type WalkEvent, type WalkHost } from '../core/driver';
import { mergeShared, type SharedHealthView } from '../core/shared-state';
import { paramsForDeployment } from '../core/model-names';
import { embeddingRoutingRequest, requestNeeds, routingRequestOf, type RequestNeeds } from '../core/request';
import { emptyRouterState } from '../core/state';
import type { AttemptStep, RouterConfig, RouterState, RoutingMetadata, RoutingRequest } from '../core/types';
import { BadRequestError, type LlmRouterError } from '../errors';
import { createProviderRegistry, type ProviderRegistry } from '../providers/registry';
import { countPromptTokens } from '../providers/tokens';
import type { CallMetadata, DeploymentParams } from '../providers/types';
import { asRouterError, failureOf, giveUpError } from './errors';
import { RouterEventEmitter } from './events';
import { sleep as timerSleep, waitFor } from './sleep';
import { attemptResultOf, type SharedHealthSource } from './shared-health';
import { streamThroughDriver } from './stream';
import type { RouterCallOptions, RouterChunk, RouterEmbeddingRequest, RouterEmbeddingResponse, RouterEvents, RouterOptions, RouterRequest, RouterResponse } from './types';

/** A loaded config, a path to a LiteLLM `config.yaml` / `.json`, or a LiteLLM-shaped object. */
export type RouterConfigInput = LoadedRouterConfig | string | object;

function isLoaded(input: object): input is LoadedRouterConfig {
  return 'routing' in input && 'params' in input;
}

function loadInput(input: RouterConfigInput): LoadedRouterConfig {
  if (typeof input === 'string') return loadConfigFile(input);
  return isLoaded(input) ? input : parseConfigObject(input);
}

/**
 * The in-process, non-durable router: a host of the core's one driver
 * (`core/driver.ts`), the same one the routing workflow hosts. State
 * (cooldowns, latency, usage) lives in memory and is lost on restart; use the
 * workflow for durability.
 */
export class Router {
  readonly config: LoadedRouterConfig;
  private readonly routing: RouterConfig;
  private readonly providers: ProviderRegistry;
  private readonly events = new RouterEventEmitter();
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleeper: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly needs: RequestNeeds;
  private readonly shared: SharedHealthSource | undefined;
  private state: RouterState;
  private nextRequestId = 1;
  private readonly timedParams: Record<string, DeploymentParams> = {};
  /** Requests waiting for a probe call to end (see `WalkHost.changed`). */
  private waiters: Array<() => void> = [];

  constructor(config: RouterConfigInput, options: RouterOptions = {}) {
    this.config = loadInput(config);
    this.routing = this.config.routing;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleeper = options.sleep ?? timerSleep;
    this.providers =
      options.providers ??
      createProviderRegistry({
        ...(options.env ? { env: options.env } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.logLevel ? { logLevel: options.logLevel } : {}),
        now: this.now,
      });
    this.state = options.initialState ?? emptyRouterState();
    this.needs = requestNeeds(this.routing);
    this.shared = options.sharedHealth;
  }

  /** Subscribes to routing events; returns the unsubscribe function. */
  on<K extends keyof RouterEvents>(name: K, listener: (event: RouterEvents[K]) => void): () => void {
    return this.events.on(name, listener);
  }

  /** The current routing state (plain JSON): cooldowns, latency samples, usage counters. */
  getState(): RouterState {
    return this.state;
  }

  /**
   * One chat completion from the model group named by `request.model`, with
   * retries in the group and fallbacks across groups. The response carries
   * `routing`: which deployment answered, after which attempts, at what cost.
   */
  async completion(request: RouterRequest, options: RouterCallOptions = {}): Promise<RouterResponse> {
    const routingRequest = this.routingRequest(request, false);
    const response = await this.route(routingRequest, options, (step) => this.providers.complete(this.paramsFor(step), request, options), (response, result) => {
      const usage = response.usage;
      if (usage?.completion_tokens !== undefined) result.outputTokens = usage.completion_tokens;
      if (usage?.total_tokens !== undefined) result.totalTokens = usage.total_tokens;
    });
    return response as unknown as RouterResponse;
  }

  /**
   * Embeddings from the model group named by `request.model`: the same
   * groups, strategies, cooldowns, budgets and fallbacks as `completion()`,
   * through the same driver; each call is one provider `embed()`.
   */
  async embedding(request: RouterEmbeddingRequest, options: RouterCallOptions = {}): Promise<RouterEmbeddingResponse> {
    const group = request.model;
    if (typeof group !== 'string' || group === '') throw new BadRequestError('request.model must name a model group');
    const routingRequest = embeddingRoutingRequest(group, request);
    const response = await this.route(routingRequest, options, (step) => this.providers.embed(this.paramsFor(step), request, options), (response, result) => {
      result.totalTokens = response.usage.total_tokens;
    });
    return response as unknown as RouterEmbeddingResponse;
  }

  /**
   * One non-streaming request through the driver: each step is one provider
   * call (`call`), whose usage `measure` copies onto the driver's result; the
   * caller gets the provider's response with the request's routing metadata.
   */
  private async route<T extends { routing?: CallMetadata }>(
    routingRequest: RoutingRequest,
    options: RouterCallOptions,
    call: (step: AttemptStep) => Promise<T>,
    measure: (response: T, result: CallSuccess<T>) => void,
  ): Promise<Omit<T, 'routing'> & { routing: RoutingMetadata }> {
    const host = this.host(options.signal, false, async (step): Promise<CallResult<T>> => {
      const started = this.now();
      try {
        const response = await call(step);
        const result: CallSuccess<T> = { ok: true, value: response, latencyMs: response.routing?.latencyMs ?? this.now() - started };
        measure(response, result);
        if (response.routing?.costUsd !== undefined) result.costUsd = response.routing.costUsd;
        return result;
      } catch (caught) {
        const error = asRouterError(caught, step.deploymentId, step.deployment.provider);
        if (error.name === 'RequestAbortedError') throw error;
        return failureOf(error, this.now() - started);
      }
    });
    const outcome = await runWalk(host, this.routing, routingRequest);
    if (!outcome.ok) throw giveUpError(outcome.giveUp, this.now());
    // The registry built this response for us alone: replacing its metadata in place saves a copy per call.
    const response = outcome.value as unknown as Omit<T, 'routing'> & { routing: RoutingMetadata };
    response.routing = outcome.routing;
    return response;
  }

  /**
   * Streams a completion. Until the first content chunk, a failure falls back
   * exactly like `completion()`. After content has reached the caller, a
   * failure moves on to a peer or fallback at once, which is asked to
   * continue from the text delivered so far (an assistant prefill); if it
   * starts the answer again instead, the repeated text is cut, so the caller
   * never reads anything twice (`stream-stitch.ts`). A failure after
   * tool-call deltas cannot be continued and is thrown. The final chunk
   * carries `routing`.
   */
  stream(request: RouterRequest, options: RouterCallOptions = {}): AsyncIterable<RouterChunk> {
    return {
      [Symbol.asyncIterator]: () => streamThroughDriver({
        request,
        routingRequest: this.routingRequest(request, true),
        config: this.routing,
        providers: this.providers,
        now: this.now,
        host: (signal, call) => this.host(signal, true, call),
        paramsFor: (step) => this.paramsFor(step),
        signal: options.signal,
      }),
    };
  }

  private routingRequest(request: RouterRequest, stream: boolean): RoutingRequest {
    const group = request.model;
    if (typeof group !== 'string' || group === '') throw new BadRequestError('request.model must name a model group');
    return routingRequestOf(this.needs, group, request, stream, this.needs.countTokens ? countPromptTokens(request.messages) : undefined);
  }

  /** One request's view of this router for the driver: shared state, this router's clock and events. */
  private host<T>(signal: AbortSignal | undefined, stream: boolean, call: (step: AttemptStep) => Promise<CallResult<T>>): WalkHost<T> {
    const requestId = this.nextRequestId++;
    const host: WalkHost<T> = {
      now: this.now,
      random: this.random,
      sleep: (ms) => this.sleeper(ms, signal),
      getState: () => this.state,
      setState: (s) => {
        this.state = s;
      },
      changed: () => waitFor((resolve) => this.waiters.push(resolve), signal),
      settled: () => {
        const waiters = this.waiters;
        if (waiters.length === 0) return;
        this.waiters = [];
        for (const wake of waiters) wake();
      },
      call,
    };
    // The driver builds events only for a host that listens.
    if (this.events.any()) host.emit = (event) => this.emit(requestId, stream, event);
    if (this.shared !== undefined) this.share(host, this.shared, call);
    return host;
  }

  /** Shared health: the fleet's view before each pick, every finished call told at once (a cancelled or lost one is nobody's fault). */
  private share<T>(host: WalkHost<T>, shared: SharedHealthSource, call: (step: AttemptStep) => Promise<CallResult<T>>): void {
    const lay = (view: SharedHealthView) => {
      this.state = mergeShared(this.state, view);
    };
    host.refresh = async () => {
      const view = shared.view();
      lay(view instanceof Promise ? await view : view);
    };
    host.call = async (step) => {
      const result = await call(step);
      if (result.ok !== 'lost') shared.report(step.deploymentId, attemptResultOf(result), this.now());
      return result;
    };
  }

  private emit(requestId: number, stream: boolean, event: WalkEvent): void {
    const events = this.events;
    const requestedGroup = event.requestedGroup;
    switch (event.type) {
      case 'attempt': {
        if (!events.has('attempt')) return;
        const step = event.step;
        events.emit('attempt', {
          requestId, requestedGroup, attemptNo: step.attemptNo, group: step.group, deploymentId: step.deploymentId,
          reason: step.reason, isFallback: step.isFallback, delayMs: step.delayMs, stream,
        });
        return;
      }
      case 'success':
        if (!events.has('success')) return;
        events.emit('success', {
          requestId, requestedGroup, attemptNo: event.step.attemptNo, group: event.step.group, deploymentId: event.step.deploymentId,
          latencyMs: event.latencyMs, ...(event.costUsd === undefined ? {} : { costUsd: event.costUsd }),
        });
        return;
      case 'failure':
        events.emit('failure', {
          requestId, requestedGroup, attemptNo: event.step.attemptNo, group: event.step.group, deploymentId: event.step.deploymentId,
          error: event.failure.error as LlmRouterError, latencyMs: event.failure.latencyMs,
        });
        return;
      case 'cooldown':
        events.emit('cooldown', { requestId, requestedGroup, ...event.cooldown });
        return;
      case 'fallback':
        events.emit('fallback', { requestId, requestedGroup, from: event.from, to: event.to, errorClass: event.errorClass });
        return;
      case 'wait':
        events.emit('wait', { requestId, requestedGroup, reason: event.wait.reason, delayMs: event.wait.delayMs });
        return;
      case 'lost':
        return;
    }
  }

  /** The deployment's call parameters with the timeout the walker resolved for this call (kept per deployment: it rarely changes). */
  private paramsFor(step: AttemptStep): DeploymentParams {
    const id = step.deploymentId;
    const last = this.timedParams[id];
    if (last !== undefined && last.timeoutMs === step.timeoutMs) return last;
    const params = paramsForDeployment(this.config.params, step.deployment);
    if (params === undefined) throw new Error(`no call parameters for deployment "${id}"`);
    const timed = { ...params, timeoutMs: step.timeoutMs };
    this.timedParams[id] = timed;
    return timed;
  }
}

