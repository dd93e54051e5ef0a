import { BadRequestError, ContentPolicyViolationError, classifyProviderError, isLlmRouterError, type LlmRouterError } from '../errors';
import type { AdapterCall, EmbedCall, ProviderAdapter } from './adapter';
import { createAnthropicAdapter } from './anthropic';
import { azureProfile } from './azure';
import { deepseekProfile } from './deepseek';
import { fireworksAiProfile } from './fireworks_ai';
import { createBedrockAdapter } from './bedrock';
import { createGeminiAdapter } from './gemini';
import { groqProfile } from './groq';
import { hostedVllmProfile } from './hosted_vllm';
import { lmStudioProfile } from './lm_studio';
import { mistralProfile } from './mistral';
import type { ProviderLogOptions } from './logger';
import type { ProviderId } from './model-string';
import { ollamaProfile } from './ollama';
import { openaiProfile } from './openai';
import { createOpenAiCompatibleAdapter } from './openai-compatible/adapter';
import { openaiCompatibleProfile } from './openai_compatible';
import { openrouterProfile } from './openrouter';
import { costUsd } from './pricing';
import { createAnthropicBatchClient } from './anthropic/batch';
import { createAnthropicClient } from './anthropic/client';
import { hasBatchEndpoint, type ProviderBatchClient, type ProviderBatchResult } from './batch';
import { batchCostUsd } from './batch-pricing';
import { createOpenAiBatchClient } from './openai/batch';
import { createOpenAiClient } from './openai-compatible/client';
import { resolveDeployment, type Env, type ResolvedDeployment } from './resolve';
import { togetherAiProfile } from './together_ai';
import { promptTokensBound } from './tokens';
import { failedResponseOf, rawErrorBodyOf } from './transport';
import { REQUEST_DEFAULT_KEYS, type CallOptions, type ChatChunk, type ChatRequest, type ChatResponse, type DeploymentParams, type EmbeddingRequest, type EmbeddingResponse, type CallMetadata, type Usage } from './types';
import { createVertexAdapter } from './vertex_ai';
import { xaiProfile } from './xai';

export interface ProviderRegistryOptions extends ProviderLogOptions {
  /** Where `os.environ/NAME` references are resolved (default `process.env`), read at call time. */
  env?: Env;
  /** Clock for latency and time to first token (default `performance.now`-backed wall clock). */
  now?: () => number;
}

export interface ProviderRegistry {
  /** One attempt against one deployment; every failure is an LlmRouterError. */
  complete(deployment: DeploymentParams, request: ChatRequest, opts?: CallOptions): Promise<ChatResponse>;
  /** Streams OpenAI-shaped chunks; the final chunk carries `usage` and `routing`. Breaking out of the loop closes the HTTP stream. */
  stream(deployment: DeploymentParams, request: ChatRequest, opts?: CallOptions): AsyncIterable<ChatChunk>;
  /** One embeddings call against one deployment (OpenAI-compatible, Gemini, Vertex, Bedrock Titan/Cohere); `routing` carries cost. */
  embed(deployment: DeploymentParams, request: EmbeddingRequest, opts?: CallOptions): Promise<EmbeddingResponse>;
  /**
   * The deployment's batch endpoint (OpenAI's Batch API, Anthropic's Message
   * Batches), or undefined when its provider has none here. Requests get the
   * deployment's sampling defaults; every failure is an LlmRouterError; each
   * answer's `routing.costUsd` is at the batch price.
   */
  batch(deployment: DeploymentParams): ProviderBatchClient | undefined;
}

