// Typed client helpers for the durable router: what the CLI and library users
// call. Workflows are started by name with typed inputs; only references and
// `os.environ/NAME` keys go into them.
import { randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { requestNeeds } from '../core/request';
import type { ChatRequest } from '../providers/types';
import { giveUpError } from '../router/errors';
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
import { toDurableConfig, withSharedHealth, type DurableConfigInput } from './durable-config';
import { ensureRouterHealth } from './health/client';
import { giveUpOfFailure } from './to-application-failure';
import { DEFAULT_TASK_QUEUE } from './task-queue';

/** The tokenizer's tables are loaded on first use: a client that only starts batches never pays for them. */
function promptTokens(messages: ChatRequest['messages']): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../providers/tokens') as typeof import('../providers/tokens')).countPromptTokens(messages);
}

export const BATCH_PROGRESS_QUERY = 'batchProgress';
/**
 * A workflow task a dead worker had started is handed to another after this
 * (Temporal's default is 10 s). Routing workflow tasks take milliseconds; the
 * bound only matters when a worker dies mid-task.
 */
export const DEFAULT_WORKFLOW_TASK_TIMEOUT_MS = 5_000;

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
  /** Temporal's workflow task timeout (default `DEFAULT_WORKFLOW_TASK_TIMEOUT_MS`); shorter lets a batch resume sooner after its worker dies. */
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
  /** Shared health is on unless `options.sharedHealth` is `false` (see `withSharedHealth`). */
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
  const durable = toDurableConfig(config);
  const taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
  const input: BatchSummarizeInput = {
    config: durable,
    group: options.group,
    source,
    output,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.instructions === undefined ? {} : { instructions: options.instructions }),
    ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
    ...(options.continueAsNewAfterEvents === undefined ? {} : { continueAsNewAfterEvents: options.continueAsNewAfterEvents }),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    options: withSharedHealth(durable, taskQueue, options.routing),
  };
  const shared = input.options?.sharedHealth;
  if (shared) await ensureRouterHealth(client, { routerName: shared.routerName, config: durable.routing, taskQueue });
  const workflowId = options.workflowId ?? `batch-${randomUUID()}`;
  const handle = await client.workflow.start('batchSummarize', {
    taskQueue,
    workflowId,
    args: [input],
    workflowTaskTimeout: options.workflowTaskTimeoutMs ?? DEFAULT_WORKFLOW_TASK_TIMEOUT_MS,
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
 * The durable counterpart of the in-process `Router`: same config, same
 * driver, every call a workflow whose hops are activities. It raises the
 * same errors as the `Router` (the provider's own class, FallbacksExhaustedError,
 * NoDeploymentsAvailableError) and its results carry the same `routing`
 * metadata. Requests share health through the routerHealth entity unless
 * `options.sharedHealth` is `false`. Run a worker with `createWorker`.
 */
export class DurableRouter {
  readonly config: DurableRouterConfig;
  private readonly client: Client;
  private readonly taskQueue: string;
  private readonly options: DurableRoutingOptions;
  private readonly countTokens: boolean;
  /** Routing state learned by earlier `complete()` calls of this instance, passed on when health is not shared. */
  private state: CarriedRoutingState | undefined;
  private healthReady: Promise<unknown> | undefined;

  constructor(options: DurableRouterOptions) {
    this.client = options.client;
    this.config = toDurableConfig(options.config);
    this.taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
    this.options = withSharedHealth(this.config, this.taskQueue, options.options);
    this.countTokens = requestNeeds(this.config.routing).countTokens;
  }

  /** One routed chat completion; `request.model` names the model group. */
  async complete(request: ChatRequest & { model: string }, opts: { workflowId?: string } = {}): Promise<RoutedCompletionResult> {
    await this.ensureHealth();
    const input: RoutedCompletionInput = {
      config: this.config,
      request,
      options: this.options,
      ...(this.state === undefined || this.options.sharedHealth !== false ? {} : { state: this.state }),
      ...(this.countTokens ? { estimatedInputTokens: promptTokens(request.messages) } : {}),
    };
    let result: RoutedCompletionResult;
    try {
      result = (await this.client.workflow.execute('routedCompletion', {
        taskQueue: this.taskQueue,
        workflowTaskTimeout: DEFAULT_WORKFLOW_TASK_TIMEOUT_MS,
        workflowId: opts.workflowId ?? `completion-${randomUUID()}`,
        args: [input],
      })) as RoutedCompletionResult;
    } catch (err) {
      // The workflow ended with the router's verdict: raise what the in-process Router raises.
      const giveUp = giveUpOfFailure(err);
      if (giveUp !== undefined) throw giveUpError(giveUp, Date.now());
      throw err;
    }
    if (result.state !== undefined) this.state = result.state;
    return result;
  }

  /** The first call on a fresh namespace starts the routerHealth entity with this config (once per instance). */
  private ensureHealth(): Promise<unknown> {
    const shared = this.options.sharedHealth;
    if (shared === undefined || shared === false) return Promise.resolve();
    this.healthReady ??= ensureRouterHealth(this.client, { routerName: shared.routerName, config: this.config.routing, taskQueue: this.taskQueue }).catch((err: unknown) => {
      // Not fatal: requests route on their own state until the entity exists; try again next time.
      this.healthReady = undefined;
      return err;
    });
    return this.healthReady;
  }

  startBatch(options: StartBatchOptions): Promise<BatchStartResult> {
    return startBatchSummarize(this.client, this.config, { ...options, taskQueue: this.taskQueue, routing: this.options });
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
