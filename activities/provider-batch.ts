// A batch's documents through a provider's batch endpoint (`batch start
// --mode provider-batch`): submit them in one provider batch, wait for it
// durably, write each answered document's result file, and hand back the
// documents the provider did not answer, which the workflow routes as usual.
//
//   submitProviderBatch   reads the documents, builds the same prompts a hop
//                         would, submits them; documents that cannot go
//                         (unreadable, too large for one call) come back for
//                         the router, which reports or chunks them
//   awaitProviderBatch    polls until the batch has ended, heartbeating, so
//                         a dead worker's wait moves to another worker; no
//                         history is written per poll
//   collectProviderBatch  writes the answered documents' result files (one
//                         per document, so a retry rewrites the same ones)
//                         and returns only who was not answered, and why
//   cancelProviderBatch   when the workflow is cancelled or the wait gave up
//
// Document texts and answers never enter workflow history; only references,
// the batch id and the unanswered documents' indices do.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ProviderRegistry } from '../src/providers';
import type { ProviderBatchClient, ProviderBatchItem, ProviderBatchStatus } from '../src/providers/batch';
import type { DeploymentParams } from '../src/providers/types';
import { isLlmRouterError } from '../src/errors';
import { toApplicationFailure } from '../src/temporal/to-application-failure';
import type { DocRef, DocumentPrompt, DocumentResultRecord, DocumentSource } from '../workflows/batch-types';
import { promptRequest } from './call-deployment';
import { writeResultPart, type DocumentDeps } from './documents';
import { inOrderWindow } from './ordered-window';

/** Documents read, or result files written, at once. */
const IO_WINDOW = 16;
/** Between polls when the input names no interval: a provider batch takes minutes to hours. */
export const DEFAULT_PROVIDER_BATCH_POLL_MS = 60_000;

export interface ProviderBatchDeps extends DocumentDeps {
  providers: Partial<Pick<ProviderRegistry, 'batch'>>;
}

/** What every document's prompt shares: the same fields a hop's `summarize` prompt carries. */
export interface ProviderBatchPrompt {
  instructions?: string;
  maxTokens?: number;
  /** A document with more tokens than this goes to the router instead, which summarises it in chunks. */
  chunkTokens: number | null;
  maxDocumentTokens?: number;
}

export interface SubmitProviderBatchInput {
  deployment: DeploymentParams;
  source: DocumentSource;
  refs: DocRef[];
  prompt: ProviderBatchPrompt;
  /**
   * What the batch may still spend (`--max-cost` less what is spent and what
   * the batches in flight may cost): documents go in order while the sum of
   * their cost bounds fits; the first that does not, and all after it, stay.
   */
  budgetUsd?: number;
}

export interface SubmitProviderBatchResult {
  /** Null when no document could go (all of them are for the router, or over the budget). */
  batchId: string | null;
  /** Indices (DocRef.index) of the documents for the router: unreadable, over the token cap, or too large for one call. */
  direct: number[];
  /** With a budget: indices of the documents not sent because their cost bound would pass it (the last ones read). */
  deferred?: number[];
  /** With a budget: the most the sent documents can cost at the batch price, which the workflow holds back until their answers are in. */
  boundUsd?: number;
}

/** How many of `items`, in order, fit `budgetUsd` by their cost bounds, and what those may cost; null when an item cannot be bounded. */
function admittedWithin(items: readonly ProviderBatchItem[], client: ProviderBatchClient, budgetUsd: number): { count: number; boundUsd: number } | null {
  let boundUsd = 0;
  for (let i = 0; i < items.length; i++) {
    const bound = client.costBoundUsd?.((items[i] as ProviderBatchItem).request);
    if (bound === undefined) return null;
    if (boundUsd + bound > budgetUsd) return { count: i, boundUsd };
    boundUsd += bound;
  }
  return { count: items.length, boundUsd };
}

export interface ProviderBatchRef {
  deployment: DeploymentParams;
  batchId: string;
}

export interface AwaitProviderBatchInput extends ProviderBatchRef {
  /** Between two status reads (default `DEFAULT_PROVIDER_BATCH_POLL_MS`). */
  pollIntervalMs?: number;
}

export interface CollectProviderBatchInput extends ProviderBatchRef {
  /** The documents submitted, for their result records. */
  refs: DocRef[];
  partsDir: string;
}

export interface UnansweredDocument {
  index: number;
  outcome: 'errored' | 'expired' | 'cancelled' | 'missing';
  message: string;
}

export interface CollectProviderBatchResult {
  succeeded: number;
  /** At the batch price, for the answered documents. */
  costUsd: number;
  unanswered: UnansweredDocument[];
}

/** The custom id that maps a result back to its document. */
export function customIdOf(index: number): string {
  return `doc-${index}`;
}

function batchClient(deps: ProviderBatchDeps, deployment: DeploymentParams): ProviderBatchClient {
  const client = deps.providers.batch?.(deployment);
  if (client === undefined) {
    throw ApplicationFailure.create({ type: 'BadRequestError', message: `deployment "${deployment.id}" (${deployment.model}): its provider has no batch endpoint here`, nonRetryable: true });
  }
  return client;
}

/**
 * Provider errors keep their class. A retryable one (a 5xx, a lost
 * connection) lets the activity's RetryPolicy try again; the rest end it.
 */
