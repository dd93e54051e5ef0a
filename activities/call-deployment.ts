import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ProviderRegistry } from '../src/providers';
import { collectStream } from '../src/providers/collect-stream';
import type { ChatMessage, ChatRequest, ChatResponse, DeploymentParams } from '../src/providers/types';
import { sharedView, type SharedHealthView } from '../src/core/shared-state';
import { overBudget } from '../src/core/budgets';
import type { AttemptResult, CooldownReason } from '../src/core/types';
import { isLlmRouterError, type LlmRouterError } from '../src/errors';
import type { CallLease, HealthAgent, HealthAgents } from '../src/temporal/health/agent';
import { documentFailure, toApplicationFailure } from '../src/temporal/to-application-failure';
import type { DocumentPrompt, DocumentResultRecord } from '../workflows/batch-types';
import { structuredChunks } from './structured-chunks';
import { loadDocument, surelyWithinTokens, tokenCount, tokenCountWithin, tokenSlice, writeChunkPart, writeResultPart, type DocumentDeps } from './documents';

export const DEFAULT_SUMMARY_INSTRUCTIONS = 'You summarise documents faithfully and concisely.';
export const DEFAULT_SUMMARY_MAX_TOKENS = 256;


/** Where a successful summary is stored, and what the workflow already knows about the document. */
export interface StoreSummary {
  partsDir: string;
  record: Omit<DocumentResultRecord, 'status' | 'summary' | 'servedBy' | 'model'>;
}

/** Where a finished chunk summary of a map-reduce document is kept, so a resumed batch reuses it. */
export interface StoreChunk {
  partsDir: string;
  docIndex: number;
  part: number;
  of: number;
}

/** Shared health for this call: the routerHealth entity the call's outcome is reported to and checked against. */
export interface CallHealth {
  routerName: string;
}

/**
 * Either a whole request, or a document prompt the activity builds from a
 * reference (so no document enters history). With `store`, the activity also
 * writes the document's result file: one activity per document in the common
 * case, and the file is keyed by document, so a retry rewrites the same one.
 */
export type CallDeploymentInput = (
  | { deployment: DeploymentParams; request: ChatRequest }
  | { deployment: DeploymentParams; document: DocumentPrompt; store?: StoreSummary; chunk?: StoreChunk }
) & {
  health?: CallHealth;
  /** The hop's attempt number in its request's walk, named in the worker's log line when the call fails. */
  hop?: number;
};

/**
 * What a hop returns: the response, or word that the deployment is cooling
 * by the shared health (another process learned it is down) so no call was
 * made; either way with the shared health news the workflow should know.
 */
export type CallDeploymentResult =
  | { response: ChatResponse; health?: SharedHealthView }
  | { skipped: { deploymentId: string; until: number; reason: CooldownReason | null }; health: SharedHealthView };

export interface CallDeploymentDeps extends DocumentDeps {
  providers: Pick<ProviderRegistry, 'complete' | 'stream'>;
  /** The process's links to routerHealth entities (one per router name). */
  health: HealthAgents;
}

/** Classes the workflow must not hold against a deployment: the document, not the provider, is at fault. */
export const DOCUMENT_ERROR_TYPES = ['DocumentNotFoundError', 'DocumentUnreadableError', 'InvalidDocumentError', 'EmptyDocumentError', 'DocumentTooLargeError', 'DocumentTokenCapError'] as const;

/** Whether the document's tokens must be counted: only if a cap or chunk size applies and the text could pass it. */
function needsTokenCount(text: string, prompt: Extract<DocumentPrompt, { kind: 'summarize' }>): boolean {
  const limits = [prompt.maxDocumentTokens, prompt.chunkTokens].filter((n): n is number => typeof n === 'number');
  return limits.length > 0 && !surelyWithinTokens(text, Math.min(...limits));
}

