// Batch documents per second: batchSummarize over a JSONL of short documents
// against the fake provider at 0 ms. Bounded by a time limit: past it the
// batch is cancelled and the rate is what was done by then.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LoadedRouterConfig } from '../../src/config';
import { cancelBatch, getBatchStatus, startBatchSummarize } from '../../src/temporal/client';
import type { BatchProgress } from '../../workflows';
import type { ChildHandle } from '../lib/child';
import { sampleProcess } from '../lib/process-stats';
import { round } from '../lib/stats';
import type { TemporalStack } from '../lib/temporal-stack';

export interface BatchSettings {
  documents: number;
  concurrency: number;
  timeLimitMs: number;
}

export interface BatchResult {
  status: string;
  documents: number;
  done: number;
  failed: number;
  elapsedMs: number;
  docsPerSecond: number;
  providerCalls: number;
  workerPeakRssMb: number;
  completed: boolean;
}

const POLL_MS = 1_000;
const CANCEL_WAIT_MS = 30_000;

export async function runBatch(stack: TemporalStack, config: LoadedRouterConfig, group: string, taskQueue: string, worker: ChildHandle<{ type: 'hello' }>, settings: BatchSettings): Promise<BatchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'llm-router-bench-batch-'));
  try {
    const input = join(dir, 'docs.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < settings.documents; i += 1) {
      lines.push(JSON.stringify({ id: `doc-${i}`, text: `Document ${i}: a provider outage should not become an outage for our users. Routing spreads load across deployments.` }));
    }
    writeFileSync(input, `${lines.join('\n')}\n`);
    const started = performance.now();
    const { workflowId } = await startBatchSummarize(stack.client, config, {
      group,
      documents: { kind: 'jsonl', path: input },
      output: { jsonlPath: join(dir, 'out.jsonl') },
      concurrency: settings.concurrency,
      taskQueue,
    });
    let progress: BatchProgress | undefined;
    for (;;) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      try {
        progress = await getBatchStatus(stack.client, workflowId);
      } catch {
        continue; // between runs of a continue-as-new chain
      }
      if (progress.status === 'completed' || progress.status === 'cancelled') break;
      if (performance.now() - started > settings.timeLimitMs) break;
    }
    const elapsedMs = performance.now() - started;
    if (progress?.status !== 'completed') {
      // Cancelled, the batch still merges what it finished; wait for that (bounded) before deleting its folder.
      await cancelBatch(stack.client, workflowId);
      await Promise.race([stack.client.workflow.getHandle(workflowId).result().catch(() => undefined), new Promise((r) => setTimeout(r, CANCEL_WAIT_MS))]);
    }
    const done = progress?.done ?? 0;
    return {
      status: progress?.status ?? 'unknown',
      documents: settings.documents,
      done,
      failed: progress?.failed ?? 0,
      elapsedMs: Math.round(elapsedMs),
      docsPerSecond: round((done * 1000) / elapsedMs, 2),
      providerCalls: progress?.providerCalls ?? 0,
      workerPeakRssMb: round(sampleProcess(worker.pid)?.peakRssMb ?? NaN, 1),
      completed: progress?.status === 'completed',
    };
  } finally {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // An activity still finishing may write into it; the OS temp folder is cleaned eventually.
    }
  }
}
