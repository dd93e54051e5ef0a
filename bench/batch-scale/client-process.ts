// The batch client in its own process, so its memory is measured apart from
// the worker's: it starts one batch, asks for its progress every few seconds
// (as `llm-router batch start --wait` does) and waits for the result. It holds
// no document: the workflow and its activities list and read them.
import { Client, Connection } from '@temporalio/client';
import { getBatchResult, getBatchStatus, startBatchSummarize } from '../../src/temporal/client';
import type { DurableRouterConfig } from '../../workflows';
import { serveParent } from '../lib/child';

export interface BatchClientRequest {
  type: 'run';
  address: string;
  namespace: string;
  taskQueue: string;
  config: DurableRouterConfig;
  group: string;
  sourceUrl: string;
  outputUrl: string;
  concurrency: number;
  workflowId: string;
  progressEveryMs: number;
}

export interface BatchClientReply {
  wallMs: number;
  written: number;
  done: number;
  failed: number;
  providerCalls: number;
  run: number;
  /** Progress queries that answered. */
  statusQueries: number;
}

serveParent<BatchClientRequest | { type: 'hello' }>(async (message) => {
  if (message.type === 'hello') return null;
  const connection = await Connection.connect({ address: message.address });
  try {
    const client = new Client({ connection, namespace: message.namespace });
    const started = Date.now();
    await startBatchSummarize(client, message.config, {
      group: message.group,
      documents: { kind: 's3', url: message.sourceUrl },
      output: { jsonlPath: message.outputUrl },
      concurrency: message.concurrency,
      taskQueue: message.taskQueue,
      workflowId: message.workflowId,
    });
    let statusQueries = 0;
    const timer = setInterval(() => {
      getBatchStatus(client, message.workflowId).then(() => statusQueries++, () => undefined);
    }, message.progressEveryMs);
    try {
      const result = await getBatchResult(client, message.workflowId);
      const reply: BatchClientReply = {
        wallMs: Date.now() - started,
        written: result.written,
        done: result.progress.done,
        failed: result.progress.failed,
        providerCalls: result.progress.providerCalls,
        run: result.progress.run,
        statusQueries,
      };
      return reply;
    } finally {
      clearInterval(timer);
    }
  } finally {
    await connection.close();
  }
});
