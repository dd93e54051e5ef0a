// Typed client helpers for the durable router: what the CLI and library users
// call. Workflows are started by name with typed inputs; only references and
// `os.environ/NAME` keys go into them.
import { randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { requestNeeds } from '../core/request';
import type { ChatRequest, EmbeddingRequest, RequestMetadata } from '../providers/types';
import { giveUpError } from '../router/errors';
import { Timeout } from '../errors/classes';
import { temporal } from '@temporalio/proto';
import type {
  BatchOutput,
  BatchProgress,
  BatchSummarizeInput,
  BatchSummarizeResult,
  BatchMode,
  DocumentSource,
  ProviderBatchSettings,
} from '../../workflows/batch-types';
import { BATCH_PROVIDERS, hasBatchEndpoint } from '../providers/batch';
import type { CarriedRoutingState, DurabilityMode, DurableRouterConfig, DurableRoutingOptions, RoutedCompletionInput, RoutedCompletionResult, RoutedEmbeddingInput, RoutedEmbeddingResult } from '../../workflows/types';
import { isS3Url, parseS3Url, sourceLocation } from '../../workflows/locations';
import { childLocation, createDocumentStore, type DocumentStore } from '../../activities/document-store';
import { configRefOf, storeConfig } from './config-ref';
import { durableRoutingOptions, toDurableConfig, type DurableConfigInput } from './durable-config';
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
  /** Tokens repeated between consecutive chunks of a document too large for one call (default `DEFAULT_CHUNK_OVERLAP_TOKENS`). */
  chunkOverlapTokens?: number;
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
  /** Accept a source with no documents (default: the batch fails with EmptySourceError). */
  allowEmpty?: boolean;
  /** Stop starting documents and chunks once the batch has cost this much (USD at list prices). */
  maxCostUsd?: number;
  /** Per-document token cap (default `router_settings.max_document_tokens`, else `DEFAULT_MAX_DOCUMENT_TOKENS`). */
  maxDocumentTokens?: number;
  /** `provider-batch`: through a deployment's batch endpoint at the batch price, with what it does not answer routed (default `router`). */
  mode?: BatchMode;
  /** `provider-batch` mode; `deployment` defaults to the group's first deployment with a batch endpoint. */
  providerBatch?: Partial<ProviderBatchSettings>;
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
  /**
   * How this router's requests run when neither the request nor its group's
   * `durable_settings.group_durability` says (default `standard`). Overrides
   * `options.durability`.
   */
  durability?: DurabilityMode;
  /**
   * Put the whole config into every request's input, as before config
   * references (for workers not built with createRouterWorker/createWorker,
   * which lack the codec that reads a reference). Default false: requests
   * carry the config's content hash and the config is kept once, in its
   * routerConfig workflow.
   */
  inlineConfig?: boolean;
  /**
   * Ask the server to hand each request's first workflow task straight back
   * to a worker in this process (Temporal's eager workflow start), skipping
   * the task queue's dispatch: 16–41 ms less per latency-mode request one at
   * a time on the bench machine (docs/durability.md). It needs the client to
   * be built on the `NativeConnection` that a worker of this process polls
   * `taskQueue` with (`new Client({ connection: nativeConnection })`); the SDK
   * refuses a plain `Connection`. With no such worker free, the server
   * dispatches the task as usual. Default false.
   */
  eagerStart?: boolean;
}

export interface DurableCompleteOptions {
  workflowId?: string;
  /** This request's mode; wins over the group's setting and every default. */
  durability?: DurabilityMode;
  /** The mode when neither this request nor its group names one (the CLI and the gateway pass `latency`); wins over the router's default. */
  defaultDurability?: DurabilityMode;
}

