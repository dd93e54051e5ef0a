import {
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
import type { RouterActivities } from '../activities';
import { LlmFailedDeployments, LlmFallbackCount, LlmModelGroup } from '../src/temporal/search-attributes';
import { chunkTokensFor, CHUNK_PROMPT_RESERVE_TOKENS } from './chunking';
import { partsLocation } from './locations';
import { RESUME_AFTER_NAME_PATCH, resumeCursor } from './batch-resume';
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
// The result file of a document that failed. (Summaries are written by the
// provider-call activity itself.) A regular activity, not a local one: local
// activities in flight when a worker died left replays without their markers
// in our crash tests.
const perDocument = proxyActivities<RouterActivities>({
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

function errorDetail(err: unknown, key: string): number | undefined {
  const cause = (err as { cause?: { details?: unknown } } | null)?.cause;
  const first = Array.isArray(cause?.details) ? (cause.details[0] as Record<string, unknown> | undefined) : undefined;
  const value = first?.[key];
  return typeof value === 'number' ? value : undefined;
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
  const partsDir = partsLocation(input.output.jsonlPath);
  const chunkTokens = chunkTokensFor(input.config.routing, input.group);

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
  const routingRequest = (tokens: number | undefined): RoutingRequest => ({
    group: input.group,
    stream: false,
    ...(tokens === undefined ? {} : { estimatedInputTokens: tokens + CHUNK_PROMPT_RESERVE_TOKENS }),
    ...(input.maxTokens === undefined ? {} : { maxOutputTokens: input.maxTokens }),
  });
  const promptBase = {
    ...(input.instructions === undefined ? {} : { instructions: input.instructions }),
    ...(input.maxTokens === undefined ? {} : { maxTokens: input.maxTokens }),
  };
  const routeDocument = (prompt: DocumentPrompt, label: string, store?: Omit<DocumentResultRecord, 'status'>) =>
    router.complete(
      routingRequest(prompt.kind === 'summarize' && prompt.tokenRange ? prompt.tokenRange[1] - prompt.tokenRange[0] : undefined),
      (deployment, walk) => ({
        deployment,
        document: prompt,
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

  const served = (routed: RoutedResponse) => {
    progress.servedBy[routed.routing.deployment] = (progress.servedBy[routed.routing.deployment] ?? 0) + 1;
    progress.costUsd += routed.routing.costUsd ?? 0;
  };

  /** Summarises a document whose result file the final call writes; throws what made it fail. */
  async function summarise(doc: DocRef): Promise<void> {
    const base = { index: doc.index, id: doc.id, path: doc.path };
    try {
      served(await routeDocument({ kind: 'summarize', source: input.source, doc, chunkTokens, ...promptBase }, `doc ${doc.id}`, { ...base, chunks: 1 }));
      return;
    } catch (err) {
      if (errorType(err) !== 'DocumentTooLargeError' || chunkTokens === null) throw err;
      const tokens = errorDetail(err, 'tokens');
      if (tokens === undefined) throw err;
      await summariseInChunks(doc, tokens, chunkTokens, base);
    }
  }

  /** Map: each chunk fits the smallest window of the chain; reduce: combine the partial summaries until one is left. */
  async function summariseInChunks(doc: DocRef, tokens: number, size: number, base: { index: number; id: string; path: string }): Promise<void> {
    progress.chunkedDocuments++;
    const ranges: Array<[number, number]> = [];
    for (let start = 0; start < tokens; start += size) ranges.push([start, Math.min(tokens, start + size)]);
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
    let partials: string[] = [];
    for (const [i, range] of ranges.entries()) {
      partials.push(account(await routeDocument({
        kind: 'summarize', source: input.source, doc, tokenRange: range, part: { index: i, of: ranges.length }, ...promptBase,
      }, `doc ${doc.id} part ${i + 1}/${ranges.length}`)));
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
          ...base, chunks: ranges.length, attempts, fallbacks, costUsd: cost,
        }));
        return;
      }
      const next: string[] = [];
      for (const g of groups) next.push(account(await routeDocument({ kind: 'combine', docId: doc.id, partials: g, ...promptBase }, `doc ${doc.id} combine ${g.length}`)));
      partials = next;
    }
  }

  async function processDocument(doc: DocRef): Promise<void> {
    current = doc.id;
    try {
      await summarise(doc);
      progress.done++;
    } catch (err) {
      if (isCancellation(err)) return;
      const failure = failureOf(err);
      const record: DocumentResultRecord = { index: doc.index, id: doc.id, path: doc.path, status: 'failed', errorClass: failure.errorClass, error: failure.message };
      // Written even if the batch is being cancelled: cancelling keeps what is known.
      await CancellationScope.nonCancellable(() => perDocument.writeDocumentResult({ partsDir, record }));
      progress.failed++;
    }
    progress.updatedAt = Date.now();
    setCurrentDetails(`${progress.done} done, ${progress.failed} failed of ${progress.total ?? '?'}; run ${progress.run}`);
  }

  let cursor: ListCursor | null = carried ? carried.cursor : { index: 0 };
  let buffer: DocRef[] = [];
  let previous: DocRef | undefined;
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
        previous = doc;
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
    if (!isCancellation(err)) {
      await router.flushHealth();
      throw err;
    }
    // Cancelling keeps what is done: finish the bookkeeping and merge the partial results.
    progress.status = 'cancelled';
    await CancellationScope.nonCancellable(async () => {
      await condition(() => inFlight === 0);
      await files.mergeResults({ partsDir, output: input.output });
    });
    await router.flushHealth();
    throw err;
  }

  publishRunAttributes();
  await router.flushHealth();
  const more = buffer.length > 0 || cursor !== null;
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
  // Every record is in the JSONL now. Runs that merged before this step existed replay without it.
  if (patched('remove-result-parts')) await files.removeResultParts({ partsDir });
  progress.status = 'completed';
  progress.updatedAt = Date.now();
  return { output: input.output, progress: { ...progress, coolingDown: [] }, written: merged.written };
}
