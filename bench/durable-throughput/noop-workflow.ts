// Temporal's floors: a workflow that runs one activity doing nothing, and one
// that runs it as a local activity. Every routed completion pays at least the
// first in standard mode (a workflow start, two workflow tasks, one activity
// task and their history events) and the second in latency mode (a start and
// one workflow task that runs the call itself).
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { NoopActivities } from './noop-activities';

const options = { startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 1 } } as const;
const { noop } = proxyActivities<NoopActivities>(options);
const local = proxyLocalActivities<NoopActivities>(options);

export async function noopWorkflow(): Promise<string> {
  return noop();
}

export async function noopLocalWorkflow(): Promise<string> {
  return local.noop();
}
