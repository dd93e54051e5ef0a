// Typed client helpers for the durable router: what the CLI and library users
// call. Workflows are started by name with typed inputs; only references and
// `os.environ/NAME` keys go into them.
import { randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { ChatRequest } from '../providers/types';
import type {
  BatchOutput,
  BatchProgress,
  BatchSummarizeInput,
  BatchSummarizeResult,
  DocumentSource,
} from '../../workflows/batch-types';
import type { CarriedRoutingState, DurableRouterConfig, DurableRoutingOptions, RoutedCompletionInput, RoutedCompletionResult } from '../../workflows/types';
import { isS3Url, parseS3Url, sourceLocation } from '../../workflows/locations';
import { childLocation, createDocumentStore, type DocumentStore } from '../../activities/document-store';
import { toDurableConfig, type DurableConfigInput } from './durable-config';
import { DEFAULT_TASK_QUEUE } from './worker';

export const BATCH_PROGRESS_QUERY = 'batchProgress';

/** Documents to summarise: a source the worker can read, or texts given inline. */
export type BatchDocuments = DocumentSource | { kind: 'inline'; texts: ReadonlyArray<string | { id: string; text: string }> };

export interface StartBatchOptions {
  /** Model group that summarises. */
  group: string;
  documents: BatchDocuments;
  output: BatchOutput;
  concurrency?: number;
  instructions?: string;
  maxTokens?: number;
  continueAsNewAfterEvents?: number;
  pageSize?: number;
  workflowId?: string;
  /**
   * Inline texts are written here as a JSONL file before the workflow starts,
   * so history holds a path instead of the documents (default: next to the
   * output, in its bucket when the output is an `s3://` URL).
   */
  inlineDir?: string;
  /** Where inline texts are written (default: the file system, and S3 with settings from this process's AWS environment). */
  store?: DocumentStore;
  /** Temporal's workflow task timeout (default 10 s); shorter lets a batch resume sooner after its worker dies. */
  workflowTaskTimeoutMs?: number;
}

export interface BatchStartResult {
  workflowId: string;
  runId: string;
}

export interface DurableRouterOptions {
  client: Client;
  /** Same forms the in-process `Router` takes: a LiteLLM config path, object or loaded config. */
  config: DurableConfigInput;
  taskQueue?: string;
  options?: DurableRoutingOptions;
}

/** Writes inline texts to a JSONL file (or object), so the workflow input carries its location only. */
export async function spillInlineDocuments(
  texts: ReadonlyArray<string | { id: string; text: string }>,
  dir: string,
  store: DocumentStore = createDocumentStore(),
): Promise<DocumentSource> {
  const path = childLocation(dir, `inline-${randomUUID()}.jsonl`);
  const lines = texts.map((t, i) => JSON.stringify(typeof t === 'string' ? { id: `doc-${i + 1}`, text: t } : t));
  await store.writeFileAtomic(path, lines.length ? `${lines.join('\n')}\n` : '');
  return { kind: 'jsonl', path };
}

/**
 * A local path made absolute (the worker resolves it, maybe in another
 * directory), or an `s3://` URL checked and kept as it is.
 */
function absoluteLocation(location: string, what: string, object = false): string {
  if (!isS3Url(location)) return resolve(location);
  let key: string;
  try {
    key = parseS3Url(location).key;
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}`, { cause: err });
  }
  if (object && (key === '' || key.endsWith('/'))) throw new Error(`${what}: ${location} names no object (expected s3://bucket/key)`);
  return location;
}

function absoluteSource(source: DocumentSource): DocumentSource {
  if (source.kind === 'glob') return isS3Url(source.pattern) ? { ...source, pattern: absoluteLocation(source.pattern, 'documents') } : { ...source, cwd: resolve(source.cwd ?? '.') };
  if (source.kind === 's3') return { ...source, url: absoluteLocation(source.url, 'documents') };
  return { ...source, path: absoluteLocation(source.path, 'documents') };
}

/** The parent of a location, for inline texts spilled beside the output. */
function parentLocation(location: string): string {
  return isS3Url(location) ? location.slice(0, location.lastIndexOf('/')) : dirname(location);
}

/** Starts `batchSummarize`; returns at once with the ids to query, cancel or await. */
export async function startBatchSummarize(
  client: Client,
  config: DurableConfigInput,
  options: StartBatchOptions & { taskQueue?: string; routing?: DurableRoutingOptions },
): Promise<BatchStartResult> {
  const output: BatchOutput = {
    jsonlPath: absoluteLocation(options.output.jsonlPath, 'output.jsonlPath', true),
    ...(options.output.markdownPath === undefined ? {} : { markdownPath: absoluteLocation(options.output.markdownPath, 'output.markdownPath', true) }),
  };
  const source = options.documents.kind === 'inline'
    ? await spillInlineDocuments(options.documents.texts, options.inlineDir === undefined ? parentLocation(output.jsonlPath) : absoluteLocation(options.inlineDir, 'inlineDir'), options.store)
    : absoluteSource(options.documents);
  const input: BatchSummarizeInput = {
    config: toDurableConfig(config),
    group: options.group,
    source,
    output,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.instructions === undefined ? {} : { instructions: options.instructions }),
    ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
    ...(options.continueAsNewAfterEvents === undefined ? {} : { continueAsNewAfterEvents: options.continueAsNewAfterEvents }),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(options.routing === undefined ? {} : { options: options.routing }),
  };
  const workflowId = options.workflowId ?? `batch-${randomUUID()}`;
  const handle = await client.workflow.start('batchSummarize', {
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    workflowId,
    args: [input],
    ...(options.workflowTaskTimeoutMs === undefined ? {} : { workflowTaskTimeout: options.workflowTaskTimeoutMs }),
    staticSummary: `Summarise ${sourceLocation(source)} with ${options.group}`,
  });
  return { workflowId, runId: handle.firstExecutionRunId };
}

/** Progress of a batch (any run of its continue-as-new chain): the query `llm-router batch status` shows. */
export async function getBatchStatus(client: Client, workflowId: string): Promise<BatchProgress> {
  return client.workflow.getHandle(workflowId).query<BatchProgress>(BATCH_PROGRESS_QUERY);
}

/** Waits for the batch (following continue-as-new) and returns where its output is. */
export async function getBatchResult(client: Client, workflowId: string): Promise<BatchSummarizeResult> {
  return client.workflow.getHandle(workflowId).result() as Promise<BatchSummarizeResult>;
}

/** Requests cancellation; the workflow merges what is done into the output before it ends as cancelled. */
export async function cancelBatch(client: Client, workflowId: string): Promise<void> {
  await client.workflow.getHandle(workflowId).cancel();
}

/**
 * The durable counterpart of the in-process `Router`: same config, every call
 * a workflow whose hops are activities. Run a worker with `createWorker`.
 */
export class DurableRouter {
  readonly config: DurableRouterConfig;
  private readonly client: Client;
  private readonly taskQueue: string;
  private readonly options: DurableRoutingOptions | undefined;
  /** Cooldowns learned by earlier `complete()` calls of this instance, passed on to the next. */
  private state: CarriedRoutingState | undefined;

  constructor(options: DurableRouterOptions) {
    this.client = options.client;
    this.config = toDurableConfig(options.config);
    this.taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
    this.options = options.options;
  }

  /** One routed chat completion; `request.model` names the model group. */
  async complete(request: ChatRequest & { model: string }, opts: { workflowId?: string } = {}): Promise<RoutedCompletionResult> {
    const input: RoutedCompletionInput = {
      config: this.config,
      request,
      ...(this.options === undefined ? {} : { options: this.options }),
      ...(this.state === undefined ? {} : { state: this.state }),
    };
    const result = (await this.client.workflow.execute('routedCompletion', {
      taskQueue: this.taskQueue,
      workflowId: opts.workflowId ?? `completion-${randomUUID()}`,
      args: [input],
    })) as RoutedCompletionResult;
    this.state = result.state;
    return result;
  }

  startBatch(options: StartBatchOptions): Promise<BatchStartResult> {
    return startBatchSummarize(this.client, this.config, {
      ...options,
      taskQueue: this.taskQueue,
      ...(this.options === undefined ? {} : { routing: this.options }),
    });
  }

  batchProgress(workflowId: string): Promise<BatchProgress> {
    return getBatchStatus(this.client, workflowId);
  }

  batchResult(workflowId: string): Promise<BatchSummarizeResult> {
    return getBatchResult(this.client, workflowId);
  }

  cancelBatch(workflowId: string): Promise<void> {
    return cancelBatch(this.client, workflowId);
  }

  handle(workflowId: string): WorkflowHandle {
    return this.client.workflow.getHandle(workflowId);
  }
}
