import {
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { countFallbacks, type RoutingRequest } from '../src/core';
import type { RouterActivities, SubmitProviderBatchResult } from '../activities';
import { LlmBatchServedBy, LlmFailedDeployments, LlmFallbackCount, LlmModelGroup } from '../src/temporal/search-attributes';
import { chunkTokensFor, CHUNK_PROMPT_RESERVE_TOKENS, DEFAULT_MAX_DOCUMENT_TOKENS, STRUCTURED_CHUNKS_PATCH } from './chunking';
import { DEFAULT_CHUNK_OVERLAP_TOKENS, type TextChunk } from './split-text';
import { partsLocation, sourceLocation } from './locations';
import { RESUME_AFTER_NAME_PATCH, resumeCursor } from './batch-resume';
import { WorkflowRouter, type RoutedResponse } from './workflow-router';
import type {
  BatchOutcome,
  BatchProgress,
  BatchSummarizeInput,
  BatchSummarizeResult,
  DocRef,
  DocumentPrompt,
  DocumentResultRecord,
  ListCursor,
  ProviderBatchProgress,
} from './batch-types';

export const DEFAULT_BATCH_CONCURRENCY = 8;
/** Well under Temporal's 10,240-event warning, so a run never gets near the 51,200 limit. */
export const DEFAULT_CONTINUE_AS_NEW_EVENTS = 8_000;
export const DEFAULT_PAGE_SIZE = 200;
export const RECENT_COOLDOWNS_KEPT = 20;
/** Runs from before this patch never upserted `LlmBatchServedBy`. */
export const BATCH_SERVED_BY_PATCH = 'batch-served-by';
/** Rough characters per token, used only to decide whether partial summaries need another combine round. */
const CHARS_PER_TOKEN_FLOOR = 3;
/** Failures reported by name in progress and results; the rest are counted by class. */
export const FAILURES_KEPT = 5;
/**
 * Outcomes, checks before the first provider call (output writable, source
 * not empty), cost guards, kept chunk summaries and resume. Runs started
 * before it replay without the new activities.
 */
export const BATCH_GUARDS_PATCH = 'batch-guards';
/**
 * `provider-batch` mode with `maxCostUsd`: provider batches are submitted one
 * at a time, each admitting documents while their cost bounds fit what the
 * budget has left. Runs before it sent every document and checked the
 * budget only between provider batches.
 */
export const PROVIDER_BATCH_BUDGET_PATCH = 'provider-batch-budget';

/** `provider-batch` mode: documents per provider batch (the providers take up to 50,000 and 100,000; the submitting activity holds one batch's prompts in memory). */
export const DEFAULT_PROVIDER_BATCH_SIZE = 1_000;
/** `provider-batch` mode: provider batches submitted and not yet ended, at most. */
export const DEFAULT_PROVIDER_BATCHES_IN_FLIGHT = 4;
/** `provider-batch` mode: the providers' 24 h completion window, and an hour for them to report the end. */
export const DEFAULT_PROVIDER_BATCH_MAX_WAIT_MS = 25 * 60 * 60 * 1000;
/** After cancelling a provider batch, how long to wait for it to end so what it answered can be read. */
const CANCELLED_BATCH_WAIT_MS = 10 * 60 * 1000;
/** Provider batch ids kept in progress. */
const RECENT_BATCH_IDS_KEPT = 20;

/** Thrown inside a chunked document when the budget is reached between two chunks: the document stops unfinished, its chunks kept. */
class BudgetStop extends Error {
  override readonly name = 'BudgetStop';
}

// --- Queries ---
export const batchProgressQuery = defineQuery<BatchProgress>('batchProgress');

// --- Activities ---
// Listing and merging touch many files: regular activities with heartbeats.
const files = proxyActivities<RouterActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '1 second' },
});
// The result file of a document that failed. (Summaries are written by the
// provider-call activity itself.) A regular activity, not a local one: local
// activities in flight when a worker died left replays without their markers
// in our crash tests.
const perDocument = proxyActivities<RouterActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '200 milliseconds' },
});