function createAdapters(now: () => number, logging: ProviderLogOptions): Record<ProviderId, ProviderAdapter> {
  return {
    openai: createOpenAiCompatibleAdapter(openaiProfile, logging),
    azure: createOpenAiCompatibleAdapter(azureProfile, logging),
    gemini: createGeminiAdapter(now),
    groq: createOpenAiCompatibleAdapter(groqProfile, logging),
    mistral: createOpenAiCompatibleAdapter(mistralProfile, logging),
    deepseek: createOpenAiCompatibleAdapter(deepseekProfile, logging),
    together_ai: createOpenAiCompatibleAdapter(togetherAiProfile, logging),
    fireworks_ai: createOpenAiCompatibleAdapter(fireworksAiProfile, logging),
    openrouter: createOpenAiCompatibleAdapter(openrouterProfile, logging),
    xai: createOpenAiCompatibleAdapter(xaiProfile, logging),
    ollama: createOpenAiCompatibleAdapter(ollamaProfile, logging),
    hosted_vllm: createOpenAiCompatibleAdapter(hostedVllmProfile, logging),
    lm_studio: createOpenAiCompatibleAdapter(lmStudioProfile, logging),
    openai_compatible: createOpenAiCompatibleAdapter(openaiCompatibleProfile, logging),
    anthropic: createAnthropicAdapter(now, logging),
    bedrock: createBedrockAdapter(now),
    vertex_ai: createVertexAdapter(now, logging),
  };
}

/** Caller signal + the deployment's deadline, remembering which one fired. */
function callSignal(timeoutMs: number, outer: AbortSignal | undefined): { signal: AbortSignal; timedOut: () => boolean; dispose: (abortIfOpen: boolean) => void } {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('deployment timeout', 'TimeoutError'));
  }, timeoutMs);
  const onAbort = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: (abortIfOpen) => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
      // Aborting costs a DOMException; only needed when a response may still be open.
      if (abortIfOpen && !controller.signal.aborted) controller.abort();
    },
  };
}

function hasUsableOutput(response: ChatResponse): boolean {
  return response.choices.some((c) => (c.message.content ?? '') !== '' || (c.message.tool_calls?.length ?? 0) > 0);
}