function asFailure(err: unknown): unknown {
  if (!isLlmRouterError(err)) return err;
  if (err.retryable) return ApplicationFailure.retryable(err.message, err.name);
  return toApplicationFailure(err);
}

function heartbeat(details?: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // Called outside an activity (tests, scripts): nothing to beat.
  }
}

export function createProviderBatchActivities(deps: ProviderBatchDeps) {
  return {
    async submitProviderBatch(input: SubmitProviderBatchInput): Promise<SubmitProviderBatchResult> {
      const client = batchClient(deps, input.deployment);
      const direct: number[] = [];
      const items: ProviderBatchItem[] = [];
      /** The document index of each item, in the same order. */
      const itemDocs: number[] = [];
      const refs = (async function* () {
        yield* input.refs;
      })();
      let read = 0;
      // The prompt a hop would build; the chunk check refuses, without cutting chunks, a document too large for one call.
      const built = inOrderWindow(refs, IO_WINDOW, async (doc) => {
        const { prompt } = input;
        const summarize: DocumentPrompt = { kind: 'summarize', source: input.source, doc, ...prompt };
        try {
          return { doc, request: await promptRequest(deps, summarize) };
        } catch {
          // The router reads it again and reports (or chunks) it as it would any document.
          return { doc, request: null };
        }
      });
      for await (const { doc, request } of built) {
        if ((++read & 63) === 0) heartbeat(read);
        if (request === null) direct.push(doc.index);
        else {
          items.push({ customId: customIdOf(doc.index), request });
          itemDocs.push(doc.index);
        }
      }
      let budget: { deferred: number[]; boundUsd: number } | undefined;
      const admitted = input.budgetUsd === undefined ? null : admittedWithin(items, client, input.budgetUsd);
      if (admitted !== null) {
        budget = { deferred: itemDocs.slice(admitted.count), boundUsd: admitted.boundUsd };
        items.length = admitted.count;
      }
      if (items.length === 0) return { batchId: null, direct, ...budget };
      // A retry (the worker died mid-submission) finds the batch the earlier attempt made, instead of paying twice.
      // Activity ids restart in each run of a continue-as-new chain, so the run names the submission too.
      const { workflowExecution: run, activityId } = Context.current().info;
      const options = run === undefined ? {} : { idempotencyKey: `${run.workflowId}/${run.runId}/${activityId}` };
      try {
        return { batchId: await client.submit(items, options), direct, ...budget };
      } catch (err) {
        throw asFailure(err);
      }
    },

    async awaitProviderBatch(input: AwaitProviderBatchInput): Promise<ProviderBatchStatus> {
      const client = batchClient(deps, input.deployment);
      const interval = Math.max(10, input.pollIntervalMs ?? DEFAULT_PROVIDER_BATCH_POLL_MS);
      const ctx = Context.current();
      for (;;) {
        let status: ProviderBatchStatus;
        try {
          status = await client.status(input.batchId);
        } catch (err) {
          throw asFailure(err);
        }
        ctx.heartbeat({ providerStatus: status.providerStatus, succeeded: status.succeeded, failed: status.failed });
        if (status.ended) return status;
        // Beats while it sleeps, so a worker that died is noticed within one heartbeat timeout, not one poll interval.
        const beat = setInterval(() => ctx.heartbeat(), Math.max(10, Math.min(interval, 10_000)));
        try {
          await ctx.sleep(interval);
        } finally {
          clearInterval(beat);
        }
      }
    },

    async collectProviderBatch(input: CollectProviderBatchInput): Promise<CollectProviderBatchResult> {
      const client = batchClient(deps, input.deployment);
      const byCustomId = new Map(input.refs.map((ref) => [customIdOf(ref.index), ref]));
      const unanswered: UnansweredDocument[] = [];
      let succeeded = 0;
      let costUsd = 0;
      const results = client.results(input.batchId);
      const written = inOrderWindow(results, IO_WINDOW, async (result) => {
        const doc = byCustomId.get(result.customId);
        // Not one of ours (or answered twice): nothing to write.
        if (doc === undefined) return;
        byCustomId.delete(result.customId);
        if (result.outcome !== 'succeeded') {
          unanswered.push({ index: doc.index, outcome: result.outcome, message: result.status === undefined ? result.message : `${result.status}: ${result.message}` });
          return;
        }
        const cost = result.response.routing?.costUsd ?? 0;
        const record: DocumentResultRecord = {
          index: doc.index, id: doc.id, path: doc.path, status: 'ok',
          summary: result.response.choices[0]?.message.content ?? '',
          servedBy: input.deployment.id, model: input.deployment.model, attempts: 1, fallbacks: 0, chunks: 1, costUsd: cost,
        };
        await writeResultPart(deps, input.partsDir, record);
        succeeded++;
        costUsd += cost;
      });
      try {
        let n = 0;
        for await (const _ of written) if ((++n & 255) === 0) heartbeat(n);
      } catch (err) {
        throw asFailure(err);
      }
      // Submitted and never reported back: the router gets them too.
      for (const doc of byCustomId.values()) unanswered.push({ index: doc.index, outcome: 'missing', message: 'no result in the provider batch' });
      unanswered.sort((a, b) => a.index - b.index);
      return { succeeded, costUsd, unanswered };
    },

    async cancelProviderBatch(input: ProviderBatchRef): Promise<void> {
      try {
        await batchClient(deps, input.deployment).cancel(input.batchId);
      } catch (err) {
        throw asFailure(err);
      }
    },
  };
}
