import type { Client } from '@temporalio/client';
import { SingleBar } from 'cli-progress';
import { createDocumentActivities, outputLocationProblem } from '../../../activities/documents';
import { createDocumentStore, createFsDocumentStore } from '../../../activities/document-store';
import { DEFAULT_MAX_DOCUMENT_TOKENS } from '../../../workflows/chunking';
import type { DocumentSource } from '../../../workflows/batch-types';
import { isS3Url, sourceLocation } from '../../../workflows/locations';
import { BatchNotResumableError, cancelBatch, providerBatchSettings, resumeBatch, startBatchSummarize } from '../../temporal/client';
import { estimateBatch, formatEstimate } from '../batch-estimate';
import { batchSnapshot, formatSnapshot, verdictOf, type BatchSnapshot } from '../batch-progress';
import type { LoadedRouterConfig } from '../../config';
import { configPath, loadDurableCliConfig } from '../config-file';
import { connectClient } from '../connection';
import type { ConnectionFlags } from '../connection-options';
import type { BatchMode, DocumentFormat, ProviderBatchSettings } from '../../../workflows/batch-types';
import { documentSource, outputLocation } from '../documents';
import { CliError, EXIT } from '../exit-codes';
import { writeJson } from '../output';
import { sharedHealthRouterName } from '../shared-health';

export const FOLLOW_INTERVAL_MS = 1_000;

export interface StartFlags extends ConnectionFlags {
  model: string;
  out: string;
  markdown?: string;
  format?: DocumentFormat;
  config?: string;
  concurrency?: number;
  instructions?: string;
  maxTokens?: number;
  chunkOverlap?: number;
  id?: string;
  taskQueue?: string;
  router?: string;
  maxCost?: number;
  maxDocumentTokens?: number;
  allowEmpty?: boolean;
  mode?: BatchMode;
  batchDeployment?: string;
  batchSize?: number;
  batchPoll?: number;
  batchMaxWait?: number;
  dryRun?: boolean;
  wait?: boolean;
  json?: boolean;
}

export interface ResumeFlags extends ConnectionFlags {
  id?: string;
  maxCost?: number;
  maxDocumentTokens?: number;
  wait?: boolean;
  json?: boolean;
}

export interface ReadFlags extends ConnectionFlags {
  json?: boolean;
  follow?: boolean;
  wait?: boolean;
}

const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT']);

async function withClient<T>(flags: ConnectionFlags, run: (client: Client) => Promise<T>): Promise<T> {
  const { client, close } = await connectClient(flags);
  try {
    return await run(client);
  } finally {
    await close();
  }
}

async function snapshotOrUsage(client: Client, id: string): Promise<BatchSnapshot> {
  try {
    return await batchSnapshot(client, id);
  } catch (err) {
    if ((err as { usage?: boolean }).usage) throw new CliError((err as Error).message, EXIT.USAGE);
    throw err;
  }
}

function servedByText(s: BatchSnapshot): string {
  const served = Object.entries(s.progress?.servedBy ?? {}).sort((a, b) => b[1] - a[1]);
  return served.map(([d, n]) => `${d} ${n}`).join(', ') || '-';
}

/**
 * Follows a batch until it finishes: a live bar on a terminal, a line per
 * change otherwise. Ctrl-C stops following only; the batch keeps running.
 */
async function follow(client: Client, id: string): Promise<BatchSnapshot> {
  const tty = process.stderr.isTTY === true;
  const bar = tty
    ? new SingleBar({
        format: '{bar} {value}/{total} docs | failed {failed}{chunks} | {servedBy} | cost {cost} | cooldowns {cooldowns}',
        hideCursor: true,
        stream: process.stderr,
      })
    : undefined;
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.once('SIGINT', onSigint);
  let started = false;
  let lastLine = '';
  try {
    for (;;) {
      const s = await snapshotOrUsage(client, id);
      const p = s.progress;
      if (p) {
        const chunks = p.chunks && p.chunks.total > 0 ? ` | chunks ${p.chunks.done}/${p.chunks.total}` : '';
        const payload = { failed: p.failed, chunks, servedBy: servedByText(s), cost: `$${p.costUsd.toFixed(4)}`, cooldowns: p.cooldownEvents };
        const total = p.total ?? Math.max(p.done + p.failed + p.inFlight, 1);
        if (bar && !started) {
          bar.start(total, p.done + p.failed, payload);
          started = true;
        } else if (bar) {
          bar.setTotal(total);
          bar.update(p.done + p.failed, payload);
        } else {
          const chunkText = p.chunks && p.chunks.total > 0 ? `, chunks ${p.chunks.done}/${p.chunks.total}` : '';
          const line = `${p.done + p.failed}/${p.total ?? '?'} docs, failed ${p.failed}${chunkText}, served by ${payload.servedBy}, cost ${payload.cost}, cooldowns ${p.cooldownEvents}`;
          if (line !== lastLine) process.stderr.write(`${line}\n`);
          lastLine = line;
        }
      }
      if (FINISHED.has(s.execution)) return s;
      if (interrupted) {
        throw new CliError(`stopped following; batch ${id} keeps running (llm-router batch status ${id})`, EXIT.INTERRUPTED);
      }
      await new Promise((r) => setTimeout(r, FOLLOW_INTERVAL_MS));
      if (interrupted) {
        throw new CliError(`stopped following; batch ${id} keeps running (llm-router batch status ${id})`, EXIT.INTERRUPTED);
      }
    }
  } finally {
    bar?.stop();
    process.removeListener('SIGINT', onSigint);
  }
}

