// Batch summarisation shapes shared by the workflow, its activities and the
// client. Documents travel as references (path + position); only activities
// read their text.
import type { AppliedCooldown } from '../src/core/types';
import type { DurableRouterConfig, DurableRoutingOptions, CarriedRoutingState } from './types';

/**
 * How a document's bytes become text: plain text, Markdown (kept as written),
 * HTML (to text, page chrome dropped) or PDF (its text layer). Unset: by
 * extension (.txt .md .markdown .html .htm .pdf), else plain text, or PDF when
 * the file starts with a PDF header. For JSONL it applies to each record's text.
 */
export const DOCUMENT_FORMATS = ['text', 'markdown', 'html', 'pdf'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

/**
 * Where the documents are. Paths may be local or `s3://bucket/key` URLs.
 * Inline texts are spilled to a JSONL file (or object) by the client before
 * the workflow starts.
 */
export type DocumentSource =
  | { kind: 'jsonl'; path: string; textField?: string; idField?: string; format?: DocumentFormat }
  | { kind: 'directory'; path: string; extensions?: string[]; format?: DocumentFormat }
  | { kind: 'glob'; pattern: string; cwd?: string; format?: DocumentFormat }
  /**
   * Objects in S3-compatible storage: `s3://bucket/prefix` is every object
   * under the prefix with a document extension (`extensions`, default those of
   * a directory), listed page by page; `s3://bucket/key.jsonl` is one JSONL
   * object, read by byte ranges; a key that names one object is that document.
   * Endpoint and credentials come from the worker's environment, never from here.
   */
  | { kind: 's3'; url: string; extensions?: string[]; textField?: string; idField?: string; format?: DocumentFormat };

/** One document by reference. For JSONL, the byte range of its line. */
export interface DocRef {
  index: number;
  id: string;
  path: string;
  offset?: number;
  length?: number;
  /** Resumed batches: an earlier run already wrote this document's summary, so it costs nothing now. */
  reused?: boolean;
}

/** Opaque to the workflow: where the next page of references starts. */
export interface ListCursor {
  index: number;
  byteOffset?: number;
  /** File sources: the name the next page starts after (a bucket listing resumes there without listing what came before). */
  after?: string;
}

export interface DocumentPage {
  refs: DocRef[];
  next: ListCursor | null;
}

/** A prompt the activity builds from a document it reads itself, so the text never enters history. */
export type DocumentPrompt =
  | {
    kind: 'summarize';
    source: DocumentSource;
    doc: DocRef;
    /** A chunk as runs of the older rules cut it: tokens [start, end) of the document. */
    tokenRange?: [number, number];
    /** A chunk as `splitText` cut it (workflows/split-text.ts): characters [start, end) of the document's text. */
    charRange?: [number, number];
    part?: { index: number; of: number };
    /** Whole documents only: refuse (DocumentTooLargeError, with `tokens`) one larger than this, so the workflow chunks it. */
    chunkTokens?: number | null;
    /** Whole documents only: refuse (DocumentTokenCapError) one with more tokens than this, before any provider call. */
    maxDocumentTokens?: number;
    /** With `chunkTokens`: the refusal also carries the chunks (`chunks`: [start, end, tokens] each), cut at headings, paragraphs, sentences, with this overlap. */
    chunkOverlapTokens?: number;
    instructions?: string;
    maxTokens?: number;
  }
  | { kind: 'combine'; docId: string; partials: string[]; instructions?: string; maxTokens?: number };

/** One line of the output JSONL. */
export interface DocumentResultRecord {
  index: number;
  id: string;
  path: string;
  status: 'ok' | 'failed';
  summary?: string;
  servedBy?: string;
  model?: string;
  attempts?: number;
  fallbacks?: number;
  chunks?: number;
  costUsd?: number;
  errorClass?: string;
  error?: string;
}

export interface BatchOutput {
  /**
   * Final JSONL, one record per document in input order: a local path or an
   * `s3://bucket/key` URL (one object). Per-document results live under
   * `<jsonlPath>.parts/` (a folder, or a key prefix) while the batch runs and
   * are removed once the JSONL is written.
   */
  jsonlPath: string;
  /** Markdown digest, local or `s3://`, independent of where the JSONL goes. */
  markdownPath?: string;
}

/**
 * How a batch's documents reach the providers: `router` (the default), one
 * routed call per document; `provider-batch`, through a deployment's batch
 * endpoint (OpenAI's Batch API, Anthropic's Message Batches) at the batch
 * price, with what it does not answer routed as in `router` mode.
 */
export const BATCH_MODES = ['router', 'provider-batch'] as const;
export type BatchMode = (typeof BATCH_MODES)[number];

/** `provider-batch` mode: which deployment, how many documents per provider batch, how the wait goes. */
export interface ProviderBatchSettings {
  /** The deployment whose batch endpoint takes the documents (the client names it: given, or the group's first with one). */
  deployment: string;
  /** Documents per provider batch (default `DEFAULT_PROVIDER_BATCH_SIZE`). */
  size?: number;
  /** Provider batches submitted and not yet ended, at most (default `DEFAULT_PROVIDER_BATCHES_IN_FLIGHT`). */
  inFlight?: number;
  /** Between two status reads of a provider batch (default 60 s). */
  pollIntervalMs?: number;
  /**
   * Stop waiting after this long: cancel the provider batch, keep what it
   * answered and route the rest (default `DEFAULT_PROVIDER_BATCH_MAX_WAIT_MS`,
   * the providers' 24 h window and an hour).
   */
  maxWaitMs?: number;
}

/** What `provider-batch` mode has done so far. */
export interface ProviderBatchProgress {
  deployment: string;
  /** Provider batches submitted, and those ended (answers read). */
  submitted: number;
  ended: number;
  /** Documents sent in provider batches, and those answered there. */
  documents: number;
  answered: number;
  /** Documents sent and not answered, by why (errored, expired, cancelled, missing); they went through the router. */
  unanswered: Record<string, number>;
  /** Documents that never went to a provider batch (unreadable, too large for one call) and were routed. */
  direct: number;
  /** Of `costUsd`: what the answered documents cost at the batch price. */
  costUsd: number;
  /** The latest provider batch ids, newest last (bounded). */
  recentBatchIds: string[];
  /** The last submission or wait that failed (its documents were routed). */
  lastError?: string;
}

export interface BatchSummarizeInput {
  config: DurableRouterConfig;
  /** Model group that summarises. */
  group: string;
  source: DocumentSource;
  output: BatchOutput;
  /** Documents in flight at once (default `DEFAULT_BATCH_CONCURRENCY`). */
  concurrency?: number;
  instructions?: string;
  maxTokens?: number;
  options?: DurableRoutingOptions;
  /** Tokens of a chunk's end repeated at the start of the next, for documents summarised in chunks (default `DEFAULT_CHUNK_OVERLAP_TOKENS`). */
  chunkOverlapTokens?: number;
  /** Continue as new once a run's history reaches this many events (Temporal may suggest it earlier). */
  continueAsNewAfterEvents?: number;
  /** References fetched per listing activity. */
  pageSize?: number;
  /** Accept a source with no documents (default: the batch fails with EmptySourceError before any provider call). */
  allowEmpty?: boolean;
  /** Stop starting documents and chunks once the batch has cost this much (USD at list prices); what is done is kept. */
  maxCostUsd?: number;
  /**
   * Documents with more tokens than this fail with DocumentTokenCapError before
   * any provider call (default: `router_settings.max_document_tokens`, else
   * `DEFAULT_MAX_DOCUMENT_TOKENS`).
   */
  maxDocumentTokens?: number;
  /**
   * Set by `resumeBatch`: reuse the results an earlier batch with the same
   * output left (finished documents and finished chunk summaries) and pay only
   * for what is missing.
   */
  resume?: { from: string };
  /** `router` (the default) or `provider-batch`, which needs `providerBatch`. */
  mode?: BatchMode;
  providerBatch?: ProviderBatchSettings;
  /** Set by the workflow itself when it continues as new. */
  carried?: BatchCarry;
}

/**
 * How a batch ended. `budget-stopped`: `maxCostUsd` was reached; documents
 * not started are missing from the output (resume the batch to finish them).
 */
export type BatchOutcome = 'completed' | 'completed-with-failures' | 'failed' | 'cancelled' | 'budget-stopped';

/** One failed document, as the first few are reported. */
export interface FailureSample {
  id: string;
  errorClass: string;
  error: string;
}

export interface CooldownEventInfo extends AppliedCooldown {
  at: number;
  documentId: string;
}

/** What `batchProgress` returns: enough for `llm-router batch status`. */
export interface BatchProgress {
  status: 'listing' | 'running' | 'merging' | 'completed' | 'cancelled' | 'budget-stopped';
  total: number | null;
  done: number;
  failed: number;
  inFlight: number;
  /** Per serving deployment id: documents (or chunks) it answered. */
  servedBy: Record<string, number>;
  costUsd: number;
  /** Hops that moved to another group or deployment after a failure. */
  fallbacks: number;
  /** Provider calls made, retries included. */
  providerCalls: number;
  cooldownEvents: number;
  /** The latest cooldowns, newest last (bounded). */
  recentCooldowns: CooldownEventInfo[];
  /** Deployments cooling down now, with when they come back (epoch ms). */
  coolingDown: Array<{ deployment: string; until: number }>;
  /** Documents chunked because they exceed the smallest context window of the fallback chain. */
  chunkedDocuments: number;
  /** Failed documents per error class (absent in batches started before outcomes were recorded). */
  failuresByClass?: Record<string, number>;
  /** The first failures, in the order they happened (bounded). */
  firstFailures?: FailureSample[];
  /** Map-reduce documents in flight: partial summaries done and needed. */
  chunks?: { done: number; total: number };
  /** Resumed batches: documents and chunk summaries taken from the earlier run instead of paid for again. */
  reused?: { documents: number; chunks: number };
  /** Set once the batch reached `maxCostUsd`: documents not started stay out of the output. */
  budgetReached?: { limitUsd: number; notStarted: number };
  /** `provider-batch` mode: the provider batches, and what they answered. */
  providerBatches?: ProviderBatchProgress;
  /** Index of this run in the continue-as-new chain (0 = first). */
  run: number;
  startedAt: number;
  updatedAt: number;
}

/** State carried by continue-as-new. */
export interface BatchCarry {
  /** Null when every reference was listed. */
  cursor: ListCursor | null;
  /** Documents whose references were listed and launched so far. */
  launched: number;
  total: number;
  progress: BatchProgress;
  routing: CarriedRoutingState;
}

export interface BatchSummarizeResult {
  output: BatchOutput;
  progress: BatchProgress;
  /** Records written to the JSONL (every document exactly once). */
  written: number;
  /** How the batch ended (absent in results of batches started before outcomes were recorded). */
  outcome?: BatchOutcome;
}