/** request → group setting → caller's default → router's default → `standard`. */
export function resolveDurability(config: DurableRouterConfig, group: string, opts: DurableCompleteOptions, routerDefault: DurabilityMode | undefined): DurabilityMode {
  return opts.durability ?? config.durability?.[group] ?? opts.defaultDurability ?? routerDefault ?? 'standard';
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

function standardHops(options: DurableRoutingOptions | undefined): DurableRoutingOptions | undefined {
  if (options?.durability === undefined) return options;
  const { durability: _mode, ...rest } = options;
  return rest;
}

/**
 * `provider-batch` settings with the deployment chosen: the one named (it
 * must serve the group and have a batch endpoint), else the group's first
 * deployment that has one. Throws a ConfigError naming what is wrong.
 */
export function providerBatchSettings(config: DurableRouterConfig, group: string, given: Partial<ProviderBatchSettings> = {}): ProviderBatchSettings {
  const inGroup = Object.values(config.routing.deployments).filter((d) => d.group === group);
  if (inGroup.length === 0) throw new Error(`provider batch: model group "${group}" has no deployments`);
  let deployment = given.deployment;
  if (deployment !== undefined) {
    const info = config.routing.deployments[deployment];
    if (info === undefined || info.group !== group) throw new Error(`provider batch: "${deployment}" is not a deployment of model group "${group}" (its deployments: ${inGroup.map((d) => d.id).join(', ')})`);
    if (!hasBatchEndpoint(config.params[deployment]?.model ?? '')) throw new Error(`provider batch: deployment "${deployment}" (${config.params[deployment]?.model}) has no batch endpoint here; providers with one: ${BATCH_PROVIDERS.join(', ')}`);
  } else {
    deployment = inGroup.find((d) => hasBatchEndpoint(config.params[d.id]?.model ?? ''))?.id;
    if (deployment === undefined) throw new Error(`provider batch: no deployment of model group "${group}" has a batch endpoint; providers with one: ${BATCH_PROVIDERS.join(', ')}`);
  }
  for (const key of ['size', 'inFlight', 'pollIntervalMs', 'maxWaitMs'] as const) {
    const value = given[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new Error(`provider batch: ${key} must be a positive integer, got ${value}`);
  }
  return { ...given, deployment };
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
    ...(options.chunkOverlapTokens === undefined ? {} : { chunkOverlapTokens: options.chunkOverlapTokens }),
    ...(options.continueAsNewAfterEvents === undefined ? {} : { continueAsNewAfterEvents: options.continueAsNewAfterEvents }),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(options.allowEmpty === true ? { allowEmpty: true } : {}),
    ...(options.maxCostUsd === undefined ? {} : { maxCostUsd: options.maxCostUsd }),
    ...(options.maxDocumentTokens === undefined ? {} : { maxDocumentTokens: options.maxDocumentTokens }),
    ...(options.mode === 'provider-batch' ? { mode: 'provider-batch' as const, providerBatch: providerBatchSettings(durable, options.group, options.providerBatch) } : {}),
    // Batches keep normal-activity hops: they run long, and each hop heartbeats its document's progress.
    options: durableRoutingOptions(durable, taskQueue, standardHops(options.routing)),
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

export interface ResumeBatchOptions {
  /** Id of the new batch (default: `<id>-resume-<base36 time>`). */
  workflowId?: string;
  /** Change the budget of the new run (default: the earlier batch's `maxCostUsd`). */
  maxCostUsd?: number | null;
  /** Change the per-document token cap of the new run. */
  maxDocumentTokens?: number;
}

/** Why a batch cannot be resumed: it is still running, or it is not a batch. */
export class BatchNotResumableError extends Error {
  override readonly name = 'BatchNotResumableError';
}

/**
 * Starts a new batch with the input of an ended one (cancelled, stopped at its
 * budget, failed, or completed with failures) that reuses what the earlier run
 * left under its output: documents already summarised and the finished chunk
 * summaries of map-reduce documents are taken as they are, so only what is
 * missing is paid for. The input is read from the earlier batch's history
 * (decoded with this client's data converter, so encrypted payloads work).
 */
export async function resumeBatch(client: Client, workflowId: string, options: ResumeBatchOptions = {}): Promise<BatchStartResult> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  if (description.type !== 'batchSummarize') throw new BatchNotResumableError(`"${workflowId}" is a ${description.type} workflow, not a batch`);
  if (description.status.name === 'RUNNING') throw new BatchNotResumableError(`batch ${workflowId} is still running; cancel it first or wait for it to end`);
  if (description.status.name === 'COMPLETED') {
    const done = (await handle.result()) as BatchSummarizeResult;
    // Its per-document files are gone with nothing left to do: a resume would pay for everything again.
    if (done.outcome === 'completed' || (done.outcome === undefined && done.progress.failed === 0)) {
      throw new BatchNotResumableError(`batch ${workflowId} completed with every document summarised; nothing to resume`);
    }
  }
  const history = await handle.fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const [previous] = (await decodeArrayFromPayloads(client.options.loadedDataConverter, started?.input?.payloads)) as [BatchSummarizeInput | undefined];
  if (previous === undefined) throw new BatchNotResumableError(`batch ${workflowId}: its history holds no input`);
  const { carried: _carried, maxCostUsd, ...rest } = previous;
  const budget = options.maxCostUsd === undefined ? maxCostUsd : options.maxCostUsd ?? undefined;
  const input: BatchSummarizeInput = {
    ...rest,
    ...(budget === undefined ? {} : { maxCostUsd: budget }),
    ...(options.maxDocumentTokens === undefined ? {} : { maxDocumentTokens: options.maxDocumentTokens }),
    resume: { from: workflowId },
  };
  const id = options.workflowId ?? `${workflowId}-resume-${Date.now().toString(36)}`;
  const next = await client.workflow.start('batchSummarize', {
    taskQueue: description.taskQueue,
    workflowId: id,
    args: [input],
    workflowTaskTimeout: DEFAULT_WORKFLOW_TASK_TIMEOUT_MS,
    staticSummary: `Resume ${workflowId}: summarise ${sourceLocation(input.source)} with ${input.group}`,
  });
  return { workflowId: id, runId: next.firstExecutionRunId };
}

/** Requests cancellation; the workflow merges what is done into the output before it ends as cancelled. */
export async function cancelBatch(client: Client, workflowId: string): Promise<void> {
  await client.workflow.getHandle(workflowId).cancel();
}

/** How long `complete()` waits before it tells `onUnclaimed` that no worker has picked the request up. */
export const DEFAULT_UNCLAIMED_HINT_MS = 3_000;
/**
 * After `timeoutMs`, how long a cancelled request may take to end before it is terminated. A latency-mode
 * request holds its workflow task open while its local-activity hop runs, and the server delivers the
 * cancellation only when that task next heartbeats (at 80% of the workflow task timeout): the grace covers it.
 */
export const DURABLE_CANCEL_GRACE_MS = DEFAULT_WORKFLOW_TASK_TIMEOUT_MS + 2_000;
/** The server closes a request this long after its `timeoutMs`, should the waiting process have died. */
export const DURABLE_TIMEOUT_GRACE_MS = 10_000;

export interface CompleteOptions {
  workflowId?: string;
  /** Give up after this long: the workflow is cancelled, not left running, and a `Timeout` is thrown. */
  timeoutMs?: number;
  /** Called once, while waiting goes on, when no worker has picked the request up after `unclaimedHintMs`. */
  onUnclaimed?: (info: { workflowId: string; taskQueue: string; waitedMs: number }) => void;
  /** Default `DEFAULT_UNCLAIMED_HINT_MS`. */
  unclaimedHintMs?: number;
}

/** Whether any worker has run a workflow task of the execution yet. */
async function claimed(handle: WorkflowHandle): Promise<boolean> {
  const description = await handle.describe();
  // Started and the first task scheduled: two events, and the task not yet handed to a poller.
  const pending = description.raw.pendingWorkflowTask?.state;
  return description.historyLength > 2 || pending === temporal.api.enums.v1.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED;
}

/** A routed completion's result, with the hint and the timeout of `CompleteOptions`. */
async function awaitCompletion(handle: WorkflowHandle, taskQueue: string, opts: CompleteOptions): Promise<RoutedCompletionResult> {
  const result = handle.result() as Promise<RoutedCompletionResult>;
  // Settled either way before we return, so an abandoned wait never surfaces as an unhandled rejection.
  const settled = result.then(() => true, () => true);
  const timers: NodeJS.Timeout[] = [];
  const started = Date.now();
  try {
    if (opts.onUnclaimed !== undefined) {
      const hintMs = opts.unclaimedHintMs ?? DEFAULT_UNCLAIMED_HINT_MS;
      const onUnclaimed = opts.onUnclaimed;
      timers.push(setTimeout(() => {
        claimed(handle).then((yes) => {
          if (!yes) onUnclaimed({ workflowId: handle.workflowId, taskQueue, waitedMs: Date.now() - started });
        }, () => undefined);
      }, hintMs));
    }
    if (opts.timeoutMs === undefined) return await result;
    const timeoutMs = opts.timeoutMs;
    const timedOut = new Promise<'timeout'>((resolve) => timers.push(setTimeout(() => resolve('timeout'), timeoutMs)));
    const first = await Promise.race([settled, timedOut]);
    if (first !== 'timeout') return await result;
    const pickedUp = await claimed(handle).catch(() => true);
    await handle.cancel().catch(() => undefined);
    // Nobody picked the request up, so nobody will run its cancellation: it is terminated at once.
    const ended = pickedUp ? await Promise.race([settled, new Promise<false>((resolve) => timers.push(setTimeout(() => resolve(false), DURABLE_CANCEL_GRACE_MS)))]) : false;
    if (ended === false) await handle.terminate(`no answer within ${timeoutMs} ms and the cancellation was not taken up`).catch(() => undefined);
    const seconds = Math.round(timeoutMs / 100) / 10;
    throw new Timeout(
      pickedUp
        ? `no answer within ${seconds} s: workflow ${handle.workflowId} was cancelled`
        : `no answer within ${seconds} s: no worker polls task queue "${taskQueue}"; workflow ${handle.workflowId} was ${ended === false ? 'terminated' : 'cancelled'}`,
      { retryable: false },
    );
  } finally {
    for (const t of timers) clearTimeout(t);
  }
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
  /** The task queue its workflows run on. */
  readonly taskQueue: string;
  private readonly options: DurableRoutingOptions;
  private readonly countTokens: boolean;
  /** Routing state learned by earlier `complete()` calls of this instance, passed on when health is not shared. */
  private state: CarriedRoutingState | undefined;
  private healthReady: Promise<unknown> | undefined;
  private readonly durability: DurabilityMode | undefined;
  private readonly inlineConfig: boolean;
  private readonly configRef: string;
  private configReady: Promise<unknown> | undefined;
  private readonly eagerStart: boolean;

  constructor(options: DurableRouterOptions) {
    this.client = options.client;
    this.config = toDurableConfig(options.config);
    this.taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
    this.options = durableRoutingOptions(this.config, this.taskQueue, options.options);
    this.durability = options.durability ?? options.options?.durability;
    this.inlineConfig = options.inlineConfig === true;
    this.eagerStart = options.eagerStart === true;
    this.configRef = configRefOf(this.config);
    this.countTokens = requestNeeds(this.config.routing).countTokens;
  }

  /** The routerHealth entity its requests share health through (undefined with `sharedHealth: false`); a gateway's replicas share the same one. */
  get sharedHealthName(): string | undefined {
    const shared = this.options.sharedHealth;
    return shared === undefined || shared === false ? undefined : shared.routerName;
  }

  /**
   * One routed chat completion; `request.model` names the model group. With
   * `timeoutMs`, a request still unanswered then is cancelled (terminated if no
   * worker ever picked it up, since nothing could run its cancellation) and a
   * `Timeout` without a deployment is thrown; the server's execution timeout
   * backs that up should this process die first.
   */
  async complete(request: ChatRequest & { model: string }, opts: DurableCompleteOptions & CompleteOptions = {}): Promise<RoutedCompletionResult> {
    await Promise.all([this.ensureHealth(), this.ensureConfig()]);
    const durability = resolveDurability(this.config, request.model, opts, this.durability);
    // By reference: history holds the config's hash (first key, see config-ref/codec.ts), the worker's codec the config.
    const input: Omit<RoutedCompletionInput, 'config'> & { config?: DurableRouterConfig } = {
      ...(this.inlineConfig ? { config: this.config } : { configRef: this.configRef }),
      request,
      // Standard runs carry no durability field: their input is what it was before the mode existed.
      options: durability === 'standard' ? this.optionsWithout() : { ...this.options, durability },
      ...(this.state === undefined || this.options.sharedHealth !== false ? {} : { state: this.state }),
      ...(this.countTokens ? { estimatedInputTokens: promptTokens(request.messages) } : {}),
    };
    let result: RoutedCompletionResult;
    try {
      const handle = await this.client.workflow.start('routedCompletion', {
        taskQueue: this.taskQueue,
        workflowTaskTimeout: DEFAULT_WORKFLOW_TASK_TIMEOUT_MS,
        workflowId: opts.workflowId ?? `completion-${randomUUID()}`,
        args: [input],
        ...(this.eagerStart ? { requestEagerStart: true } : {}),
        ...(opts.timeoutMs === undefined ? {} : { workflowExecutionTimeout: opts.timeoutMs + DURABLE_TIMEOUT_GRACE_MS }),
      });
      result = await awaitCompletion(handle, this.taskQueue, opts);
    } catch (err) {
      // The workflow ended with the router's verdict: raise what the in-process Router raises.
      const giveUp = giveUpOfFailure(err);
      if (giveUp !== undefined) throw giveUpError(giveUp, Date.now());
      throw err;
    }
    if (result.state !== undefined) this.state = result.state;
    return result;
  }

  private optionsWithout(): DurableRoutingOptions {
    if (this.options.durability === undefined) return this.options;
    const { durability: _mode, ...rest } = this.options;
    return rest;
  }

  /** The config's routerConfig workflow, started once per instance (a failed start is tried again by the next request). */
  private ensureConfig(): Promise<unknown> {
    if (this.inlineConfig) return Promise.resolve();
    this.configReady ??= storeConfig(this.client, this.taskQueue, this.config).catch((err: unknown) => {
      this.configReady = undefined;
      throw err;
    });
    return this.configReady;
  }

  /** Routed embeddings as one `routedEmbedding` workflow: the same groups, strategies, cooldowns, budgets and fallbacks as `complete()`. */
  async embedding(request: EmbeddingRequest & { model: string; metadata?: RequestMetadata }, opts: { workflowId?: string } = {}): Promise<RoutedEmbeddingResult> {
    await this.ensureHealth();
    const input: RoutedEmbeddingInput = {
      config: this.config,
      request,
      options: this.options,
      ...(this.state === undefined || this.options.sharedHealth !== false ? {} : { state: this.state }),
    };
    let result: RoutedEmbeddingResult;
    try {
      result = (await this.client.workflow.execute('routedEmbedding', {
        taskQueue: this.taskQueue,
        workflowTaskTimeout: DEFAULT_WORKFLOW_TASK_TIMEOUT_MS,
        workflowId: opts.workflowId ?? `embedding-${randomUUID()}`,
        args: [input],
        ...(this.eagerStart ? { requestEagerStart: true } : {}),
      })) as RoutedEmbeddingResult;
    } catch (err) {
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

  resumeBatch(workflowId: string, options?: ResumeBatchOptions): Promise<BatchStartResult> {
    return resumeBatch(this.client, workflowId, options);
  }

  cancelBatch(workflowId: string): Promise<void> {
    return cancelBatch(this.client, workflowId);
  }

  handle(workflowId: string): WorkflowHandle {
    return this.client.workflow.getHandle(workflowId);
  }
}
