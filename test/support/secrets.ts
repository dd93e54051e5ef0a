import type { Client } from '@temporalio/client';
import { historyContains } from './history';

/**
 * Fetches the history of every workflow run on a task queue (every run of
 * every continue-as-new chain) and returns where any of `secrets` appears.
 * Test files call it last, so it covers every workflow they started.
 */
export async function secretsInHistories(client: Client, taskQueue: string, secrets: readonly string[]): Promise<{ runs: number; leaks: string[] }> {
  const leaks: string[] = [];
  let runs = 0;
  for await (const execution of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    runs++;
    for (const secret of secrets) if (historyContains(history, secret)) leaks.push(`${execution.workflowId}/${execution.runId} holds ${secret.slice(0, 6)}…`);
  }
  return { runs, leaks };
}