export function createProviderRegistry(options: ProviderRegistryOptions = {}): ProviderRegistry {
  const env: Env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const logging: ProviderLogOptions = { ...(options.logger ? { logger: options.logger } : {}), ...(options.logLevel ? { logLevel: options.logLevel } : {}) };
  const adapters = createAdapters(now, logging);

  // Resolving re-reads the environment on every call (a rotated key takes effect at once), but the
  // rest of the work is done once per deployment: the last result is kept with the variables it read.
  const resolved = new WeakMap<DeploymentParams, { target: ResolvedDeployment; reads: ReadonlyArray<readonly [string, string | undefined]> }>();
  const prepare = (deployment: DeploymentParams): ResolvedDeployment => {
    const last = resolved.get(deployment);
    if (last !== undefined && last.reads.every(([name, value]) => env[name] === value)) return last.target;
    try {
      const reads: Array<readonly [string, string | undefined]> = [];
      const recording = new Proxy(env, {
        get: (source, name) => {
          const value = typeof name === 'string' ? source[name] : undefined;
          if (typeof name === 'string') reads.push([name, value]);
          return value;
        },
      });
      const target = resolveDeployment(deployment, recording);
      resolved.set(deployment, { target, reads });
      return target;
    } catch (err) {
      // parseModelString throws a plain Error for an unknown prefix: still one taxonomy for callers.
      throw classifyOrConfig(err, deployment);
    }
  };

  const metadata = (target: ResolvedDeployment, started: number, usage: Usage | undefined, ttft?: number): CallMetadata => {
    const d = target.deployment;
    const cost = costUsd(d.model, usage, { inputCostPerToken: d.inputCostPerToken, outputCostPerToken: d.outputCostPerToken }, new Date(now()));
    // Optional keys are added, not spread in: spreads cost a slow object clone on every call.
    const out: CallMetadata = { provider: target.provider, deployment: d.id, model: target.model, latencyMs: now() - started, attempts: 1 };
    if (ttft !== undefined) out.timeToFirstTokenMs = ttft;
    if (cost !== undefined) out.costUsd = cost;
    return out;
  };

  const classify = (err: unknown, target: ResolvedDeployment, timedOut: boolean, partialText?: string): LlmRouterError =>
    classifyProviderError(err, {
      provider: target.provider,
      deployment: target.deployment.id,
      rawBody: rawErrorBodyOf(err),
      headers: failedResponseOf(err)?.headers,
      timedOut,
      partialText,
      now,
    });

  return {
    async complete(deployment, request, opts = {}) {
      const target = prepare(deployment);
      const started = now();
      const call = callSignal(target.timeoutMs, opts.signal);
      const adapterCall: AdapterCall = { target, request: withDefaults(request, deployment), signal: call.signal };
      let response: ChatResponse;
      try {
        response = await adapters[target.provider].complete(adapterCall);
      } catch (err) {
        throw classify(err, target, call.timedOut());
      } finally {
        call.dispose(false);
      }
      // A reply withheld by a content filter is a content-policy failure, so content_policy_fallbacks can fire.
      if (response.choices.length > 0 && response.choices.every((c) => c.finish_reason === 'content_filter') && !hasUsableOutput(response)) {
        throw new ContentPolicyViolationError(`${target.provider} (${deployment.id}): response withheld by content filter (finish_reason: content_filter)`, {
          provider: target.provider,
          deployment: deployment.id,
          retryable: false,
          body: response,
        });
      }
      response.routing = metadata(target, started, response.usage);
      return response;
    },

    stream(deployment, request, opts = {}) {
      return {
        [Symbol.asyncIterator]: async function* (): AsyncGenerator<ChatChunk> {
          const target = prepare(deployment);
          const started = now();
          const call = callSignal(target.timeoutMs, opts.signal);
          let partial = '';
          let delivered = false;
          let ttft: number | undefined;
          let usage: Usage | undefined;
          let lastFinish: string | null = null;
          let last: ChatChunk | undefined;
          let finished = false;
          const iterator = adapters[target.provider].stream({ target, request: withDefaults(request, deployment), signal: call.signal })[Symbol.asyncIterator]();
          try {
            for (;;) {
              let step: IteratorResult<ChatChunk>;
              try {
                step = await iterator.next();
              } catch (err) {
                throw classify(err, target, call.timedOut(), delivered ? partial : undefined);
              }
              if (step.done) break;
              const chunk = step.value;
              if (chunk.usage) usage = chunk.usage;
              for (const choice of chunk.choices) {
                const text = choice.delta.content ?? '';
                if (text !== '' || (choice.delta.tool_calls?.length ?? 0) > 0) {
                  if (ttft === undefined) ttft = now() - started;
                  delivered = true;
                  partial += text;
                }
                if (choice.finish_reason !== null) lastFinish = choice.finish_reason;
              }
              // Hold each chunk back by one so the last one can carry usage and routing metadata.
              if (last) yield last;
              last = chunk;
            }
            // The SDKs end a stream quietly when its signal aborts; a deadline or a cancel is still a failure.
            if (call.signal.aborted) {
              throw classify(new DOMException('stream aborted', 'AbortError'), target, call.timedOut(), delivered ? partial : undefined);
            }
            if (lastFinish === 'content_filter' && !delivered) {
              throw new ContentPolicyViolationError(`${target.provider} (${deployment.id}): stream withheld by content filter (finish_reason: content_filter)`, {
                provider: target.provider,
                deployment: deployment.id,
                retryable: false,
              });
            }
            const final: ChatChunk = last ?? { id: '', object: 'chat.completion.chunk', created: Math.floor(now() / 1000), model: target.model, choices: [] };
            if (usage && !final.usage) final.usage = usage;
            final.routing = metadata(target, started, usage, ttft);
            finished = true;
            yield final;
          } finally {
            // Runs on completion, on error, and when the consumer stops early: closes the HTTP stream.
            call.dispose(!finished);
            if (!finished) await iterator.return?.().catch(() => undefined);
          }
        },
      };
    },

    async embed(deployment, request, opts = {}) {
      const target = prepare(deployment);
      const adapter = adapters[target.provider];
      if (!adapter.embed) {
        throw new BadRequestError(`${target.provider} (${deployment.id}): this provider serves no embeddings here`, { provider: target.provider, deployment: deployment.id, status: 400, retryable: false });
      }
      const started = now();
      const call = callSignal(target.timeoutMs, opts.signal);
      const embedCall: EmbedCall = { target, request, signal: call.signal };
      let response: EmbeddingResponse;
      try {
        response = await adapter.embed(embedCall);
      } catch (err) {
        throw classify(err, target, call.timedOut());
      } finally {
        call.dispose(false);
      }
      const usage: Usage = { prompt_tokens: response.usage.prompt_tokens, completion_tokens: 0, total_tokens: response.usage.total_tokens };
      response.routing = metadata(target, started, usage);
      return response;
    },

    batch(deployment) {
      if (!hasBatchEndpoint(deployment.model)) return undefined;
      const target = prepare(deployment);
      const sdk = target.provider === 'anthropic'
        ? createAnthropicBatchClient(createAnthropicClient(target, logging), target)
        : createOpenAiBatchClient(createOpenAiClient(target, false, logging), target);
      const classified = async <T>(run: () => Promise<T>): Promise<T> => {
        try {
          return await run();
        } catch (err) {
          throw classify(err, target, false);
        }
      };
      const d = target.deployment;
      const prices = {
        inputCostPerToken: d.inputCostPerToken, outputCostPerToken: d.outputCostPerToken,
        inputCostPerTokenBatches: d.inputCostPerTokenBatches, outputCostPerTokenBatches: d.outputCostPerTokenBatches,
      };
      const priced = (result: ProviderBatchResult): ProviderBatchResult => {
        if (result.outcome !== 'succeeded') return result;
        const cost = batchCostUsd(d.model, result.response.usage, prices, new Date(now()));
        const routing: CallMetadata = { provider: target.provider, deployment: d.id, model: target.model, latencyMs: 0, attempts: 1 };
        if (cost !== undefined) routing.costUsd = cost;
        result.response.routing = routing;
        return result;
      };
      return {
        submit: (items, submitOptions) => classified(() => sdk.submit(items.map((item) => ({ ...item, request: withDefaults(item.request, deployment) })), submitOptions)),
        costBoundUsd: (request) => {
          const maxTokens = withDefaults(request, deployment).max_tokens;
          if (maxTokens === undefined || maxTokens === null) return undefined;
          const promptTokens = promptTokensBound(request.messages);
          return batchCostUsd(d.model, { prompt_tokens: promptTokens, completion_tokens: maxTokens, total_tokens: promptTokens + maxTokens }, prices, new Date(now()));
        },
        status: (batchId) => classified(() => sdk.status(batchId)),
        cancel: (batchId) => classified(() => sdk.cancel(batchId)),
        results: (batchId) => ({
          [Symbol.asyncIterator]: async function* () {
            const iterator = sdk.results(batchId)[Symbol.asyncIterator]();
            for (;;) {
              const step = await classified(() => iterator.next());
              if (step.done === true) return;
              yield priced(step.value);
            }
          },
        }),
      };
    },
  };
}

/** `litellm_params` sampling defaults fill the keys the request leaves unset. */
function withDefaults(request: ChatRequest, deployment: DeploymentParams): ChatRequest {
  const defaults = deployment.defaults;
  if (defaults === undefined) return request;
  let out: ChatRequest | undefined;
  for (const key of REQUEST_DEFAULT_KEYS) {
    if (defaults[key] === undefined || request[key] !== undefined) continue;
    out ??= { ...request };
    (out as unknown as Record<string, unknown>)[key] = defaults[key];
  }
  return out ?? request;
}

function classifyOrConfig(err: unknown, deployment: DeploymentParams): LlmRouterError {
  if (isLlmRouterError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new BadRequestError(`deployment "${deployment.id}": ${message}`, { deployment: deployment.id, status: 400, retryable: false });
}