function freshProgress(guards: boolean): BatchProgress {
  const now = Date.now();
  return {
    status: 'listing', total: null, done: 0, failed: 0, inFlight: 0, servedBy: {}, costUsd: 0, fallbacks: 0, providerCalls: 0,
    cooldownEvents: 0, recentCooldowns: [], coolingDown: [], chunkedDocuments: 0, run: 0, startedAt: now, updatedAt: now,
    ...(guards ? { failuresByClass: {}, firstFailures: [], chunks: { done: 0, total: 0 }, reused: { documents: 0, chunks: 0 } } : {}),
  };
}

/** An activity's own failure (a missing source, an output that is a directory) as the batch's failure, named by its class. */
async function beforeAnyCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isCancellation(err)) throw err;
    const { errorClass, message } = failureOf(err);
    throw ApplicationFailure.create({ type: errorClass, message, nonRetryable: true });
  }
}

function outcomeOf(progress: BatchProgress, budgetStopped: boolean): BatchOutcome {
  if (budgetStopped) return 'budget-stopped';
  if (progress.failed === 0) return 'completed';
  return progress.done === 0 ? 'failed' : 'completed-with-failures';
}

/** The failure a document ended with: an activity's own (its cause) or one the workflow raised when routing gave up. */
function failureOf(err: unknown): { errorClass: string; message: string } {
  const outer = (typeof err === 'object' && err !== null ? err : {}) as { type?: unknown; message?: unknown; name?: unknown; cause?: unknown };
  const cause = (typeof outer.cause === 'object' && outer.cause !== null ? outer.cause : undefined) as { type?: unknown; message?: unknown } | undefined;
  const e = typeof cause?.type === 'string' ? cause : outer;
  const errorClass = typeof e.type === 'string' ? e.type : typeof outer.name === 'string' ? outer.name : 'Error';
  return { errorClass, message: typeof e.message === 'string' ? e.message : String(err) };
}

function errorType(err: unknown): string {
  return failureOf(err).errorClass;
}

function errorDetails(err: unknown): Record<string, unknown> | undefined {
  const cause = (err as { cause?: { details?: unknown } } | null)?.cause;
  return Array.isArray(cause?.details) ? (cause.details[0] as Record<string, unknown> | undefined) : undefined;
}

function errorDetail(err: unknown, key: string): number | undefined {
  const value = errorDetails(err)?.[key];
  return typeof value === 'number' ? value : undefined;
}

/** The chunks the activity cut a too-large document into (absent from refusals recorded before structured chunking). */
function errorChunks(err: unknown): TextChunk[] | undefined {
  const value = errorDetails(err)?.chunks;
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const ok = value.every((c) => Array.isArray(c) && c.length === 3 && c.every((n) => typeof n === 'number'));
  return ok ? (value as TextChunk[]) : undefined;
}

function textOf(routed: RoutedResponse): string {
  return routed.response.choices[0]?.message.content ?? '';
}

/**
 * Summarises every document of a source through the routed completion, a
 * bounded number at a time, sharing one routing state (cooldowns learned on
 * one document protect the next). Only references enter history; documents
 * are read and results written by activities, one result file per document,
 * merged into the JSONL at the end, so a document appears exactly once however
 * often a crash made its activities run. The run continues as new before its
 * history grows large, carrying cursor, counts and routing state.
 */
