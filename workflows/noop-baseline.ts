// Temporal's own floor for bench:durable: a workflow that runs one no-op
// activity. Not part of the worker's default bundle (see bench-entry.ts).
import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function noopBaseline(): Promise<void> {
  await noop();
}