export async function promptRequest(deps: DocumentDeps, prompt: DocumentPrompt): Promise<ChatRequest> {
  const instructions = prompt.instructions ?? DEFAULT_SUMMARY_INSTRUCTIONS;
  const max_tokens = prompt.maxTokens ?? DEFAULT_SUMMARY_MAX_TOKENS;
  let user: string;
  if (prompt.kind === 'combine') {
    user = `Summarise document ${prompt.docId} from these summaries of its parts, in order:\n\n${prompt.partials.map((p, i) => `Part ${i + 1}: ${p}`).join('\n\n')}`;
  } else {
    const loaded = await loadDocument(deps, prompt.source, prompt.doc);
    if (!loaded.ok) throw documentFailure(loaded.errorClass, loaded.message);
    let text = loaded.text;
    const docKey = `${prompt.doc.path}|${prompt.doc.offset ?? ''}|${prompt.doc.length ?? ''}`;
    if (prompt.charRange !== undefined) text = text.slice(prompt.charRange[0], prompt.charRange[1]).trim();
    else if (prompt.tokenRange !== undefined) text = await tokenSlice(text, prompt.tokenRange, docKey);
    else if (needsTokenCount(text, prompt)) {
      const tokens = await tokenCountWithin(text, prompt.maxDocumentTokens, docKey);
      if (tokens === null) {
        throw documentFailure('DocumentTokenCapError', `${prompt.doc.path}: more than ${prompt.maxDocumentTokens} tokens, the per-document cap (raise it with --max-document-tokens or router_settings.max_document_tokens)`, { cap: prompt.maxDocumentTokens ?? 0 });
      }
      // Too big for the smallest window of the chain: the workflow splits it and summarises map-reduce,
      // over the chunks cut here (at headings, paragraphs, sentences; the same text always cuts the same way).
      // A large text is cut segment by segment, with the event loop free between them, so heartbeats go on.
      if (prompt.chunkTokens !== undefined && prompt.chunkTokens !== null && tokens > prompt.chunkTokens) {
        const chunks = prompt.chunkOverlapTokens === undefined
          ? undefined
          : await structuredChunks(text, { maxTokens: prompt.chunkTokens, overlapTokens: prompt.chunkOverlapTokens, countTokens: tokenCount, totalTokens: tokens });
        throw documentFailure('DocumentTooLargeError', `${prompt.doc.id}: ${tokens} tokens, chunks hold ${prompt.chunkTokens}`, { tokens, ...(chunks === undefined ? {} : { chunks }) });
      }
    }
    const part = prompt.part !== undefined && prompt.part.of > 1 ? ` (part ${prompt.part.index + 1} of ${prompt.part.of})` : '';
    user = `Summarise this document${part}:\n\n${text}`;
  }
  const messages: ChatMessage[] = [{ role: 'system', content: instructions }, { role: 'user', content: user }];
  return { messages, max_tokens };
}

/**
 * One provider call, exactly one HTTP attempt: the provider layer builds SDK
 * clients with `maxRetries: 0`, and every provider error goes back to the
 * routing workflow non-retryable, so the routing driver alone decides whether
 * and when a deployment is called again. The activity's RetryPolicy re-runs
 * it only after our own infrastructure lost it (a dead or shut-down worker).
 * API keys are resolved here, inside the activity, from `os.environ/NAME`
 * references, so they never reach workflow history.
 *
 * With shared health the outcome is reported to this worker's health agent,
 * and a deployment the fleet already knows is cooling is not called at all:
 * the workflow learns why from the result and picks again.
 */
export function createCallDeployment(deps: CallDeploymentDeps) {
  return async function callDeployment(input: CallDeploymentInput): Promise<CallDeploymentResult> {
    const ctx = Context.current();
    const id = input.deployment.id;
    // Heartbeats let Temporal notice a dead worker long before the call's own timeout; they beat from the
    // start, so a slow first health read or document load is never taken for a dead worker.
    const heartbeatMs = ctx.info.heartbeatTimeoutMs;
    const timer = heartbeatMs ? setInterval(() => ctx.heartbeat(), Math.max(100, Math.floor(heartbeatMs / 3))) : undefined;
    let response: ChatResponse;
    const agent = input.health === undefined ? undefined : deps.health.get(ctx.client, input.health.routerName);
    let started = Date.now();
    let lease: CallLease | undefined;
    try {
      if (agent !== undefined) {
        const entered = await enterCall(agent, id);
        if ('skipped' in entered) return entered;
        lease = entered.lease;
      }
      const request = 'request' in input ? input.request : await promptRequest(deps, input.document);
      started = Date.now();
      // Cancelling the activity (or its timeout) aborts the HTTP request. A request that asks to stream
      // is streamed from the provider (its stream timeout, a cut that reads as one) and gathered here.
      const opts = { signal: ctx.cancellationSignal };
      response = request.stream === true
        ? await collectStream(deps.providers.stream(input.deployment, request, opts))
        : await deps.providers.complete(input.deployment, request, opts);
    } catch (err) {
      if (ctx.cancellationSignal.aborted) {
        // Not the provider's doing. A worker shutting down hands the hop to another worker through the
        // RetryPolicy; a cancelled or timed-out activity reports just that.
        if (ctx.cancellationDetails?.workerShutdown === true) {
          throw ApplicationFailure.retryable(`worker shut down during the call to ${id}`, 'WorkerShutdown');
        }
        throw ctx.cancellationSignal.reason instanceof Error ? ctx.cancellationSignal.reason : err;
      }
      if (!isLlmRouterError(err)) throw err;
      // The news is what others knew before this call: the workflow records this call itself.
      const news = agent === undefined ? undefined : newsFrom(agent);
      agent?.report(id, failureOutcome(err, Date.now() - started));
      throw toApplicationFailure(err, news === undefined || Object.keys(news).length === 0 ? undefined : news, input.hop);
    } finally {
      if (timer !== undefined) clearInterval(timer);
      // A request waiting on this call resumes after this synchronous run, so it sees the outcome reported in the catch above or just below.
      lease?.end();
    }
    const news = agent === undefined ? undefined : newsFrom(agent);
    agent?.report(id, successOutcome(response, Date.now() - started));
    if ('store' in input && input.store !== undefined) {
      const { record } = input.store;
      await writeResultPart(deps, input.store.partsDir, {
        ...record,
        status: 'ok',
        summary: response.choices[0]?.message.content ?? '',
        servedBy: id,
        model: input.deployment.model,
        attempts: (record.attempts ?? 0) + 1,
        costUsd: (record.costUsd ?? 0) + (response.routing?.costUsd ?? 0),
      });
    }
    if ('chunk' in input && input.chunk !== undefined) {
      const { partsDir, docIndex, part, of } = input.chunk;
      await writeChunkPart(deps, partsDir, docIndex, { part, of, summary: response.choices[0]?.message.content ?? '', servedBy: id, costUsd: response.routing?.costUsd ?? 0 });
    }
    // A healthy fleet has no news: nothing more goes into history.
    return news === undefined || Object.keys(news).length === 0 ? { response } : { response, health: news };
  };
}