/** Prints the snapshot; a batch that did not simply complete ends the command with its one line and exit code. */
function finish(s: BatchSnapshot, json: boolean | undefined): void {
  if (json) writeJson(s);
  else process.stdout.write(`${formatSnapshot(s)}\n`);
  const verdict = verdictOf(s);
  if (verdict !== undefined) throw new CliError(verdict.line, verdict.exitCode);
}

/**
 * Checks that need no worker, before anything starts: the outputs can be
 * written, and a local source has documents in it.
 */
async function preflight(documents: string, source: DocumentSource, output: { jsonlPath: string; markdownPath?: string }, allowEmpty: boolean): Promise<void> {
  for (const [flag, location] of [['--out', output.jsonlPath], ['--markdown', output.markdownPath]] as const) {
    if (location === undefined) continue;
    const problem = await outputLocationProblem(location);
    if (problem !== undefined) throw new CliError(`${flag} ${problem}`, EXIT.USAGE);
  }
  const remote = source.kind === 's3' || (source.kind === 'glob' && isS3Url(source.pattern));
  // A bucket is listed by the worker, with its credentials; the workflow refuses an empty one itself.
  if (remote || allowEmpty) return;
  let count: number;
  try {
    count = await createDocumentActivities({ documents: createFsDocumentStore() }).countDocuments({ source });
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.USAGE);
  }
  if (count === 0) {
    const what = source.kind === 'directory' ? 'no .txt, .md, .markdown, .html, .htm or .pdf file in it' : source.kind === 'glob' ? 'the pattern matches no file' : 'no non-blank line in it';
    throw new CliError(`${documents}: no documents to summarise (${what}); --allow-empty starts the batch anyway`, EXIT.USAGE);
  }
}


/** The batch deployment's own batch prices, where its config gives them (`input_cost_per_token_batches`, …). */
function batchPricesOf(config: LoadedRouterConfig, deployment: string): { deployment: string; inputCostPerToken?: number; outputCostPerToken?: number } {
  const p = config.params[deployment];
  return {
    deployment,
    ...(p?.inputCostPerTokenBatches === undefined ? {} : { inputCostPerToken: p.inputCostPerTokenBatches }),
    ...(p?.outputCostPerTokenBatches === undefined ? {} : { outputCostPerToken: p.outputCostPerTokenBatches }),
  };
}

