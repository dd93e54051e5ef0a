// `batch start --dry-run`: what a batch would cost, read here without a
// worker and without a single provider call. Documents are read and tokenised
// the way the worker does (the same readers, the same tokenizer, the same
// chunk size and token cap); the cost is the group's list prices from the
// config's price data.
import { createDocumentActivities, loadDocument, tokenCount, tokenCountWithin } from '../../activities/documents';
import { structuredChunks } from '../../activities/structured-chunks';
import { DEFAULT_SUMMARY_MAX_TOKENS } from '../../activities/call-deployment';
import type { DocumentStore } from '../../activities/document-store';
import type { DocumentPage, DocumentSource, ListCursor } from '../../workflows/batch-types';
import { CHUNK_PROMPT_RESERVE_TOKENS, chunkTokensFor } from '../../workflows/chunking';
import { DEFAULT_CHUNK_OVERLAP_TOKENS } from '../../workflows/split-text';
import type { RouterConfig } from '../core';
import { BATCH_PRICE_FACTOR } from '../providers/batch-pricing';

export interface DocumentEstimate {
  id: string;
  /** Null when the document is over the cap (counting stopped there) or unreadable. */
  tokens: number | null;
  chunks: number;
  calls: number;
  /** Why the batch would fail this document before any call. */
  error?: { errorClass: string; message: string };
}

export interface BatchEstimate {
  documents: number;
  /** Documents the worker would refuse before any call (unreadable, empty, over the token cap). */
  refused: number;
  tokens: number;
  /** Map-reduce documents and the chunks they split into. */
  chunkedDocuments: number;
  chunks: number;
  /** Provider calls if nothing fails: one per whole document, one per chunk and per combine. */
  providerCalls: number;
  chunkTokens: number | null;
  maxDocumentTokens: number;
  /** Output tokens assumed per call (the summary's max_tokens: an upper bound). */
  outputTokensPerCall: number;
  /** At the list prices of the group's deployments: the cheapest and the dearest; null when none is priced. */
  costUsd: { low: number; high: number } | null;
  /** `batch`: at the batch endpoint's prices (`--mode provider-batch`); documents its batch does not answer are routed at list prices on top. */
  prices: 'list' | 'batch';
  pricedDeployments: string[];
  unpricedDeployments: string[];
  perDocument: DocumentEstimate[];
}

/** Combine calls of the reduce step, as the workflow groups partial summaries (by a characters budget of one chunk). */
function combineCalls(parts: number, outputTokens: number, chunkTokens: number): number {
  let n = parts;
  let calls = 0;
  const perCall = Math.max(1, Math.floor(chunkTokens / Math.max(1, outputTokens)));
  for (;;) {
    const groups = Math.ceil(n / perCall);
    calls += groups;
    if (groups <= 1) return calls;
    n = groups;
  }
}