/** The shared health worth telling a workflow (empty when the fleet is healthy). */
export function newsFrom(agent: HealthAgent): SharedHealthView {
  const config = agent.routingConfig();
  return config === null ? {} : sharedView(config, agent.state(), Date.now());
}

function successOutcome(response: ChatResponse, latencyMs: number): AttemptResult {
  const result: AttemptResult = { ok: true, latencyMs: response.routing?.latencyMs ?? latencyMs };
  if (response.usage?.completion_tokens !== undefined) result.outputTokens = response.usage.completion_tokens;
  if (response.usage?.total_tokens !== undefined) result.totalTokens = response.usage.total_tokens;
  if (response.routing?.timeToFirstTokenMs !== undefined) result.ttftMs = response.routing.timeToFirstTokenMs;
  if (response.routing?.costUsd !== undefined) result.costUsd = response.routing.costUsd;
  return result;
}

export function failureOutcome(err: LlmRouterError, latencyMs: number): AttemptResult {
  const result: AttemptResult = { ok: false, errorClass: err.name, latencyMs };
  if (err.status !== undefined) result.status = err.status;
  if (err.retryAfterMs !== undefined) result.retryAfterMs = err.retryAfterMs;
  return result;
}

/**
 * Before a call with shared health: the first read, the probe gate (a
 * suspect deployment takes one call at a time in this worker), then
 * `skipByFleet` on what is known after waiting. End the lease after
 * reporting the call's outcome.
 */
export async function enterCall(agent: HealthAgent, id: string): Promise<{ lease: CallLease } | FleetSkip> {
  await agent.ready();
  const lease = await agent.beginCall(id);
  const skipped = skipByFleet(agent, id);
  if (skipped === undefined) return { lease };
  lease.end();
  return skipped;
}

/**
 * No call when the fleet already knows better: the deployment is cooling, or
 * a budget covering it was spent by any job or replica. The news carries why,
 * so the workflow picks another deployment.
 */
export interface FleetSkip {
  skipped: { deploymentId: string; until: number; reason: CooldownReason | null };
  health: SharedHealthView;
}

export function skipByFleet(agent: HealthAgent, id: string): FleetSkip | undefined {
  const now = Date.now();
  const known = agent.state().deployments[id];
  if (known !== undefined && known.cooldownUntil > now) {
    return { skipped: { deploymentId: id, until: known.cooldownUntil, reason: known.cooldownReason }, health: newsFrom(agent) };
  }
  const shared = agent.routingConfig();
  const budgetUntil = shared?.budgets === undefined ? undefined : overBudget(shared, agent.state(), [id], now).get(id);
  if (budgetUntil !== undefined) {
    return { skipped: { deploymentId: id, until: budgetUntil, reason: { errorClass: 'BudgetExceeded', status: null, rule: 'immediate' } }, health: newsFrom(agent) };
  }
  return undefined;
}
