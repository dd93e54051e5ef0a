import type { Client } from '@temporalio/client';
import type { BatchOutcome, BatchProgress, BatchSummarizeResult } from '../../workflows/batch-types';
import { BATCH_PROGRESS_QUERY } from '../temporal/client';
import { EXIT } from './exit-codes';
import { describeOrNotFound } from './workflow-lookup';

export const QUERY_TIMEOUT_MS = 5_000;

export interface BatchSnapshot {
  workflowId: string;
  /** Temporal's view: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, CONTINUED_AS_NEW. */
  execution: string;
  taskQueue: string;
  progress?: BatchProgress;
  result?: BatchSummarizeResult;
  /** How the batch ended; absent while it runs. */
  outcome?: BatchOutcome;
  /** Why a batch failed as a whole (an unwritable output, an empty source…), by class. */
  failure?: { errorClass: string; message: string };
  /** Why no progress is shown, e.g. no worker answers queries. */
  note?: string;
}

/** Failures of the batch as a whole that are the input's fault (exit 2, like any bad input). */
const INPUT_FAILURES = new Set(['EmptySourceError', 'OutputNotWritableError', 'SourceNotFoundError', 'SourceUnreadableError']);

function failureOfWorkflow(err: unknown): { errorClass: string; message: string } {
  let e = err as { cause?: unknown; type?: unknown; message?: unknown; name?: unknown } | undefined;
  // WorkflowFailedError → ApplicationFailure (its cause), the innermost named failure.
  while (e && typeof e.cause === 'object' && e.cause !== null) e = e.cause as typeof e;
  const errorClass = typeof e?.type === 'string' ? e.type : typeof e?.name === 'string' ? e.name : 'Error';
  return { errorClass, message: typeof e?.message === 'string' ? e.message : String(err) };
}

/** The outcome of an older result that does not record one, from its counts. */
function outcomeFromCounts(p: BatchProgress): BatchOutcome {
  if (p.failed === 0) return 'completed';
  return p.done === 0 ? 'failed' : 'completed-with-failures';
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
    snapshot.outcome = snapshot.result.outcome ?? outcomeFromCounts(snapshot.progress);
    return snapshot;
  }
  if (execution === 'FAILED') {
    snapshot.outcome = 'failed';
    try {
      await handle.result();
    } catch (err) {
      snapshot.failure = failureOfWorkflow(err);
    }
  } else if (execution === 'CANCELLED') snapshot.outcome = 'cancelled';
  else if (execution === 'TERMINATED' || execution === 'TIMED_OUT') snapshot.outcome = 'failed';
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

const OUTCOME_TEXT: Record<BatchOutcome, string> = {
  completed: 'completed',
  'completed-with-failures': 'completed with failures',
  failed: 'failed',
  cancelled: 'cancelled',
  'budget-stopped': 'stopped at its budget',
};

function classesText(p: BatchProgress | undefined): string {
  const classes = Object.entries(p?.failuresByClass ?? {}).sort((a, b) => b[1] - a[1]);
  return classes.map(([c, n]) => `${c} ${n}`).join(', ');
}

/**
 * The one line and exit code a batch that did not simply complete ends a
 * command with: 4 when documents failed, 5 at the budget, 2 when the batch
 * refused its input, 1 when it failed or was cancelled. Undefined: exit 0.
 */