export async function estimateBatch(options: {
  store: DocumentStore;
  source: DocumentSource;
  routing: RouterConfig;
  group: string;
  maxDocumentTokens: number;
  maxTokens?: number;
  /** The overlap the workflow cuts chunks with (default DEFAULT_CHUNK_OVERLAP_TOKENS). */
  chunkOverlapTokens?: number;
  /**
   * `--mode provider-batch`: the deployment whose batch endpoint takes the
   * documents, priced at its own batch prices where the config gives them,
   * else at the providers' batch discount of its list prices.
   */
  providerBatch?: { deployment: string; inputCostPerToken?: number; outputCostPerToken?: number };
}): Promise<BatchEstimate> {
  const { store, source, routing, group, maxDocumentTokens } = options;
  const deps = { documents: store };
  const activities = createDocumentActivities(deps);
  const chunkTokens = chunkTokensFor(routing, group);
  const out = options.maxTokens ?? DEFAULT_SUMMARY_MAX_TOKENS;
  const overlap = Math.max(0, options.chunkOverlapTokens ?? DEFAULT_CHUNK_OVERLAP_TOKENS);
  const perDocument: DocumentEstimate[] = [];
  let inputTokens = 0;
  let outputTokens = 0;
  let cursor: ListCursor | null = { index: 0 };
  while (cursor !== null) {
    const page: DocumentPage = await activities.listDocuments({ source, cursor, limit: 200 });
    for (const doc of page.refs) {
      const loaded = await loadDocument(deps, source, doc);
      if (!loaded.ok) {
        perDocument.push({ id: doc.id, tokens: null, chunks: 0, calls: 0, error: { errorClass: loaded.errorClass, message: loaded.message } });
        continue;
      }
      const tokens = await tokenCountWithin(loaded.text, maxDocumentTokens);
      if (tokens === null) {
        perDocument.push({
          id: doc.id, tokens: null, chunks: 0, calls: 0,
          error: { errorClass: 'DocumentTokenCapError', message: `${doc.path}: more than ${maxDocumentTokens} tokens, the per-document cap` },
        });
        continue;
      }
      // Cut as the activity cuts it (by structure, with the batch's overlap), so the estimate names the chunks the run will pay for.
      const chunks = chunkTokens !== null && tokens > chunkTokens
        ? (await structuredChunks(loaded.text, { maxTokens: chunkTokens, overlapTokens: overlap, countTokens: tokenCount, totalTokens: tokens }))?.length ?? Math.ceil(tokens / chunkTokens)
        : 1;
      const combines = chunks > 1 && chunkTokens !== null ? combineCalls(chunks, out, chunkTokens) : 0;
      const calls = chunks + combines;
      inputTokens += tokens + calls * CHUNK_PROMPT_RESERVE_TOKENS + (chunks > 1 ? (chunks + combines - 1) * out : 0);
      outputTokens += calls * out;
      perDocument.push({ id: doc.id, tokens, chunks: chunks > 1 ? chunks : 0, calls });
    }
    cursor = page.next;
  }
  const priced: string[] = [];
  const unpriced: string[] = [];
  const costs: number[] = [];
  const batch = options.providerBatch;
  for (const id of batch === undefined ? routing.groups[group] ?? [] : [batch.deployment]) {
    const d = routing.deployments[id];
    if (d === undefined) continue;
    const discounted = (list: number | undefined) => (list === undefined ? undefined : list * BATCH_PRICE_FACTOR);
    const input = batch === undefined ? d.inputCostPerToken : batch.inputCostPerToken ?? discounted(d.inputCostPerToken);
    const output = batch === undefined ? d.outputCostPerToken : batch.outputCostPerToken ?? discounted(d.outputCostPerToken);
    if (input === undefined || output === undefined) {
      unpriced.push(id);
      continue;
    }
    priced.push(id);
    costs.push(inputTokens * input + outputTokens * output);
  }
  const ok = perDocument.filter((d) => d.error === undefined);
  return {
    documents: perDocument.length,
    refused: perDocument.length - ok.length,
    tokens: ok.reduce((n, d) => n + (d.tokens ?? 0), 0),
    chunkedDocuments: ok.filter((d) => d.chunks > 0).length,
    chunks: ok.reduce((n, d) => n + d.chunks, 0),
    providerCalls: ok.reduce((n, d) => n + d.calls, 0),
    chunkTokens,
    maxDocumentTokens,
    outputTokensPerCall: out,
    costUsd: costs.length ? { low: Math.min(...costs), high: Math.max(...costs) } : null,
    prices: batch === undefined ? 'list' : 'batch',
    pricedDeployments: priced,
    unpricedDeployments: unpriced,
    perDocument,
  };
}

function usd(n: number): string {
  return n < 0.01 ? `$${n.toFixed(5)}` : `$${n.toFixed(2)}`;
}

export function formatEstimate(e: BatchEstimate, group: string): string {
  const cost = e.costUsd === null
    ? `unknown (${e.prices === 'batch' ? `the batch deployment ${e.unpricedDeployments.join(', ')} has no price` : `no deployment of ${group} has a list price`})`
    : `${e.costUsd.low === e.costUsd.high ? usd(e.costUsd.low) : `${usd(e.costUsd.low)} to ${usd(e.costUsd.high)}`} at ${e.prices} prices (${e.pricedDeployments.join(', ')}; ${e.outputTokensPerCall} output tokens a call, an upper bound)` +
      (e.prices === 'batch' ? '; documents the provider batch does not answer are routed at list prices on top' : '');
  const lines = [
    `dry run: no provider was called`,
    `  documents: ${e.documents}${e.refused ? ` (${e.refused} would fail before any call)` : ''}`,
    `  tokens: ${e.tokens}`,
    `  chunks: ${e.chunks} in ${e.chunkedDocuments} map-reduce document(s)${e.chunkTokens === null ? ' (no context window known: documents go whole)' : ` (chunks of up to ${e.chunkTokens} tokens)`}`,
    `  provider calls: ${e.providerCalls}`,
    `  estimated cost: ${cost}`,
  ];
  if (e.unpricedDeployments.length) lines.push(`  no list price: ${e.unpricedDeployments.join(', ')}`);
  for (const d of e.perDocument.filter((x) => x.error !== undefined).slice(0, 5)) lines.push(`  would fail: ${d.id}: ${d.error?.errorClass}: ${d.error?.message}`);
  return lines.join('\n');
}