export async function batchSummarize(input: BatchSummarizeInput): Promise<BatchSummarizeResult> {
  const carried = input.carried;
  const guards = patched(BATCH_GUARDS_PATCH);
  const progress: BatchProgress = carried
    ? { ...carried.progress, status: 'running', inFlight: 0, run: carried.progress.run + 1 }
    : freshProgress(guards);
  const concurrency = Math.max(1, input.concurrency ?? DEFAULT_BATCH_CONCURRENCY);
  const eventLimit = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_EVENTS;
  const pageSize = Math.max(1, input.pageSize ?? DEFAULT_PAGE_SIZE);
  const partsDir = partsLocation(input.output.jsonlPath);
  const chunkTokens = chunkTokensFor(input.config.routing, input.group);
  const maxDocumentTokens = guards ? input.maxDocumentTokens ?? input.config.routing.settings.maxDocumentTokens ?? DEFAULT_MAX_DOCUMENT_TOKENS : undefined;
  const reuseFrom = guards && input.resume !== undefined ? partsDir : undefined;
  const overBudget = () => guards && input.maxCostUsd !== undefined && progress.costUsd >= input.maxCostUsd;
  let budgetStopped = false;
  const chunkOverlapTokens = Math.max(0, input.chunkOverlapTokens ?? DEFAULT_CHUNK_OVERLAP_TOKENS);

  let runFallbacks = 0;
  const runFailed: string[] = [];
  const router = new WorkflowRouter(input.config, carried?.routing, input.options, {
    onEvent(event) {
      switch (event.type) {
        case 'success':
          progress.providerCalls += event.calls;
          return;
        case 'attempt':
          // A fallback is a call that moved to another deployment or group after a failure.
          if (router.v1 || !event.moved) return;
          progress.fallbacks++;
          runFallbacks++;
          if ((runFallbacks & (runFallbacks - 1)) === 0) publishRunAttributes();
          return;
        case 'failure': {
          progress.providerCalls += event.calls;
          // Runs of the older rules counted every failed call as a fallback.
          if (router.v1) {
            progress.fallbacks++;
            runFallbacks++;
          }
          const newDeployment = !runFailed.includes(event.step.deploymentId);
          if (newDeployment) runFailed.push(event.step.deploymentId);
          // Each upsert is a history event: on every new failed deployment, then at powers of two.
          if (newDeployment || (router.v1 && (runFallbacks & (runFallbacks - 1)) === 0)) publishRunAttributes();
          return;
        }
        case 'cooldown':
          progress.cooldownEvents++;
          progress.recentCooldowns = [...progress.recentCooldowns, { ...event.cooldown, at: Date.now(), documentId: current ?? '' }].slice(-RECENT_COOLDOWNS_KEPT);
          return;
        default:
          return;
      }
    },
  });
  let current: string | undefined;
  const publishRunAttributes = () => {
    upsertSearchAttributes([
      { key: LlmFallbackCount, value: runFallbacks },
      ...(runFailed.length ? [{ key: LlmFailedDeployments, value: runFailed }] : []),
    ]);
  };

  setHandler(batchProgressQuery, () => {
    const now = Date.now();
    const coolingDown = Object.entries(router.routerState().deployments)
      .filter(([, ds]) => ds.cooldownUntil > now)
      .map(([deployment, ds]) => ({ deployment, until: ds.cooldownUntil }));
    return { ...progress, coolingDown };
  });
  upsertSearchAttributes([{ key: LlmModelGroup, value: input.group }, { key: LlmFallbackCount, value: 0 }]);

  // Only chunks have a known size here; a whole document is measured by the activity.
  const routingRequest = (tokens: number | undefined, exclude?: readonly string[]): RoutingRequest => ({
    group: input.group,
    stream: false,
    ...(exclude === undefined ? {} : { exclude }),
    ...(tokens === undefined ? {} : { estimatedInputTokens: tokens + CHUNK_PROMPT_RESERVE_TOKENS }),
    ...(input.maxTokens === undefined ? {} : { maxOutputTokens: input.maxTokens }),
  });
  const promptBase = {
    ...(input.instructions === undefined ? {} : { instructions: input.instructions }),
    ...(input.maxTokens === undefined ? {} : { maxTokens: input.maxTokens }),
  };
  const routeDocument = (prompt: DocumentPrompt, label: string, store?: Omit<DocumentResultRecord, 'status'>, chunk?: { docIndex: number; part: number; of: number }, chunkTokensKnown?: number, exclude?: readonly string[]) =>
    router.complete(
      routingRequest(chunkTokensKnown ?? (prompt.kind === 'summarize' && prompt.tokenRange ? prompt.tokenRange[1] - prompt.tokenRange[0] : undefined), exclude),
      (deployment, walk) => ({
        deployment,
        document: prompt,
        ...(chunk === undefined ? {} : { chunk: { partsDir, ...chunk } }),
        // The activity writes the result file itself; it adds its own call and cost to what came before.
        ...(store === undefined ? {} : {
          store: {
            partsDir,
            record: {
              ...store,
              attempts: (store.attempts ?? 0) + walk.attempts.length - 1 + walk.repeatCalls,
              fallbacks: (store.fallbacks ?? 0) + countFallbacks(walk.attempts),
            },
          },
        }),
      }),
      label,
    );

  // Each upsert is a history event: one when a deployment serves this batch for the first time (and once per carried run).
  const publishServedBy = () => {
    const ids = Object.keys(progress.servedBy).sort();
    if (ids.length > 0 && patched(BATCH_SERVED_BY_PATCH)) upsertSearchAttributes([{ key: LlmBatchServedBy, value: ids }]);
  };
  if (carried) publishServedBy();
  const served = (routed: RoutedResponse) => {
    const first = progress.servedBy[routed.routing.deployment] === undefined;
    progress.servedBy[routed.routing.deployment] = (progress.servedBy[routed.routing.deployment] ?? 0) + 1;
    progress.costUsd += routed.routing.costUsd ?? 0;
    if (first) publishServedBy();
  };

  /** Summarises a document whose result file the final call writes; throws what made it fail. */
  async function summarise(doc: DocRef, exclude?: readonly string[]): Promise<void> {
    const base = { index: doc.index, id: doc.id, path: doc.path };
    try {
      served(await routeDocument({
        kind: 'summarize', source: input.source, doc, chunkTokens, chunkOverlapTokens, ...(maxDocumentTokens === undefined ? {} : { maxDocumentTokens }), ...promptBase,
      }, `doc ${doc.id}`, { ...base, chunks: 1 }, undefined, undefined, exclude));
      return;
    } catch (err) {
      if (errorType(err) !== 'DocumentTooLargeError' || chunkTokens === null) throw err;
      const tokens = errorDetail(err, 'tokens');
      if (tokens === undefined) throw err;
      await summariseInChunks(doc, tokens, chunkTokens, base, errorChunks(err), exclude);
    }
  }

  /**
   * Map: each chunk fits the smallest window of the chain; reduce: combine the
   * partial summaries until one is left. Chunks are those the activity cut at
   * the document's structure; runs from before that patch cut at fixed token
   * offsets.
   */
  async function summariseInChunks(doc: DocRef, tokens: number, size: number, base: { index: number; id: string; path: string }, cut: TextChunk[] | undefined, exclude?: readonly string[]): Promise<void> {
    progress.chunkedDocuments++;
    const parts: Array<{ range: Pick<Extract<DocumentPrompt, { kind: 'summarize' }>, 'tokenRange' | 'charRange'>; tokens: number }> = [];
    if (cut !== undefined && patched(STRUCTURED_CHUNKS_PATCH)) {
      for (const [start, end, n] of cut) parts.push({ range: { charRange: [start, end] }, tokens: n });
    } else {
      for (let start = 0; start < tokens; start += size) parts.push({ range: { tokenRange: [start, Math.min(tokens, start + size)] }, tokens: Math.min(tokens, start + size) - start });
    }
    let attempts = 0;
    let fallbacks = 0;
    let cost = 0;
    const account = (routed: RoutedResponse) => {
      served(routed);
      attempts += routed.routing.attempts;
      fallbacks += routed.routing.fallbacks;
      cost += routed.routing.costUsd ?? 0;
      return textOf(routed);
    };
    const chunkProgress = progress.chunks;
    if (chunkProgress) chunkProgress.total += parts.length;
    // A resumed batch takes the chunk summaries an earlier run paid for.
    const kept = reuseFrom === undefined ? {} : await files.loadChunkParts({ partsDir, docIndex: doc.index, of: parts.length });
    let partials: string[] = [];
    for (const [i, part] of parts.entries()) {
      const known = kept[i];
      if (known !== undefined) {
        partials.push(known);
        if (progress.reused) progress.reused.chunks++;
      } else {
        if (overBudget()) throw new BudgetStop();
        partials.push(account(await routeDocument({
          kind: 'summarize', source: input.source, doc, ...part.range, part: { index: i, of: parts.length }, ...promptBase,
        }, `doc ${doc.id} part ${i + 1}/${parts.length}`, undefined, guards ? { docIndex: doc.index, part: i, of: parts.length } : undefined, part.tokens, exclude)));
      }
      if (chunkProgress) chunkProgress.done++;
    }
    const budgetChars = size * CHARS_PER_TOKEN_FLOOR;
    for (;;) {
      const groups: string[][] = [];
      let group: string[] = [];
      let chars = 0;
      for (const p of partials) {
        if (group.length > 0 && chars + p.length > budgetChars) {
          groups.push(group);
          group = [];
          chars = 0;
        }
        group.push(p);
        chars += p.length;
      }
      groups.push(group);
      if (groups.length === 1) {
        // The last combine writes the document's result.
        served(await routeDocument({ kind: 'combine', docId: doc.id, partials, ...promptBase }, `doc ${doc.id} combine ${partials.length}`, {
          ...base, chunks: parts.length, attempts, fallbacks, costUsd: cost,
        }, undefined, undefined, exclude));
        return;
      }
      const next: string[] = [];
      for (const g of groups) next.push(account(await routeDocument({ kind: 'combine', docId: doc.id, partials: g, ...promptBase }, `doc ${doc.id} combine ${g.length}`, undefined, undefined, undefined, exclude)));
      partials = next;
    }
  }

  async function processDocument(doc: DocRef, exclude?: readonly string[]): Promise<void> {
    current = doc.id;
    try {
      await summarise(doc, exclude);
      progress.done++;
    } catch (err) {
      if (isCancellation(err) || err instanceof BudgetStop) return;
      const failure = failureOf(err);
      const record: DocumentResultRecord = { index: doc.index, id: doc.id, path: doc.path, status: 'failed', errorClass: failure.errorClass, error: failure.message };
      // Written even if the batch is being cancelled: cancelling keeps what is known.
      await CancellationScope.nonCancellable(() => perDocument.writeDocumentResult({ partsDir, record }));
      progress.failed++;
      if (progress.failuresByClass) progress.failuresByClass[failure.errorClass] = (progress.failuresByClass[failure.errorClass] ?? 0) + 1;
      if (progress.firstFailures && progress.firstFailures.length < FAILURES_KEPT) {
        progress.firstFailures.push({ id: doc.id, errorClass: failure.errorClass, error: failure.message });
      }
    }
    progress.updatedAt = Date.now();
    setCurrentDetails(`${progress.done} done, ${progress.failed} failed of ${progress.total ?? '?'}; run ${progress.run}`);
  }
  // --- provider-batch mode ---
  const batchSettings = input.mode === 'provider-batch' ? input.providerBatch : undefined;
  const batchDeployment = batchSettings === undefined ? undefined : input.config.params[batchSettings.deployment];
  if (batchSettings !== undefined && batchDeployment === undefined) {
    throw ApplicationFailure.create({ type: 'ConfigError', message: `providerBatch.deployment "${batchSettings.deployment}" is not a deployment of this config`, nonRetryable: true });
  }
  if (input.mode === 'provider-batch' && batchSettings === undefined) {
    throw ApplicationFailure.create({ type: 'ConfigError', message: 'mode "provider-batch" needs providerBatch settings (the deployment whose batch endpoint takes the documents)', nonRetryable: true });
  }
  const batchSize = Math.max(1, batchSettings?.size ?? DEFAULT_PROVIDER_BATCH_SIZE);
  const batchesAllowed = Math.max(1, batchSettings?.inFlight ?? DEFAULT_PROVIDER_BATCHES_IN_FLIGHT);
  const maxWaitMs = batchSettings?.maxWaitMs ?? DEFAULT_PROVIDER_BATCH_MAX_WAIT_MS;
  if (batchSettings !== undefined) {
    progress.providerBatches ??= { deployment: batchSettings.deployment, submitted: 0, ended: 0, documents: 0, answered: 0, unanswered: {}, direct: 0, costUsd: 0, recentBatchIds: [] };
  }
  // Reading and sending a provider batch's documents, and writing its answers: long, heartbeating, retried on retryable errors.
  const batchIo = proxyActivities<RouterActivities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '2 minutes',
    retry: { maximumAttempts: 5, initialInterval: '2 seconds', maximumInterval: '1 minute' },
  });
  // The wait: one activity that polls and heartbeats, so no history is written per poll; a dead worker's wait moves on.
  const waitFor = (timeoutMs: number) => proxyActivities<RouterActivities>({
    startToCloseTimeout: timeoutMs,
    scheduleToCloseTimeout: timeoutMs,
    heartbeatTimeout: '2 minutes',
    retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', backoffCoefficient: 2 },
  }).awaitProviderBatch;
  let batchesInFlight = 0;
  /** What the provider batches in flight may still cost at most (their cost bounds): held back from the budget. */
  let reservedUsd = 0;
  // Asked only where it can matter, so other batches' histories carry no marker for it.
  const budgeted = batchSettings !== undefined && guards && input.maxCostUsd !== undefined && patched(PROVIDER_BATCH_BUDGET_PATCH);
  /** With a budget, one submission at a time: each must see what the ones before it may cost. */
  let submitting = false;

  /** Starts routing one document; the caller has waited for a free slot. */
  function launchDocument(doc: DocRef, exclude?: readonly string[]): void {
    inFlight++;
    progress.inFlight = inFlight;
    // processDocument settles every failure itself; the catch only keeps a bug from becoming an unhandled rejection.
    processDocument(doc, exclude)
      .catch((err: unknown) => {
        if (!isCancellation(err)) throw err;
      })
      .finally(() => {
        inFlight--;
        progress.inFlight = inFlight;
      });
  }

  /** Routes documents one by one, as `router` mode does, once a slot is free. */
  async function routeRest(docs: DocRef[], exclude?: readonly string[]): Promise<void> {
    for (const doc of docs) {
      await condition(() => inFlight < concurrency);
      launchDocument(doc, exclude);
    }
  }

  /**
   * One provider batch: submit, wait, write the answers, route the rest. A
   * document the provider did not answer goes to the router with the batch's
   * deployment excluded (it failed there once); one that could not be sent
   * goes as any document would. Cancelled, it cancels the provider batch
   * and still keeps what was answered (and paid for).
   */
  async function runProviderBatch(docs: DocRef[], pb: ProviderBatchProgress, deployment: NonNullable<typeof batchDeployment>): Promise<void> {
    const prompt = { chunkTokens, ...(maxDocumentTokens === undefined ? {} : { maxDocumentTokens }), ...promptBase };
    let submitted: SubmitProviderBatchResult | undefined;
    if (budgeted) {
      // Checked again on waking: two waiters can wake on the same release, and the first takes it.
      while (submitting) await condition(() => !submitting);
      // An earlier submission reached the budget while this one waited: its documents stay unstarted.
      if (budgetStopped) return;
      submitting = true;
    }
    try {
      // With --max-cost, documents go while their cost bounds fit what is left after what is spent and what batches in flight may cost.
      const budgetUsd = budgeted ? Math.max(0, (input.maxCostUsd ?? 0) - progress.costUsd - reservedUsd) : undefined;
      submitted = await batchIo.submitProviderBatch({ deployment, source: input.source, refs: docs, prompt, ...(budgetUsd === undefined ? {} : { budgetUsd }) });
    } catch (err) {
      if (isCancellation(err)) throw err;
      pb.lastError = `submit: ${failureOf(err).errorClass}: ${failureOf(err).message}`;
    } finally {
      if (budgeted) submitting = false;
    }
    if (submitted === undefined) {
      // The batch endpoint refused: the router takes every document, this deployment included.
      pb.direct += docs.length;
      await routeRest(docs);
      return;
    }
    const direct = new Set(submitted.direct);
    pb.direct += direct.size;
    // Over the budget: these stay unstarted (a resume picks them up), and no further provider batch is made.
    const deferred = new Set(submitted.deferred ?? []);
    if (deferred.size > 0) budgetStopped = true;
    // Held back until the answers are in; taken before any other submission can read the budget (no await since the lock).
    const bound = submitted.boundUsd ?? 0;
    reservedUsd += bound;
    const sent = docs.filter((d) => !direct.has(d.index) && !deferred.has(d.index));
    const byIndex = new Map(sent.map((d) => [d.index, d]));
    let unanswered: DocRef[] = [];
    if (submitted.batchId !== null) {
      const ref = { deployment, batchId: submitted.batchId };
      const poll = { ...ref, ...(batchSettings?.pollIntervalMs === undefined ? {} : { pollIntervalMs: batchSettings.pollIntervalMs }) };
      pb.submitted++;
      pb.documents += sent.length;
      pb.recentBatchIds = [...pb.recentBatchIds, submitted.batchId].slice(-RECENT_BATCH_IDS_KEPT);
      let cancelled: unknown;
      try {
        await waitFor(maxWaitMs)(poll);
      } catch (err) {
        if (isCancellation(err)) cancelled = err;
        else pb.lastError = `wait for ${submitted.batchId}: ${failureOf(err).errorClass}: ${failureOf(err).message}`;
        // Cancelled, timed out or unreadable: stop it, let it end, and read what it answered.
        await CancellationScope.nonCancellable(async () => {
          await batchIo.cancelProviderBatch(ref).catch(() => undefined);
          await waitFor(CANCELLED_BATCH_WAIT_MS)(poll).catch(() => undefined);
        });
      }
      try {
        const collected = await CancellationScope.nonCancellable(() => batchIo.collectProviderBatch({ ...ref, refs: sent, partsDir })).finally(() => {
          reservedUsd -= bound;
        });
        pb.ended++;
        pb.answered += collected.succeeded;
        pb.costUsd += collected.costUsd;
        progress.done += collected.succeeded;
        progress.costUsd += collected.costUsd;
        progress.providerCalls += sent.length;
        if (collected.succeeded > 0) {
          const first = progress.servedBy[deployment.id] === undefined;
          progress.servedBy[deployment.id] = (progress.servedBy[deployment.id] ?? 0) + collected.succeeded;
          if (first) publishServedBy();
        }
        for (const u of collected.unanswered) {
          pb.unanswered[u.outcome] = (pb.unanswered[u.outcome] ?? 0) + 1;
          const doc = byIndex.get(u.index);
          if (doc !== undefined) unanswered.push(doc);
        }
      } catch (err) {
        if (isCancellation(err)) throw err;
        // Its answers cannot be read: the router takes every document it held.
        pb.lastError = `results of ${submitted.batchId}: ${failureOf(err).errorClass}: ${failureOf(err).message}`;
        pb.unanswered.unreadable = (pb.unanswered.unreadable ?? 0) + sent.length;
        unanswered = sent;
      }
      progress.updatedAt = Date.now();
      setCurrentDetails(`${progress.done} done, ${progress.failed} failed of ${progress.total ?? '?'}; ${pb.answered} answered by ${pb.ended} of ${pb.submitted} provider batch(es); run ${progress.run}`);
      if (cancelled !== undefined) throw cancelled;
    }
    await routeRest(docs.filter((d) => direct.has(d.index)));
    await routeRest(unanswered, [deployment.id]);
  }

  setCurrentDetails(carried ? `run ${progress.run}: ${progress.done} done, ${progress.failed} failed of ${progress.total ?? '?'} so far` : 'listing documents');

  let cursor: ListCursor | null = carried ? carried.cursor : { index: 0 };
  let buffer: DocRef[] = [];
  let previous: DocRef | undefined;
  let launched = carried?.launched ?? 0;
  let inFlight = 0;
  /** Refills the buffer with the next page of references; false when none is left. */
  const nextPage = async (): Promise<boolean> => {
    if (cursor === null) return false;
    const page = await files.listDocuments({ source: input.source, cursor, limit: pageSize, ...(reuseFrom === undefined ? {} : { reuseFrom }) });
    buffer = page.refs;
    cursor = page.next;
    return buffer.length > 0;
  };
  /** An earlier run wrote its summary: nothing to pay for. */
  const countReused = () => {
    launched++;
    progress.done++;
    if (progress.reused) progress.reused.documents++;
  };
  const rotate = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= eventLimit;
  };

  try {
    await CancellationScope.cancellable(async () => {
      if (progress.total === null) {
        // Before the first provider call: an output that cannot be written, a source with nothing in it.
        if (guards) {
          await beforeAnyCall(() => files.checkOutput({ output: input.output }));
          // Results an earlier batch left beside the same output belong to it, not to this one (a resume reuses them).
          if (input.resume === undefined) await files.removeResultParts({ partsDir });
        }
        progress.total = guards
          ? await beforeAnyCall(() => files.countDocuments({ source: input.source }))
          : await files.countDocuments({ source: input.source });
        if (guards && progress.total === 0 && input.allowEmpty !== true) {
          throw ApplicationFailure.create({
            type: 'EmptySourceError',
            message: `document source ${sourceLocation(input.source)} has no documents (allowEmpty / --allow-empty accepts an empty batch)`,
            nonRetryable: true,
          });
        }
      }
      progress.status = 'running';
      while (!rotate()) {
        if (batchDeployment !== undefined && progress.providerBatches !== undefined) {
          await condition(() => batchesInFlight < batchesAllowed);
          if (budgetStopped || overBudget()) {
            budgetStopped = true;
            break;
          }
          const docs: DocRef[] = [];
          while (docs.length < batchSize && (buffer.length > 0 || (await nextPage()))) {
            const doc = buffer.shift() as DocRef;
            if (doc.reused) {
              countReused();
              continue;
            }
            launched++;
            previous = doc;
            docs.push(doc);
          }
          if (docs.length === 0) break;
          batchesInFlight++;
          runProviderBatch(docs, progress.providerBatches, batchDeployment)
            .catch((err: unknown) => {
              if (!isCancellation(err)) throw err;
            })
            .finally(() => {
              batchesInFlight--;
            });
          continue;
        }
        if (buffer.length === 0 && !(await nextPage())) break;
        const next = buffer[0] as DocRef;
        if (next.reused) {
          buffer.shift();
          countReused();
          continue;
        }
        await condition(() => inFlight < concurrency);
        if (overBudget()) {
          budgetStopped = true;
          break;
        }
        const doc = buffer.shift() as DocRef;
        previous = doc;
        launched++;
        launchDocument(doc);
      }
      await condition(() => inFlight === 0 && batchesInFlight === 0);
    });
  } catch (err) {
    if (!isCancellation(err)) {
      await router.flushHealth();
      setCurrentDetails(`failed: ${failureOf(err).errorClass}: ${failureOf(err).message}\n\n${finalDetails('failed', progress, input.output.jsonlPath)}`);
      throw err;
    }
    // Cancelling keeps what is done: finish the bookkeeping and merge the partial results.
    progress.status = 'cancelled';
    await CancellationScope.nonCancellable(async () => {
      await condition(() => inFlight === 0 && batchesInFlight === 0);
      await files.mergeResults({ partsDir, output: input.output });
    });
    await router.flushHealth();
    setCurrentDetails(finalDetails('cancelled', progress, input.output.jsonlPath));
    throw err;
  }

  publishRunAttributes();
  await router.flushHealth();
  // A stopped chunked document also stopped the walk: the budget holds for every run of the chain.
  if (guards && !budgetStopped && overBudget() && progress.done + progress.failed < (progress.total ?? 0)) budgetStopped = true;
  const more = !budgetStopped && (buffer.length > 0 || cursor !== null);
  if (more) {
    const next = buffer[0];
    const resume: ListCursor | null = next === undefined ? cursor : resumeCursor(next, cursor, previous, patched(RESUME_AFTER_NAME_PATCH));
    await continueAsNew<typeof batchSummarize>({
      ...input,
      carried: { cursor: resume, launched, total: progress.total ?? 0, progress: { ...progress, inFlight: 0 }, routing: router.carry() },
    });
  }
  progress.status = 'merging';
  const merged = await files.mergeResults({ partsDir, output: input.output });
  const outcome = outcomeOf(progress, budgetStopped);
  if (budgetStopped) progress.budgetReached = { limitUsd: input.maxCostUsd ?? 0, notStarted: (progress.total ?? 0) - progress.done - progress.failed };
  // Every record is in the JSONL now. Runs that merged before this step existed replay without it. A batch that
  // did not complete keeps its per-document and chunk files, so a resumed batch pays only for what is missing.
  if ((!guards || outcome === 'completed') && patched('remove-result-parts')) await files.removeResultParts({ partsDir });
  progress.status = budgetStopped ? 'budget-stopped' : 'completed';
  progress.updatedAt = Date.now();
  setCurrentDetails(finalDetails(outcome.replace(/-/g, ' '), progress, input.output.jsonlPath));
  return { output: input.output, progress: { ...progress, coolingDown: [] }, written: merged.written, ...(guards ? { outcome } : {}) };
}

/** What the UI's Current Details say once a batch has ended: the totals, and where the output is. */
export function finalDetails(how: string, p: BatchProgress, jsonlPath: string): string {
  const servedBy = Object.entries(p.servedBy).sort(([a], [b]) => a.localeCompare(b)).map(([d, n]) => `${d} ${n}`).join(', ');
  return [
    `${how}: ${p.done} done, ${p.failed} failed of ${p.total ?? '?'}`,
    `served by: ${servedBy || 'none'}`,
    `${p.providerCalls} provider call(s), ${p.fallbacks} fallback(s), ${p.cooldownEvents} cooldown(s), $${p.costUsd.toFixed(4)} at list prices` + (p.chunkedDocuments > 0 ? `, ${p.chunkedDocuments} document(s) in chunks` : ''),
    `output: ${jsonlPath}`,
    // Blank lines: the UI renders Current Details as Markdown, which joins single lines into one paragraph.
  ].join('\n\n');
}
