// Router.stream(): the driver walks the request as for completion(); each
// attempt's chunks reach the caller through a handoff, after the stitcher
// has made sure a continuation never repeats delivered text.
import type { CallResult, WalkHost } from '../core/driver';
import { runWalk } from '../core/driver';
import type { AttemptStep, RouterConfig, RoutingRequest } from '../core/types';
import { APIConnectionError, createError, type MidStreamError } from '../errors';
import type { ProviderRegistry } from '../providers/registry';
import type { ChatChunk, DeploymentParams } from '../providers/types';
import { asRouterError, failureOf, giveUpError } from './errors';
import { Handoff } from './handoff';
import { StreamStitch } from './stream-stitch';
import type { RouterChunk, RouterRequest } from './types';

export interface StreamRun {
  request: RouterRequest;
  routingRequest: RoutingRequest;
  config: RouterConfig;
  providers: ProviderRegistry;
  now: () => number;
  host: (signal: AbortSignal, call: (step: AttemptStep) => Promise<CallResult<ChatChunk>>) => WalkHost<ChatChunk>;
  paramsFor: (step: AttemptStep) => DeploymentParams;
  signal: AbortSignal | undefined;
}

/** Anthropic rejects a prefill ending in whitespace; the dropped whitespace was already delivered. */
function withAssistantPrefix(request: RouterRequest, prefix: string): RouterRequest {
  return { ...request, messages: [...request.messages, { role: 'assistant', content: prefix.trimEnd() }] };
}

/** A mid-stream failure restated with the text the caller really has. */
function deliveredCut(error: MidStreamError, delivered: string): MidStreamError {
  if (error.partialText === delivered) return error;
  const cause = error.cause instanceof Error ? error.cause.message : error.message;
  return createError('MidStreamError', `${error.deployment ?? 'deployment'}: stream failed after ${delivered.length} characters reached the caller: ${cause}`, {
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.provider === undefined ? {} : { provider: error.provider }),
    ...(error.deployment === undefined ? {} : { deployment: error.deployment }),
    ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
    cause: error.cause,
  }, { partialText: delivered, ...(error.causeClass === undefined ? {} : { causeClass: error.causeClass }) }) as MidStreamError;
}

/** Runs each choice's text through the stitcher; false when nothing of this chunk is left to deliver. */
function stitchChunk(chunk: ChatChunk, stitch: StreamStitch, deploymentId: string): boolean {
  let held = false;
  let deliverable = false;
  for (const choice of chunk.choices) {
    const text = choice.delta.content;
    if (typeof text === 'string' && text !== '') {
      const out = stitch.accept(text, deploymentId);
      // The registry built this chunk for us alone: edit it in place.
      if (out !== text) choice.delta.content = out;
      if (out === '') held = true;
      else deliverable = true;
    }
    if ((choice.delta.tool_calls?.length ?? 0) > 0 || choice.finish_reason !== null || choice.delta.role !== undefined) deliverable = true;
  }
  return deliverable || !held;
}

export async function* streamThroughDriver(run: StreamRun): AsyncGenerator<RouterChunk> {
  const handoff = new Handoff<RouterChunk>();
  const stitch = new StreamStitch();
  // Stops the provider call when the caller aborts or stops reading.
  const abort = new AbortController();
  const onCallerAbort = (): void => abort.abort();
  if (run.signal?.aborted) abort.abort();
  else run.signal?.addEventListener('abort', onCallerAbort, { once: true });
  let continuedFrom = '';

  const call = async (step: AttemptStep): Promise<CallResult<ChatChunk>> => {
    stitch.begin();
    const before = stitch.delivered;
    const attemptRequest = before === '' ? run.request : withAssistantPrefix(run.request, before);
    const started = run.now();
    let toolCalls = false;
    let incoherent: unknown;
    try {
      for await (const chunk of run.providers.stream(run.paramsFor(step), attemptRequest, { signal: abort.signal })) {
        let deliver: boolean;
        try {
          deliver = stitchChunk(chunk, stitch, step.deploymentId);
        } catch (err) {
          incoherent = err;
          throw err;
        }
        if (chunk.choices.some((c) => (c.delta.tool_calls?.length ?? 0) > 0)) toolCalls = true;
        if (chunk.routing !== undefined) {
          continuedFrom = before;
          const usage = chunk.usage ?? undefined;
          const result: CallResult<ChatChunk> = { ok: true, value: chunk, latencyMs: chunk.routing.latencyMs, stream: true };
          if (chunk.routing.timeToFirstTokenMs !== undefined) result.ttftMs = chunk.routing.timeToFirstTokenMs;
          if (usage?.completion_tokens !== undefined) result.outputTokens = usage.completion_tokens;
          if (usage?.total_tokens !== undefined) result.totalTokens = usage.total_tokens;
          if (chunk.routing.costUsd !== undefined) result.costUsd = chunk.routing.costUsd;
          return result;
        }
        if (deliver) await handoff.put(chunk as RouterChunk);
      }
      throw new APIConnectionError(`${step.deploymentId}: stream ended without its final chunk`, { deployment: step.deploymentId, provider: step.deployment.provider });
    } catch (caught) {
      if (caught === incoherent) throw caught;
      let error = asRouterError(caught, step.deploymentId, step.deployment.provider);
      if (error.name === 'RequestAbortedError') throw error;
      // The provider layer counts what it read; the caller has what was passed on (and nothing held back).
      if (error.name === 'MidStreamError') error = deliveredCut(error as MidStreamError, stitch.delivered);
      const failure = failureOf(error, run.now() - started);
      // Half a tool call cannot be continued by another model: the request ends with this failure.
      if (toolCalls) failure.final = true;
      return failure;
    }
  };

  let outcome: Awaited<ReturnType<typeof runWalk<ChatChunk>>> | undefined;
  let failed: unknown;
  const walked = runWalk(run.host(abort.signal, call), run.config, run.routingRequest)
    .then((o) => { outcome = o; }, (err: unknown) => { failed = err; })
    .finally(() => handoff.end());
  let finished = false;
  try {
    for (;;) {
      const next = await handoff.take();
      if (next.done === true) break;
      yield next.value;
    }
    await walked;
    if (failed !== undefined) throw failed;
    if (outcome === undefined) throw new Error('stream ended without an outcome');
    if (!outcome.ok) throw giveUpError(outcome.giveUp, run.now());
    const final = outcome.value as RouterChunk;
    final.routing = outcome.routing;
    if (continuedFrom !== '') final.routing.continuedFrom = continuedFrom;
    finished = true;
    yield final;
  } finally {
    if (!finished) {
      abort.abort();
      handoff.end();
      await walked;
    }
    run.signal?.removeEventListener('abort', onCallerAbort);
  }
}
