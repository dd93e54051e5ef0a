import type { Client } from '@temporalio/client';
import type { BatchProgress, BatchSummarizeResult } from '../../workflows/batch-types';
import { BATCH_PROGRESS_QUERY } from '../temporal/client';
import { describeOrNotFound } from './workflow-lookup';

export const QUERY_TIMEOUT_MS = 5_000;

export interface BatchSnapshot {
  workflowId: string;
  /** Temporal's view: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, CONTINUED_AS_NEW. */
  execution: string;
  taskQueue: string;
  progress?: BatchProgress;
  result?: BatchSummarizeResult;
  /** Why no progress is shown, e.g. no worker answers queries. */
  note?: string;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Progress of a batch by id. A running batch answers a query (which needs a
 * worker); a finished one is read from its result, which needs none.
 */
export async function batchSnapshot(client: Client, workflowId: string): Promise<BatchSnapshot> {
  const description = await describeOrNotFound(client, workflowId, 'batch');
  if (description.type !== 'batchSummarize') {
    throw Object.assign(new Error(`"${workflowId}" is a ${description.type} workflow, not a batch`), { usage: true });
  }
  const execution = description.status.name;
  const snapshot: BatchSnapshot = { workflowId, execution, taskQueue: description.taskQueue };
  const handle = client.workflow.getHandle(workflowId);
  if (execution === 'COMPLETED') {
    snapshot.result = (await handle.result()) as BatchSummarizeResult;
    snapshot.progress = snapshot.result.progress;
    return snapshot;
  }
  try {
    snapshot.progress = await withTimeout(handle.query<BatchProgress>(BATCH_PROGRESS_QUERY), QUERY_TIMEOUT_MS, 'the batch');
  } catch (err) {
    snapshot.note = `no progress available (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); is a worker running on task queue "${description.taskQueue}"?`;
  }
  return snapshot;
}

function money(usd: number): string {
  return usd < 0.01 ? `$${usd.toFixed(5)}` : `$${usd.toFixed(2)}`;
}

/** A plain-text report of one snapshot: totals, served-by table, cooldowns. */
export function formatSnapshot(s: BatchSnapshot): string {
  const lines = [`batch ${s.workflowId}: ${s.execution.toLowerCase()}`];
  const p = s.progress;
  if (!p) return [...lines, `  ${s.note ?? 'no progress yet'}`].join('\n');
  lines.push(
    `  documents: ${p.done} done, ${p.failed} failed, ${p.inFlight} in flight, of ${p.total ?? '?'}` +
      `${p.chunkedDocuments ? ` (${p.chunkedDocuments} chunked)` : ''}; run ${p.run + 1} of the continue-as-new chain`,
    `  provider calls: ${p.providerCalls}, fallbacks: ${p.fallbacks}, cooldown events: ${p.cooldownEvents}, cost: ${money(p.costUsd)}`,
  );
  const served = Object.entries(p.servedBy).sort((a, b) => b[1] - a[1]);
  if (served.length) {
    lines.push('  served by:');
    const width = Math.max(...served.map(([d]) => d.length));
    for (const [deployment, count] of served) lines.push(`    ${deployment.padEnd(width)}  ${count}`);
  }
  for (const c of p.coolingDown) lines.push(`  cooling down: ${c.deployment} until ${new Date(c.until).toISOString()}`);
  for (const c of p.recentCooldowns.slice(-5)) {
    lines.push(`  cooldown at ${new Date(c.at).toISOString()}: ${c.deploymentId} (${c.reason.errorClass}, ${c.reason.rule}) until ${new Date(c.until).toISOString()}`);
  }
  if (s.result) lines.push(`  output: ${s.result.output.jsonlPath} (${s.result.written} records)`);
  return lines.join('\n');
}
