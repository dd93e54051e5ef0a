import type { LoadedRouterConfig } from '../../config';
import type { ChatRequest } from '../../providers/types';
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
  flags: ConnectionFlags & { json?: boolean; taskQueue?: string; router?: string },
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
    const result = await router.complete(request);
    if (flags.json) return writeJson(result);
    process.stdout.write(`${result.response.choices[0]?.message.content ?? ''}\n`);
    writeRouting(result.routing);
  } finally {
    await close();
  }
}
