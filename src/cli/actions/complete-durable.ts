import type { LoadedRouterConfig } from '../../config';
import type { ChatRequest } from '../../providers/types';
import type { DurabilityMode } from '../../../workflows/types';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { isLlmRouterError } from '../../errors';
import { DurableRouter } from '../../temporal/client';
import { CliError, EXIT } from '../exit-codes';
import { connectClient } from '../connection';
import type { ConnectionFlags } from '../connection-options';
import { writeJson } from '../output';
import { sharedHealthRouterName } from '../shared-health';
import { writeRouting } from './complete';

/** `complete` without --direct: one routedCompletion workflow, awaited; hops are printed from its routing metadata. */
export async function completeDurably(
  config: LoadedRouterConfig,
  request: ChatRequest & { model: string },
  flags: ConnectionFlags & { json?: boolean; taskQueue?: string; router?: string; durability?: string; id?: string; timeout?: number },
): Promise<void> {
  const routerName = sharedHealthRouterName(flags.router);
  const { client, close } = await connectClient(flags);
  try {
    const router = new DurableRouter({
      client,
      config,
      ...(flags.taskQueue ? { taskQueue: flags.taskQueue } : {}),
      ...(routerName === undefined ? {} : { options: { sharedHealth: { routerName } } }),
    });
    let result: Awaited<ReturnType<typeof router.complete>>;
    try {
      result = await router.complete(request, {
        ...(flags.id === undefined ? {} : { workflowId: flags.id }),
        // A person waits on this answer: latency mode unless the flag or the group's setting says otherwise.
        ...(flags.durability === undefined ? {} : { durability: flags.durability as DurabilityMode }),
        defaultDurability: 'latency',
        ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout }),
        onUnclaimed: ({ workflowId, taskQueue, waitedMs }) => {
          process.stderr.write(`llm-router: no worker has picked up ${workflowId} after ${Math.round(waitedMs / 1000)} s; is \`llm-router worker --task-queue ${taskQueue}\` running against this server? Still waiting${flags.timeout === undefined ? ' (Ctrl-C stops waiting; the request stays queued)' : ''}\n`);
        },
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new CliError(`--id ${flags.id ?? err.workflowId}: a workflow with this id is already running`, EXIT.USAGE);
      // Our own time limit: a Timeout no deployment raised.
      if (flags.timeout !== undefined && isLlmRouterError(err) && err.name === 'Timeout' && err.deployment === undefined) throw new CliError(err.message, EXIT.TIMED_OUT);
      throw err;
    }
    if (flags.json) return writeJson(result);
    process.stdout.write(`${result.response.choices[0]?.message.content ?? ''}\n`);
    writeRouting(result.routing);
  } finally {
    await close();
  }
}
