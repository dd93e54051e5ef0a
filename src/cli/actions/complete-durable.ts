import type { LoadedRouterConfig } from '../../config';
import type { ChatRequest } from '../../providers/types';
import type { DurabilityMode } from '../../../workflows/types';
import { DurableRouter } from '../../temporal/client';
import { connectClient } from '../connection';
import type { ConnectionFlags } from '../connection-options';
import { writeJson } from '../output';
import { sharedHealthRouterName } from '../shared-health';
import { writeRouting } from './complete';

/** `complete` without --direct: one routedCompletion workflow, awaited; hops are printed from its routing metadata. */
export async function completeDurably(
  config: LoadedRouterConfig,
  request: ChatRequest & { model: string },
  flags: ConnectionFlags & { json?: boolean; taskQueue?: string; router?: string; durability?: string },
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
    // A person waits on this answer: latency mode unless the flag or the group's setting says otherwise.
    const result = await router.complete(request, {
      ...(flags.durability === undefined ? {} : { durability: flags.durability as DurabilityMode }),
      defaultDurability: 'latency',
    });
    if (flags.json) return writeJson(result);
    process.stdout.write(`${result.response.choices[0]?.message.content ?? ''}\n`);
    writeRouting(result.routing);
  } finally {
    await close();
  }
}
