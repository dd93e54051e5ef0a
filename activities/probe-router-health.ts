import { Context } from '@temporalio/activity';
import type { RouterConfig } from '../src/core/types';
import {
  configureSignal,
  routerHealthWorkflowId,
  ROUTER_HEALTH_WORKFLOW_TYPE,
  snapshotQuery,
  type HealthSnapshot,
  type RouterHealthInput,
} from '../workflows/router-health-api';

export interface ReadRouterHealthInput {
  routerName: string;
  /** The asking routing workflow, so the snapshot says which of its outcomes it already holds. */
  reporter?: string;
  /** When set and the entity is not running, start it with this config (the first hop of a routing workflow). */
  startWith?: RouterConfig;
  /** Task queue for a started entity (default: this activity's). */
  taskQueue?: string;
}

/**
 * Reads the routerHealth entity's snapshot with a query: no history event on
 * the entity, so thousands of routing workflows can read it without growing
 * its history. Null when the entity is not running and none was started:
 * the routing workflow then routes on its own local state.
 */
export async function readRouterHealth(input: ReadRouterHealthInput): Promise<HealthSnapshot | null> {
  const { client, info } = Context.current();
  const workflowId = routerHealthWorkflowId(input.routerName);
  try {
    return await client.workflow.getHandle(workflowId).query(snapshotQuery, input.reporter);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    if (input.startWith === undefined) return null;
  }
  const args: [RouterHealthInput] = [{ routerName: input.routerName, config: input.startWith }];
  // signalWithStart: whoever wins a start race, the entity ends up with this config.
  await client.workflow.signalWithStart(ROUTER_HEALTH_WORKFLOW_TYPE, {
    workflowId,
    taskQueue: input.taskQueue ?? info.taskQueue,
    args,
    signal: configureSignal,
    signalArgs: [input.startWith],
  });
  return null;
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'WorkflowNotFoundError';
}