export function verdictOf(s: BatchSnapshot): { line: string; exitCode: number } | undefined {
  const p = s.progress;
  const id = s.workflowId;
  const where = s.result ? `; records in ${s.result.output.jsonlPath}` : '';
  const counts = p ? `${p.done} done, ${p.failed} failed of ${p.total ?? '?'}` : '';
  const classes = classesText(p);
  switch (s.outcome) {
    case undefined:
      if (p && p.failed > 0) return { line: `batch ${id} is running; ${p.failed} document(s) failed so far (${classes || 'see batch status'})`, exitCode: EXIT.DOCUMENTS_FAILED };
      return undefined;
    case 'completed':
      return undefined;
    case 'completed-with-failures':
      return { line: `batch ${id} completed with failures: ${p?.failed ?? '?'} of ${p?.total ?? '?'} documents failed${classes ? ` (${classes})` : ''}${where}`, exitCode: EXIT.DOCUMENTS_FAILED };
    case 'budget-stopped': {
      const b = p?.budgetReached;
      return {
        line: `batch ${id} stopped at its budget${b ? ` of $${b.limitUsd}` : ''}: ${counts}, ${b?.notStarted ?? '?'} not summarised${where}; llm-router batch resume ${id} finishes it`,
        exitCode: EXIT.BUDGET_REACHED,
      };
    }
    case 'cancelled':
      return { line: `batch ${id} was cancelled${counts ? `: ${counts}` : ''}; what is done is kept; llm-router batch resume ${id} finishes it`, exitCode: EXIT.FAILURE };
    case 'failed':
      if (s.failure) {
        return { line: `batch ${id} failed: ${s.failure.errorClass}: ${s.failure.message}`, exitCode: INPUT_FAILURES.has(s.failure.errorClass) ? EXIT.USAGE : EXIT.FAILURE };
      }
      if (s.execution !== 'COMPLETED') return { line: `batch ${id} ended ${s.execution.toLowerCase()}`, exitCode: EXIT.FAILURE };
      return { line: `batch ${id} failed: every document failed (${p?.failed ?? '?'} of ${p?.total ?? '?'}${classes ? `: ${classes}` : ''})${where}`, exitCode: EXIT.DOCUMENTS_FAILED };
  }
}

/** A plain-text report of one snapshot: totals, served-by table, cooldowns. */
export function formatSnapshot(s: BatchSnapshot): string {
  const lines = [`batch ${s.workflowId}: ${s.outcome === undefined ? s.execution.toLowerCase() : OUTCOME_TEXT[s.outcome]}`];
  const p = s.progress;
  if (s.failure) lines.push(`  ${s.failure.errorClass}: ${s.failure.message}`);
  if (!p) return [...lines, `  ${s.note ?? (s.failure ? 'no documents were summarised' : 'no progress yet')}`].join('\n');
  lines.push(
    `  documents: ${p.done} done, ${p.failed} failed, ${p.inFlight} in flight, of ${p.total ?? '?'}` +
      `${p.chunkedDocuments ? ` (${p.chunkedDocuments} chunked)` : ''}; run ${p.run + 1} of the continue-as-new chain`,
    `  provider calls: ${p.providerCalls}, fallbacks: ${p.fallbacks}, cooldown events: ${p.cooldownEvents}, cost: ${money(p.costUsd)}`,
  );
  if (p.chunks && p.chunks.total > 0) lines.push(`  chunks: ${p.chunks.done}/${p.chunks.total} done (map-reduce documents)`);
  const pb = p.providerBatches;
  if (pb) {
    const unanswered = Object.entries(pb.unanswered).map(([why, n]) => `${n} ${why}`).join(', ');
    lines.push(
      `  provider batches on ${pb.deployment}: ${pb.ended} of ${pb.submitted} ended; ${pb.answered} of ${pb.documents} documents answered at ${money(pb.costUsd)}` +
        `${unanswered ? `; routed instead: ${unanswered}` : ''}${pb.direct ? `; ${pb.direct} never sent (routed)` : ''}`,
    );
    if (pb.recentBatchIds.length) lines.push(`  provider batch ids: ${pb.recentBatchIds.slice(-3).join(', ')}${pb.recentBatchIds.length > 3 ? ', …' : ''}`);
    if (pb.lastError) lines.push(`  provider batch problem: ${pb.lastError}`);
  }
  if (p.reused && (p.reused.documents > 0 || p.reused.chunks > 0)) lines.push(`  reused from the earlier run: ${p.reused.documents} documents, ${p.reused.chunks} chunk summaries (not paid for again)`);
  if (p.budgetReached) lines.push(`  budget: $${p.budgetReached.limitUsd} reached; ${p.budgetReached.notStarted} document(s) not summarised`);
  const classes = classesText(p);
  if (classes) lines.push(`  failures by class: ${classes}`);
  for (const f of p.firstFailures ?? []) lines.push(`  failed: ${f.id}: ${f.errorClass}: ${f.error}`);
  if (p.failed > (p.firstFailures?.length ?? 0) && (p.firstFailures?.length ?? 0) > 0) lines.push(`  … ${p.failed - (p.firstFailures?.length ?? 0)} more in the output JSONL`);
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
