import {
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { RoutingRequest } from '../src/core';
import type { RouterActivities } from '../activities';
import { LlmFailedDeployments, LlmFallbackCount, LlmModelGroup } from '../src/temporal/search-attributes';
import { chunkTokensFor, CHUNK_PROMPT_RESERVE_TOKENS } from './chunking';
import { WorkflowRouter, type RoutedResponse } from './workflow-router';
import type {
  BatchProgress,
  BatchSummarizeInput,
  BatchSummarizeResult,
  DocRef,
  DocumentPrompt,
  DocumentResultRecord,
  ListCursor,
} from './batch-types';

export const DEFAULT_BATCH_CONCURRENCY = 8;
/** Well under Temporal's 10,240-event warning, so a run never gets near the 51,200 limit. */
export const DEFAULT_CONTINUE_AS_NEW_EVENTS = 8_000;
export const DEFAULT_PAGE_SIZE = 200;
export const RECENT_COOLDOWNS_KEPT = 20;
/** Rough characters per token, used only to decide whether partial summaries need another combine round. */
const CHARS_PER_TOKEN_FLOOR = 3;

// --- Queries ---
export const batchProgressQuery = defineQuery<BatchProgress>('batchProgress');

// --- Activities ---
// Listing and merging touch many files: regular activities with heartbeats.
const files = proxyActivities<RouterActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '1 second' },
});
// Reading one document's size and writing one small result file are quick
// and idempotent: local activities cost one marker event instead of three.
const local = proxyLocalActivities<RouterActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '200 milliseconds' },
});

function freshProgress(): BatchProgress {
  const now = Date.now();
  return {
    status: 'listing', total: null, done: 0, failed: 0, inFlight: 0, servedBy: {}, costUsd: 0, fallbacks: 0, providerCalls: 0,
    cooldownEvents: 0, recentCooldowns: [], coolingDown: [], chunkedDocuments: 0, run: 0, startedAt: now, updatedAt: now,
  };
}

