import { loadConfigFile, parseConfigObject, type LoadedRouterConfig } from '../config';
import { emptyRouterState } from '../core/state';
import type { AttemptStep, RouterConfig, RouterState } from '../core/types';
import { APIConnectionError, BadRequestError, type MidStreamError } from '../errors';
import { createProviderRegistry, type ProviderRegistry } from '../providers/registry';
import { DEFAULT_TIMEOUT_MS } from '../providers/resolve';
import type { ChatRequest, ChatResponse, DeploymentParams } from '../providers/types';
import { asRouterError } from './errors';
import { RouterEventEmitter } from './events';
import { RequestRun, type RunContext } from './request-run';
import { requestNeeds, toRoutingRequest, type RequestNeeds } from './routing-request';
import { sleep as timerSleep } from './sleep';
import type {
  RouterCallOptions,
  RouterChunk,
  RouterEvents,
  RouterOptions,
  RouterRequest,
  RouterResponse,
} from './types';

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
 * The in-process, non-durable router: the same pure core the Temporal workflow
 * runs, driven by a loop in this process. State (cooldowns, latency, usage)
 * lives in memory and is lost on restart; use the workflow for durability.
 */
export class Router {
  readonly config: LoadedRouterConfig;
  private readonly routing: RouterConfig;
  private readonly providers: ProviderRegistry;
  private readonly events = new RouterEventEmitter();
  private readonly now: () => number;
  private readonly needs: RequestNeeds;
  private readonly callParams: Record<string, DeploymentParams> = {};
  private readonly streamParams: Record<string, DeploymentParams> = {};
  private readonly run: RunContext;
  private state: RouterState;
  private nextRequestId = 1;

  constructor(config: RouterConfigInput, options: RouterOptions = {}) {
    this.config = loadInput(config);
    this.routing = this.config.routing;
    this.now = options.now ?? Date.now;
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

    // Per-call timeouts resolved once: the deployment's own, else the router's, else the provider default.
    const settings = this.routing.settings;
    for (const [id, params] of Object.entries(this.config.params)) {
      const info = this.routing.deployments[id];
      const callTimeout = params.timeoutMs ?? settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const streamTimeout = info?.streamTimeoutMs ?? settings.streamTimeoutMs ?? callTimeout;
      this.callParams[id] = { ...params, timeoutMs: callTimeout };
      this.streamParams[id] = { ...params, timeoutMs: streamTimeout };
    }

    this.run = {
      config: this.routing,
      events: this.events,
      now: this.now,
      random: options.random ?? Math.random,
      sleep: options.sleep ?? timerSleep,
      getState: () => this.state,
      setState: (s) => {
        this.state = s;
      },
    };
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
    const run = this.startRun(request, false, options.signal);
    for (;;) {
      const step = await run.next();
      const started = this.now();
      let response: ChatResponse;
      try {
        response = await this.providers.complete(this.paramsFor(step, false), request, options);
      } catch (error) {
        run.failed(step, asRouterError(error, step.deploymentId, step.deployment.provider), this.now() - started);
        continue;
      }
      const provided = response.routing ?? { provider: step.deployment.provider as never, deployment: step.deploymentId, model: step.deployment.model, latencyMs: this.now() - started };
      const routing = run.succeeded(step, provided, response.usage?.completion_tokens, response.usage?.total_tokens);
      // The registry built this response for us alone: replacing its metadata in place saves a copy per call.
      (response as unknown as RouterResponse).routing = routing;
      return response as unknown as RouterResponse;
    }
  }

  /**
   * Streams a completion. Until the first content chunk, a failure falls back
   * exactly like `completion()`. After content has reached the caller, a failure
   * continues on the next deployment the walker picks: the text delivered so
   * far is sent as a trailing assistant message (a prefill) and only new text
   * is streamed, so the caller sees one uninterrupted answer. A failure after
   * tool-call deltas cannot be continued and is thrown. The final chunk carries `routing`.
   */
  stream(request: RouterRequest, options: RouterCallOptions = {}): AsyncIterable<RouterChunk> {
    return { [Symbol.asyncIterator]: () => this.streamChunks(request, options) };
  }

  private async *streamChunks(request: RouterRequest, options: RouterCallOptions): AsyncGenerator<RouterChunk> {
    const run = this.startRun(request, true, options.signal);
    let prefix = '';
    for (;;) {
      const step = await run.next();
      const attemptRequest = prefix === '' ? request : withAssistantPrefix(request, prefix);
      const started = this.now();
      let text = '';
      let toolCalls = false;
      let settled = false;
      try {
        for await (const chunk of this.providers.stream(this.paramsFor(step, true), attemptRequest, options)) {
          if (chunk.routing !== undefined) {
            const usage = chunk.usage ?? undefined;
            const routing = run.succeeded(step, chunk.routing, usage?.completion_tokens, usage?.total_tokens);
            if (prefix !== '') routing.continuedFrom = prefix;
            settled = true;
            // The registry built this chunk for us alone: set the metadata in place rather than copy it.
            const final = chunk as unknown as RouterChunk;
            final.routing = routing;
            yield final;
            return;
          }
          for (const choice of chunk.choices) {
            text += choice.delta.content ?? '';
            if ((choice.delta.tool_calls?.length ?? 0) > 0) toolCalls = true;
          }
          yield chunk as RouterChunk;
        }
        throw new APIConnectionError(`${step.deploymentId}: stream ended without its final chunk`, { deployment: step.deploymentId, provider: step.deployment.provider });
      } catch (caught) {
        if (settled) throw caught;
        const error = asRouterError(caught, step.deploymentId, step.deployment.provider);
        settled = true;
        const causeClass = error.name === 'MidStreamError' ? (error as MidStreamError).causeClass : undefined;
        run.failed(step, error, this.now() - started, causeClass ?? error.name);
        // Half a tool call cannot be continued by another model.
        if (toolCalls) throw error;
        prefix += text;
        continue;
      } finally {
        // Reached unsettled only when the caller stopped reading mid-stream.
        if (!settled) run.abandoned(step);
      }
    }
  }

  private startRun(request: ChatRequest & { model?: string }, stream: boolean, signal: AbortSignal | undefined): RequestRun {
    const group = request.model;
    if (typeof group !== 'string' || group === '') throw new BadRequestError('request.model must name a model group');
    return new RequestRun(this.run, this.nextRequestId++, toRoutingRequest(group, request, stream, this.needs), signal);
  }

  private paramsFor(step: AttemptStep, stream: boolean): DeploymentParams {
    const params = (stream ? this.streamParams : this.callParams)[step.deploymentId];
    if (params === undefined) throw new Error(`no call parameters for deployment "${step.deploymentId}"`);
    // The request deadline caps each attempt's own timeout.
    if (step.remainingMs === null || (params.timeoutMs ?? DEFAULT_TIMEOUT_MS) <= step.remainingMs) return params;
    return { ...params, timeoutMs: Math.max(1, step.remainingMs) };
  }
}

/** Anthropic rejects a prefill ending in whitespace; the dropped whitespace was already delivered. */
function withAssistantPrefix(request: RouterRequest, prefix: string): RouterRequest {
  return { ...request, messages: [...request.messages, { role: 'assistant', content: prefix.trimEnd() }] };
}
