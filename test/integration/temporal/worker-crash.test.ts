import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { FAKE_KEY_ENV, fakeRouterConfig } from '../../support/router-config';
import type { RoutedCompletionInput, RoutedCompletionResult } from '../../../workflows';
import { activitySummaries, countEvents, hopSummaries } from '../../support/history';
import { armChildWorker, startChildWorker, type ChildWorker } from '../../support/child-worker';
import { connectToTestServer, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

// Durability: the worker process dies (SIGKILL) while a provider call is in
// flight; a new worker picks the workflow up and it completes.
let ctx: TemporalTestContext;
let fake: FakeProviderServer;
const workers: ChildWorker[] = [];

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  await fake.close();
  await ctx.close();
});

test('SIGKILL of the worker during an in-flight activity: a new worker finishes the workflow', async () => {
  // A dead worker's sticky workflow task moves to the shared queue after 1 s instead of the 10 s default.
  const env = { [FAKE_KEY_ENV]: 'sk-crash-test', TLR_WORKER_STICKY_TIMEOUT_MS: '1000' };
  const gate = fake.gate();
  // Call 1 is held open until the worker is dead; the retry answers at once.
  fake.script('dep-a', [{ gate }]);
  const first = await startChildWorker(ctx.taskQueue, env);
  workers.push(first);
  // The replacement boots now, so it can take over the moment the first one dies.
  const spare = await armChildWorker(ctx.taskQueue, env);
  workers.push(spare);

  const input: RoutedCompletionInput = {
    config: fakeRouterConfig(fake, [{ id: 'dep-a', group: 'g', numRetries: 2 }]),
    request: { model: 'g', messages: [{ role: 'user', content: 'Summarise: the worker will crash mid-call.' }] },
    // The dead worker cannot report failure; its missing heartbeats are how
    // Temporal notices, so keep the heartbeat timeout short for the test.
    options: { heartbeatTimeoutMs: 1_000, initialRetryIntervalMs: 100 },
  };
  const workflowId = uniqueWorkflowId('crash');
  const handle = await ctx.client.workflow.start('routedCompletion', { taskQueue: ctx.taskQueue, workflowId, args: [input] });

  await gate.arrived;
  await first.kill();
  expect(first.process.signalCode).toBe('SIGKILL');
  gate.release(); // the held response goes to a dead socket

  const second = await spare.go();
  const result = (await handle.result()) as RoutedCompletionResult;

  expect(result.routing.deployment).toBe('dep-a');
  // The lost call is nobody's fault: one attempt in the routing metadata, nothing held against dep-a.
  expect(result.routing.attempts).toBe(1);
  expect(result.routing.attemptLog.map((a) => a.outcome)).toEqual(['success']);
  expect(result.state?.router.deployments['dep-a']).toMatchObject({ failures: 0, cooldownUntil: 0 });
  // Exactly one extra provider request: the one in flight when the worker died.
  expect(fake.count('dep-a')).toBe(2);
  // Still one hop in history: the hop's RetryPolicy ran it again on the new worker.
  expect(activitySummaries(await handle.fetchHistory())).toEqual(['#1 dep-a (openai/gpt-4o-mini)']);
  await second.stop();
});


test('SIGKILL of the worker during a local-activity hop (latency mode): the new worker runs the hop again and the workflow completes', async () => {
  const env = { [FAKE_KEY_ENV]: 'sk-crash-test', TLR_WORKER_STICKY_TIMEOUT_MS: '1000' };
  const gate = fake.gate();
  fake.script('dep-l', [{ gate }]);
  const first = await startChildWorker(ctx.taskQueue, env);
  workers.push(first);
  const spare = await armChildWorker(ctx.taskQueue, env);
  workers.push(spare);

  const input: RoutedCompletionInput = {
    config: fakeRouterConfig(fake, [{ id: 'dep-l', group: 'g', numRetries: 2, timeoutSec: 30 }]),
    request: { model: 'g', messages: [{ role: 'user', content: 'Summarise: the worker will crash mid local activity.' }] },
    options: { durability: 'latency', initialRetryIntervalMs: 100 },
  };
  const workflowId = uniqueWorkflowId('crash-local');
  // A local activity cannot heartbeat: its workflow task's timeout is how a dead worker is noticed.
  const handle = await ctx.client.workflow.start('routedCompletion', { taskQueue: ctx.taskQueue, workflowId, args: [input], workflowTaskTimeout: 2_000 });

  await gate.arrived;
  await first.kill();
  expect(first.process.signalCode).toBe('SIGKILL');
  gate.release();

  const second = await spare.go();
  const result = (await handle.result()) as RoutedCompletionResult;
  expect(result.routing.deployment).toBe('dep-l');
  // The lost call never reached history: one attempt in the metadata, nothing held against dep-l...
  expect(result.routing.attempts).toBe(1);
  expect(result.routing.attemptLog.map((a) => a.outcome)).toEqual(['success']);
  expect(result.state?.router.deployments['dep-l']).toMatchObject({ failures: 0, cooldownUntil: 0 });
  // ...but the provider saw it: one extra request, the one in flight when the worker died.
  expect(fake.count('dep-l')).toBe(2);
  const history = await handle.fetchHistory();
  expect(hopSummaries(history)).toEqual([{ kind: 'local', summary: '#1 dep-l (openai/gpt-4o-mini)' }]);
  // The dead worker's workflow task timed out; the new worker's completed it.
  expect(countEvents(history, 'workflowTaskTimedOutEventAttributes')).toBeGreaterThanOrEqual(1);
  await second.stop();
});
