// Temporal's floor: a workflow that runs one activity doing nothing. Every
// routed completion pays at least this much (a workflow start, two workflow
// tasks, one activity task and their history events).
import { proxyActivities } from '@temporalio/workflow';
import type { NoopActivities } from './noop-activities';

const { noop } = proxyActivities<NoopActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 1 } });

export async function noopWorkflow(): Promise<string> {
  return noop();
}