function failureOf(err: unknown): { errorClass: string; message: string } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { type?: unknown; message?: unknown; name?: unknown };
  const errorClass = typeof e.type === 'string' ? e.type : typeof e.name === 'string' ? e.name : 'Error';
  return { errorClass, message: typeof e.message === 'string' ? e.message : String(err) };
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
  const progress: BatchProgress = carried
    ? { ...carried.progress, status: 'running', inFlight: 0, run: carried.progress.run + 1 }
    : freshProgress();
  const concurrency = Math.max(1, input.concurrency ?? DEFAULT_BATCH_CONCURRENCY);
  const eventLimit = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_EVENTS;
  const pageSize = Math.max(1, input.pageSize ?? DEFAULT_PAGE_SIZE);
  const partsDir = `${input.output.jsonlPath}.parts`;
  const chunkTokens = chunkTokensFor(input.config.routing, input.group);

  let runFallbacks = 0;
  const runFailed: string[] = [];
  const router = new WorkflowRouter(input.config, carried?.routing, input.options, {
    onHopEnd(hop) {
      progress.providerCalls += hop.attempts;
      if (hop.outcome === 'success') return;
      progress.fallbacks++;
      runFallbacks++;
      const newDeployment = !runFailed.includes(hop.deployment);
      if (newDeployment) runFailed.push(hop.deployment);
      // Each upsert is a history event: on every new failed deployment, then at powers of two.
      if (newDeployment || (runFallbacks & (runFallbacks - 1)) === 0) publishRunAttributes();
    },
    onCooldown(cooldown) {
      progress.cooldownEvents++;
      progress.recentCooldowns = [...progress.recentCooldowns, { ...cooldown, at: Date.now(), documentId: current ?? '' }].slice(-RECENT_COOLDOWNS_KEPT);
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

  const routingRequest = (tokens: number): RoutingRequest => ({
    group: input.group,
    stream: false,
    estimatedInputTokens: tokens + CHUNK_PROMPT_RESERVE_TOKENS,
    ...(input.maxTokens === undefined ? {} : { maxOutputTokens: input.maxTokens }),
  });
  const promptBase = {
    ...(input.instructions === undefined ? {} : { instructions: input.instructions }),
    ...(input.maxTokens === undefined ? {} : { maxTokens: input.maxTokens }),
  };
  const routeDocument = (doc: DocRef, tokens: number, prompt: DocumentPrompt, label: string) =>
    router.complete(routingRequest(tokens), (deployment) => ({ deployment, document: prompt }), label);

  async function summarise(doc: DocRef): Promise<DocumentResultRecord> {
    const base = { index: doc.index, id: doc.id, path: doc.path };
    const prepared = await local.prepareDocument({ source: input.source, doc, chunkTokens });
    if (!prepared.ok) return { ...base, status: 'failed', errorClass: prepared.errorClass, error: prepared.message };
    const routedCalls: RoutedResponse[] = [];
    let final: RoutedResponse;
    if (prepared.chunks.length === 1) {
      final = await routeDocument(doc, prepared.tokens, { kind: 'summarize', source: input.source, doc, ...promptBase }, `doc ${doc.id}`);
      routedCalls.push(final);
    } else {
      // Map: each chunk fits the smallest window of the chain; reduce: combine the partial summaries.
      progress.chunkedDocuments++;
      const n = prepared.chunks.length;
      let partials: string[] = [];
      for (const [i, range] of prepared.chunks.entries()) {
        const routed = await routeDocument(doc, range[1] - range[0], {
          kind: 'summarize', source: input.source, doc, tokenRange: range, part: { index: i, of: n }, ...promptBase,
        }, `doc ${doc.id} part ${i + 1}/${n}`);
        routedCalls.push(routed);
        partials.push(textOf(routed));
      }
      const budgetChars = (chunkTokens ?? Number.MAX_SAFE_INTEGER) * CHARS_PER_TOKEN_FLOOR;
      for (;;) {
        // Combine in groups that fit the window; repeat until one summary is left.
        const groups: string[][] = [];
        let group: string[] = [];
        let size = 0;
        for (const p of partials) {
          if (group.length > 0 && size + p.length > budgetChars) {
            groups.push(group);
            group = [];
            size = 0;
          }
          group.push(p);
          size += p.length;
        }
        groups.push(group);
        const combined: RoutedResponse[] = [];
        for (const g of groups) {
          const tokens = Math.ceil(g.reduce((s, p) => s + p.length, 0) / CHARS_PER_TOKEN_FLOOR);
          const routed = await routeDocument(doc, tokens, { kind: 'combine', docId: doc.id, partials: g, ...promptBase }, `doc ${doc.id} combine ${g.length}`);
          routedCalls.push(routed);
          combined.push(routed);
        }
        if (combined.length === 1) {
          final = combined[0] as RoutedResponse;
          break;
        }
        partials = combined.map(textOf);
      }
    }
    for (const routed of routedCalls) {
      progress.servedBy[routed.routing.servedBy] = (progress.servedBy[routed.routing.servedBy] ?? 0) + 1;
    }
    const costUsd = routedCalls.reduce((s, r) => s + (r.routing.costUsd ?? 0), 0);
    progress.costUsd += costUsd;
    return {
      ...base,
      status: 'ok',
      summary: textOf(final),
      servedBy: final.routing.servedBy,
      model: final.routing.model,
      attempts: routedCalls.reduce((s, r) => s + r.routing.attempts, 0),
      fallbacks: routedCalls.reduce((s, r) => s + r.routing.fallbackCount, 0),
      chunks: prepared.chunks.length,
      costUsd,
    };
  }

  async function processDocument(doc: DocRef): Promise<void> {
    current = doc.id;
    let record: DocumentResultRecord;
    try {
      record = await summarise(doc);
    } catch (err) {
      if (isCancellation(err)) return;
      const failure = failureOf(err);
      record = { index: doc.index, id: doc.id, path: doc.path, status: 'failed', errorClass: failure.errorClass, error: failure.message };
    }
    // A finished summary is written even if the batch is being cancelled: cancelling keeps what is done.
    await CancellationScope.nonCancellable(() => local.writeDocumentResult({ partsDir, record }));
    if (record.status === 'ok') progress.done++;
    else progress.failed++;
    progress.updatedAt = Date.now();
    setCurrentDetails(`${progress.done} done, ${progress.failed} failed of ${progress.total ?? '?'}; run ${progress.run}`);
  }

  let cursor: ListCursor | null = carried ? carried.cursor : { index: 0 };
  let buffer: DocRef[] = [];
  let launched = carried?.launched ?? 0;
  let inFlight = 0;
  const rotate = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= eventLimit;
  };

  try {
    await CancellationScope.cancellable(async () => {
      if (progress.total === null) {
        progress.total = await files.countDocuments({ source: input.source });
      }
      progress.status = 'running';
      while (!rotate()) {
        if (buffer.length === 0) {
          if (cursor === null) break;
          const page = await files.listDocuments({ source: input.source, cursor, limit: pageSize });
          buffer = page.refs;
          cursor = page.next;
          if (buffer.length === 0) break;
        }
        await condition(() => inFlight < concurrency);
        const doc = buffer.shift() as DocRef;
        inFlight++;
        launched++;
        progress.inFlight = inFlight;
        // processDocument settles every failure itself; the catch only keeps a bug from becoming an unhandled rejection.
        processDocument(doc)
          .catch((err: unknown) => {
            if (!isCancellation(err)) throw err;
          })
          .finally(() => {
            inFlight--;
            progress.inFlight = inFlight;
          });
      }
      await condition(() => inFlight === 0);
    });
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancelling keeps what is done: finish the bookkeeping and merge the partial results.
    progress.status = 'cancelled';
    await CancellationScope.nonCancellable(async () => {
      await condition(() => inFlight === 0);
      await files.mergeResults({ partsDir, output: input.output });
    });
    throw err;
  }

  publishRunAttributes();
  const more = buffer.length > 0 || cursor !== null;
  if (more) {
    const next = buffer[0];
    const resume: ListCursor | null = next === undefined ? cursor : { index: next.index, ...(next.offset === undefined ? {} : { byteOffset: next.offset }) };
    await continueAsNew<typeof batchSummarize>({
      ...input,
      carried: { cursor: resume, launched, total: progress.total ?? 0, progress: { ...progress, inFlight: 0 }, routing: router.carry() },
    });
  }
  progress.status = 'merging';
  const merged = await files.mergeResults({ partsDir, output: input.output });
  progress.status = 'completed';
  progress.updatedAt = Date.now();
  return { output: input.output, progress: { ...progress, coolingDown: [] }, written: merged.written };
}
