import { Context } from '@temporalio/activity';
import type { RouterConfig } from '../src/core/types';
import {
  configureSignal,
  reportOutcomesSignal,
  routerHealthWorkflowId,
  ROUTER_HEALTH_WORKFLOW_TYPE,
  snapshotQuery,
  type HealthSnapshot,
  type OutcomeReport,
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
  /**
   * Outcomes to deliver, in one signal, after the read. Sent from here rather
   * than by the workflow's own signal command, which would cost the routing
   * workflow an extra workflow task per hop.
   */
  reports?: OutcomeReport[];
}

/**
 * Reads the routerHealth entity's snapshot with a query: a read writes no
 * history event on the entity, so thousands of routing workflows can read it
 * without growing its history (only outcomes, batched, are written). Null when the entity is not running and none was started:
 * the routing workflow then routes on its own local state.
 */
export async function readRouterHealth(input: ReadRouterHealthInput): Promise<HealthSnapshot | null> {
  const { client, info } = Context.current();
  const workflowId = routerHealthWorkflowId(input.routerName);
  const handle = client.workflow.getHandle(workflowId);
  const reports = input.reports ?? [];
  try {
    // Query first: a query behind a fresh signal waits for the entity's next
    // workflow task (about a hundred ms more per hop, measured). The caller
    // lays its unacknowledged outcomes over the snapshot, so it loses nothing.
    const snapshot = await handle.query(snapshotQuery, input.reporter);
    if (reports.length > 0) await handle.signal(reportOutcomesSignal, reports);
    return snapshot;
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
  if (reports.length > 0) await handle.signal(reportOutcomesSignal, reports);
  return null;
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'WorkflowNotFoundError';
}
