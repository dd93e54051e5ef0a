import type { Client } from '@temporalio/client';
import { SingleBar } from 'cli-progress';
import { cancelBatch, startBatchSummarize } from '../../temporal/client';
import { batchSnapshot, formatSnapshot, type BatchSnapshot } from '../batch-progress';
import { configPath, loadDurableCliConfig } from '../config-file';
import { connectClient } from '../connection';
import type { ConnectionFlags } from '../connection-options';
import type { DocumentFormat } from '../../../workflows/batch-types';
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
  id?: string;
  taskQueue?: string;
  router?: string;
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
        format: '{bar} {value}/{total} docs | failed {failed} | {servedBy} | cost {cost} | cooldowns {cooldowns}',
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
        const payload = { failed: p.failed, servedBy: servedByText(s), cost: `$${p.costUsd.toFixed(4)}`, cooldowns: p.cooldownEvents };
        const total = p.total ?? Math.max(p.done + p.failed + p.inFlight, 1);
        if (bar && !started) {
          bar.start(total, p.done + p.failed, payload);
          started = true;
        } else if (bar) {
          bar.setTotal(total);
          bar.update(p.done + p.failed, payload);
        } else {
          const line = `${p.done + p.failed}/${p.total ?? '?'} docs, failed ${p.failed}, served by ${payload.servedBy}, cost ${payload.cost}, cooldowns ${p.cooldownEvents}`;
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

function finish(s: BatchSnapshot, json: boolean | undefined): void {
  if (json) writeJson(s);
  else process.stdout.write(`${formatSnapshot(s)}\n`);
  if (s.execution !== 'COMPLETED' && FINISHED.has(s.execution)) {
    throw new CliError(`batch ${s.workflowId} ended ${s.execution.toLowerCase()}`, EXIT.FAILURE);
  }
}


export async function batchStart(documents: string, flags: StartFlags): Promise<void> {
  const source = documentSource(documents, process.cwd(), flags.format);
  const output = { jsonlPath: outputLocation(flags.out, '--out'), ...(flags.markdown ? { markdownPath: outputLocation(flags.markdown, '--markdown') } : {}) };
  const file = configPath(flags.config);
  const config = loadDurableCliConfig(file);
  if (!(flags.model in config.routing.groups)) {
    throw new CliError(`--model "${flags.model}": no such model group in ${file} (groups: ${Object.keys(config.routing.groups).join(', ')})`, EXIT.USAGE);
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
      ...(flags.id ? { workflowId: flags.id } : {}),
      ...(flags.taskQueue ? { taskQueue: flags.taskQueue } : {}),
      ...(routerName === undefined ? {} : { routing: { sharedHealth: { routerName } } }),
    });
    if (flags.json && !flags.wait) return writeJson(started);
    if (!flags.json) process.stdout.write(`batch ${started.workflowId} started (run ${started.runId})\n`);
    if (flags.wait) finish(await follow(client, started.workflowId), flags.json);
  });
}

export async function batchStatus(id: string, flags: ReadFlags): Promise<void> {
  await withClient(flags, async (client) => {
    const s = flags.follow ? await follow(client, id) : await snapshotOrUsage(client, id);
    if (flags.json) return writeJson(s);
    process.stdout.write(`${formatSnapshot(s)}\n`);
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