export async function batchStart(documents: string, flags: StartFlags): Promise<void> {
  const source = documentSource(documents, process.cwd(), flags.format);
  const output = { jsonlPath: outputLocation(flags.out, '--out'), ...(flags.markdown ? { markdownPath: outputLocation(flags.markdown, '--markdown') } : {}) };
  const file = configPath(flags.config);
  const config = loadDurableCliConfig(file);
  if (!(flags.model in config.routing.groups)) {
    throw new CliError(`--model "${flags.model}": no such model group in ${file} (groups: ${Object.keys(config.routing.groups).join(', ')})`, EXIT.USAGE);
  }
  const batchFlags = ['--batch-deployment', '--batch-size', '--batch-poll', '--batch-max-wait'] as const;
  const givenBatchFlag = [flags.batchDeployment, flags.batchSize, flags.batchPoll, flags.batchMaxWait].findIndex((v) => v !== undefined);
  if (flags.mode !== 'provider-batch' && givenBatchFlag !== -1) throw new CliError(`${batchFlags[givenBatchFlag]} needs --mode provider-batch`, EXIT.USAGE);
  let providerBatch: ProviderBatchSettings | undefined;
  if (flags.mode === 'provider-batch') {
    try {
      providerBatch = providerBatchSettings(config, flags.model, {
        ...(flags.batchDeployment === undefined ? {} : { deployment: flags.batchDeployment }),
        ...(flags.batchSize === undefined ? {} : { size: flags.batchSize }),
        ...(flags.batchPoll === undefined ? {} : { pollIntervalMs: Math.ceil(flags.batchPoll) }),
        ...(flags.batchMaxWait === undefined ? {} : { maxWaitMs: Math.ceil(flags.batchMaxWait) }),
      });
    } catch (err) {
      throw new CliError(`--mode provider-batch: ${(err as Error).message.replace(/^provider batch: /, '')}`, EXIT.USAGE);
    }
  }
  await preflight(documents, source, output, flags.allowEmpty === true);
  if (flags.dryRun) {
    const estimate = await estimateBatch({
      store: createDocumentStore(),
      source,
      routing: config.routing,
      group: flags.model,
      maxDocumentTokens: flags.maxDocumentTokens ?? config.routing.settings.maxDocumentTokens ?? DEFAULT_MAX_DOCUMENT_TOKENS,
      ...(flags.maxTokens ? { maxTokens: flags.maxTokens } : {}),
      ...(flags.chunkOverlap === undefined ? {} : { chunkOverlapTokens: flags.chunkOverlap }),
      ...(providerBatch === undefined ? {} : { providerBatch: batchPricesOf(config, providerBatch.deployment) }),
    });
    if (flags.json) return writeJson({ dryRun: true, source: sourceLocation(source), group: flags.model, ...estimate });
    process.stdout.write(`${formatEstimate(estimate, flags.model)}\n`);
    return;
  }
  const routerName = sharedHealthRouterName(flags.router);
  await withClient(flags, async (client) => {
    const started = await startBatchSummarize(client, config, {
      group: flags.model,
      documents: source,
      output,
      ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
      ...(flags.instructions ? { instructions: flags.instructions } : {}),
      ...(flags.maxTokens ? { maxTokens: flags.maxTokens } : {}),
      ...(flags.maxCost === undefined ? {} : { maxCostUsd: flags.maxCost }),
      ...(flags.maxDocumentTokens === undefined ? {} : { maxDocumentTokens: flags.maxDocumentTokens }),
      ...(flags.allowEmpty ? { allowEmpty: true } : {}),
      ...(providerBatch === undefined ? {} : { mode: 'provider-batch' as const, providerBatch }),
      ...(flags.chunkOverlap === undefined ? {} : { chunkOverlapTokens: flags.chunkOverlap }),
      ...(flags.id ? { workflowId: flags.id } : {}),
      ...(flags.taskQueue ? { taskQueue: flags.taskQueue } : {}),
      ...(routerName === undefined ? {} : { routing: { sharedHealth: { routerName } } }),
    });
    if (flags.json && !flags.wait) return writeJson(started);
    if (!flags.json) process.stdout.write(`batch ${started.workflowId} started (run ${started.runId})\n`);
    if (flags.wait) finish(await follow(client, started.workflowId), flags.json);
  });
}

export async function batchResume(id: string, flags: ResumeFlags): Promise<void> {
  await withClient(flags, async (client) => {
    let started;
    try {
      started = await resumeBatch(client, id, {
        ...(flags.id ? { workflowId: flags.id } : {}),
        ...(flags.maxCost === undefined ? {} : { maxCostUsd: flags.maxCost }),
        ...(flags.maxDocumentTokens === undefined ? {} : { maxDocumentTokens: flags.maxDocumentTokens }),
      });
    } catch (err) {
      if (err instanceof BatchNotResumableError) throw new CliError(err.message, EXIT.USAGE);
      await snapshotOrUsage(client, id); // an unknown id: exit 3 with its own line
      throw err;
    }
    if (flags.json && !flags.wait) return writeJson({ ...started, resumes: id });
    if (!flags.json) process.stdout.write(`batch ${started.workflowId} started (run ${started.runId}), resuming ${id}\n`);
    if (flags.wait) finish(await follow(client, started.workflowId), flags.json);
  });
}

export async function batchStatus(id: string, flags: ReadFlags): Promise<void> {
  await withClient(flags, async (client) => {
    const s = flags.follow ? await follow(client, id) : await snapshotOrUsage(client, id);
    if (flags.json) writeJson(s);
    else process.stdout.write(`${formatSnapshot(s)}\n`);
    const verdict = verdictOf(s);
    if (verdict !== undefined) throw new CliError(verdict.line, verdict.exitCode);
  });
}

export async function batchResult(id: string, flags: ReadFlags): Promise<void> {
  await withClient(flags, async (client) => {
    const s = flags.wait ? await follow(client, id) : await snapshotOrUsage(client, id);
    if (!FINISHED.has(s.execution)) {
      const p = s.progress;
      throw new CliError(`batch ${id} is still running${p ? ` (${p.done + p.failed}/${p.total ?? '?'} documents)` : ''}; use --wait`, EXIT.FAILURE);
    }
    finish(s, flags.json);
  });
}

export async function batchCancel(id: string, flags: ReadFlags): Promise<void> {
  await withClient(flags, async (client) => {
    const s = await snapshotOrUsage(client, id);
    if (FINISHED.has(s.execution)) throw new CliError(`batch ${id} already ended (${s.execution.toLowerCase()})`, EXIT.FAILURE);
    await cancelBatch(client, id);
    if (flags.json) return writeJson({ workflowId: id, cancelRequested: true });
    process.stdout.write(`cancellation of batch ${id} requested; documents already summarised stay in its output\n`);
  });
}
