import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { buildRouterConfig } from '../../../src/core';
import type { DeploymentInfo } from '../../../src/core/types';
import { createProviderRegistry } from '../../../src/providers';
import { HealthAgent, HEALTH_READ_DEADLINE_MS } from '../../../src/temporal/health/agent';
import { cooldownDeployment, ensureRouterHealth, getRouterHealthReport, restoreDeployment, routerHealthHandle } from '../../../src/temporal/health';
import { reportOutcomeSignal, snapshotQuery, type OutcomeReport } from '../../../workflows/router-health-api';
import { startFakeProviderServer } from '../../../src/testing';
import type { RoutedCompletionInput, RoutedCompletionResult } from '../../../workflows';
import { startChildWorker } from '../../support/child-worker';
import { FAKE_KEY_ENV, FAST_ROUTING, fakeRouterConfig } from '../../support/router-config';
import { countEvents, historyContains } from '../../support/history';
import { eventually } from '../../support/batch';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

let ctx: TemporalTestContext;
beforeAll(async () => {
  ctx = await connectToTestServer();
});
afterAll(async () => {
  await ctx.close();
});

const deployments: DeploymentInfo[] = [
  { id: 'dep-a', group: 'chat', model: 'openai/gpt-4o-mini', provider: 'openai' },
  { id: 'dep-b', group: 'chat', model: 'anthropic/claude-haiku', provider: 'anthropic' },
];
// A usage window far longer than the test, so counters cannot reset mid-test at a minute boundary.
const config = buildRouterConfig(deployments, { cooldownTimeSec: 60, routingStrategyArgs: { usage: { windowMs: 1e12 } } });
const rateLimited = (reporter: string, seq: number): OutcomeReport => ({
  reporter, seq, deploymentId: 'dep-a', at: Date.now(), result: { ok: false, errorClass: 'RateLimitError', status: 429 },
});
const served = (reporter: string, seq: number): OutcomeReport => ({
  reporter, seq, deploymentId: 'dep-b', at: Date.now(), result: { ok: true, latencyMs: 300, outputTokens: 10, totalTokens: 50 },
});

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('outcomes by signal cool a deployment for everyone; queries show cooldowns, health, latency, usage; operators cool down and restore by Update', async () => {
  const routerName = uniqueWorkflowId('health');
  const worker: Worker = await createTestWorker(ctx, createProviderRegistry({ env: {} }));
  await worker.runUntil(async () => {
    const handle = await ensureRouterHealth(ctx.client, { routerName, config, taskQueue: ctx.taskQueue });
    await handle.signal(reportOutcomeSignal, served('wf-1', 1));
    await handle.signal(reportOutcomeSignal, rateLimited('wf-2', 1));
    // A resent outcome (same reporter and seq) is applied once.
    await handle.signal(reportOutcomeSignal, served('wf-1', 1));

    const report = await until(() => getRouterHealthReport(ctx.client, routerName), (r) => r.cooldowns.length === 1);
    expect(report.cooldowns[0]).toMatchObject({ deploymentId: 'dep-a', group: 'chat', manual: false, reason: { errorClass: 'RateLimitError', status: 429, rule: 'immediate' } });
    expect(report.cooldowns[0]!.remainingMs).toBeGreaterThan(50_000);
    expect(report.deployments.map((d) => [d.deploymentId, d.status])).toEqual([['dep-a', 'cooling'], ['dep-b', 'healthy']]);
    expect(report.usage.find((u) => u.deploymentId === 'dep-b')).toMatchObject({ rpmUsed: 1, tpmUsed: 50 });
    expect(report.latency.find((l) => l.deploymentId === 'dep-b')).toMatchObject({ samples: 1, meanMs: 30 });
    const snapshot = await handle.query(snapshotQuery, 'wf-1');
    expect(snapshot.seenSeq).toBe(1);

    const restored = await restoreDeployment(ctx.client, routerName, { deploymentId: 'dep-a', by: 'oncall', note: 'provider confirmed fixed' });
    expect(restored).toMatchObject({ deploymentId: 'dep-a', status: 'healthy', lastManualAction: { action: 'restore', by: 'oncall' } });
    const cooled = await cooldownDeployment(ctx.client, routerName, { deploymentId: 'dep-b', durationMs: 30_000, by: 'oncall' });
    expect(cooled).toMatchObject({ deploymentId: 'dep-b', manual: true, reason: { errorClass: 'ManualCooldown' } });
    expect((await getRouterHealthReport(ctx.client, routerName)).cooldowns.map((c) => c.deploymentId)).toEqual(['dep-b']);

    const unknown = cooldownDeployment(ctx.client, routerName, { deploymentId: 'dep-z', durationMs: 1000 });
    await expect(unknown).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(cooldownDeployment(ctx.client, routerName, { deploymentId: 'dep-z', durationMs: 1000 })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/unknown deployment "dep-z"; known: dep-a, dep-b/) },
    });
    await expect(cooldownDeployment(ctx.client, routerName, { deploymentId: 'dep-a', durationMs: -5 })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/durationMs must be a positive number/) },
    });
    // Rejected updates leave no trace in history: only the two accepted ones do.
    expect(countEvents(await handle.fetchHistory(), 'workflowExecutionUpdateAcceptedEventAttributes')).toBe(2);
    await handle.terminate('test done');
  });
});

test('survives a worker crash and a continue-as-new with its state intact', async () => {
  const routerName = uniqueWorkflowId('health-crash');
  // The signals sent while no worker runs wake the entity on the dead worker's sticky queue: 1 s until they move, not 10 s.
  const child = await startChildWorker(ctx.taskQueue, { TLR_WORKER_STICKY_TIMEOUT_MS: '1000' });
  let worker: Worker | undefined;
  try {
    const handle = await ensureRouterHealth(ctx.client, { routerName, config, taskQueue: ctx.taskQueue, maxHistoryEvents: 60 });
    const firstRunId = (await handle.describe()).runId;
    await handle.signal(reportOutcomeSignal, rateLimited('wf-1', 1));
    const before = await until(() => handle.query(snapshotQuery), (s) => (s.state.deployments['dep-a']?.cooldownUntil ?? 0) > 0);
    const cooledUntil = before.state.deployments['dep-a']!.cooldownUntil;

    // SIGKILL: the entity's cached state dies with the process.
    await child.kill();
    // Outcomes keep arriving while no worker runs; the server holds them.
    for (let seq = 1; seq <= 3; seq++) await handle.signal(reportOutcomeSignal, served('wf-2', seq));

    worker = await createTestWorker(ctx, createProviderRegistry({ env: {} }));
    await worker.runUntil(async () => {
      const afterCrash = await until(() => handle.query(snapshotQuery), (s) => (s.state.deployments['dep-b']?.successes ?? 0) === 3);
      expect(afterCrash.state.deployments['dep-a']?.cooldownUntil).toBe(cooledUntil);
      expect(afterCrash.state.deployments['dep-a']?.cooldownReason).toMatchObject({ errorClass: 'RateLimitError' });

      // Enough signals to cross maxHistoryEvents and force a continue-as-new.
      for (let seq = 4; seq <= 40; seq++) await handle.signal(reportOutcomeSignal, served('wf-2', seq));
      const next = await until(() => handle.describe(), (d) => d.runId !== firstRunId);
      expect(next.runId).not.toBe(firstRunId);
      const afterCan = await until(() => handle.query(snapshotQuery, 'wf-2'), (s) => s.seenSeq === 40);
      expect(afterCan.state.deployments['dep-b']?.successes).toBe(40);
      expect(afterCan.state.deployments['dep-b']?.rpmUsed).toBe(40);
      expect(afterCan.state.deployments['dep-a']?.cooldownUntil).toBe(cooledUntil);
      // The dedupe marks crossed the run boundary too: a resend of an old outcome is still ignored.
      await handle.signal(reportOutcomeSignal, served('wf-2', 7));
      await handle.signal(reportOutcomeSignal, served('wf-2', 41));
      const last = await until(() => handle.query(snapshotQuery, 'wf-2'), (s) => s.seenSeq === 41);
      expect(last.state.deployments['dep-b']?.successes).toBe(41);
      await routerHealthHandle(ctx.client, routerName).terminate('test done');
    });
  } finally {
    await child.kill();
  }
});

test('with the entity unreachable, routing falls back to the workflow\'s own state and still fails over', async () => {
  const fake = await startFakeProviderServer();
  try {
    fake.script('dep-a', [], { after: { status: 503, errorMessage: 'down' } });
    // dep-a alone in its group, dep-b in the fallback group: the failover path is certain.
    const durable = fakeRouterConfig(fake, [{ id: 'dep-a', group: 'chat' }, { id: 'dep-b', group: 'backup' }], { fallbacks: [{ chat: ['backup'] }] });
    const routerName = uniqueWorkflowId('absent');
    const input: RoutedCompletionInput = {
      config: durable,
      request: { model: 'chat', messages: [{ role: 'user', content: 'hello' }] },
      // No entity, and nobody starts one (the workflow is started directly, not through DurableRouter).
      options: { ...FAST_ROUTING, sharedHealth: { routerName } },
    };
    const worker = await createTestWorker(ctx, createProviderRegistry({ env: { [FAKE_KEY_ENV]: 'sk-absent' } }));
    const workflowId = uniqueWorkflowId('absent-run');
    const result = await worker.runUntil(
      ctx.client.workflow.execute('routedCompletion', { taskQueue: ctx.taskQueue, workflowId, args: [input] }) as Promise<RoutedCompletionResult>,
    );
    // Every hop asked the worker's health agent (its input names the router; no extra event in history)...
    const history = await ctx.client.workflow.getHandle(workflowId).fetchHistory();
    expect(historyContains(history, routerName)).toBe(true);
    expect(countEvents(history, 'markerRecordedEventAttributes')).toBe(1); // the engine-v2 patch marker alone
    expect(result.routing.deployment).toBe('dep-b');
    // Alone in its group, dep-a gets its num_retries (2) as hops of their own, then the fallback serves.
    expect(result.routing.attemptLog.filter((a) => a.outcome === 'failure').map((a) => a.deploymentId)).toEqual(['dep-a', 'dep-a', 'dep-a']);
    expect(fake.count('dep-a')).toBeGreaterThanOrEqual(1);
    expect(fake.count('dep-b')).toBe(1);
    // ...which found nothing, started nothing, and routing went on with its own state.
    await expect(routerHealthHandle(ctx.client, routerName).describe()).rejects.toMatchObject({ name: 'WorkflowNotFoundError' });
  } finally {
    await fake.close();
  }
});

test('every outcome of a routed request reaches the entity within one flush of the worker\'s health agent: a one-hop success and the failures of a request that gave up', async () => {
  const fake = await startFakeProviderServer();
  try {
    const durable = fakeRouterConfig(fake, [{ id: 'ok', group: 'chat' }, { id: 'dead', group: 'doomed' }], { num_retries: 0 });
    const routerName = uniqueWorkflowId('flush');
    fake.script('dead', [], { after: { status: 503, errorMessage: 'down' } });
    const worker = await createTestWorker(ctx, createProviderRegistry({ env: { [FAKE_KEY_ENV]: 'sk-flush' } }));
    await worker.runUntil(async () => {
      const handle = await ensureRouterHealth(ctx.client, { routerName, config: durable.routing, taskQueue: ctx.taskQueue });
      const run = (model: string) => ctx.client.workflow.execute('routedCompletion', {
        taskQueue: ctx.taskQueue,
        workflowId: uniqueWorkflowId('flush-run'),
        args: [{ config: durable, request: { model, messages: [{ role: 'user', content: 'hello' }] }, options: { ...FAST_ROUTING, sharedHealth: { routerName } } } satisfies RoutedCompletionInput],
      }) as Promise<RoutedCompletionResult>;
      expect((await run('chat')).routing.deployment).toBe('ok');
      await expect(run('doomed')).rejects.toThrow();
      // The activities reported each outcome to the worker's agent before returning; it ships them within its flush delay.
      const snapshot = await eventually(async () => {
        const s = await handle.query(snapshotQuery);
        return s.state.deployments.ok?.successes === 1 && s.state.deployments.dead?.failures === fake.count('dead') ? s : undefined;
      }, 5_000, 20);
      expect(snapshot.state.deployments.ok?.successes).toBe(1);
      expect(snapshot.state.deployments.dead?.failures).toBe(fake.count('dead'));
      expect(fake.count('dead')).toBeGreaterThanOrEqual(1);
      await handle.terminate('test done');
    });
  } finally {
    await fake.close();
  }
});

test('a health agent\'s close() waits for the entity read in flight and then reads no more, so the client\'s connection may close right after it', async () => {
  const routerName = uniqueWorkflowId('health-close');
  const worker: Worker = await createTestWorker(ctx, createProviderRegistry({ env: {} }));
  await worker.runUntil(async () => {
    await ensureRouterHealth(ctx.client, { routerName, config, taskQueue: ctx.taskQueue });
    const agent = new HealthAgent({ client: ctx.client, routerName, pollIntervalMs: 10 });
    agent.state(); // in use: the poll timer runs
    const read = agent.poll();
    expect(agent.available).toBe(false);
    await agent.close();
    // close() returned only after the read in flight had answered.
    expect(agent.available).toBe(true);
    await read;
    agent.available = false;
    await new Promise((r) => setTimeout(r, 100));
    await agent.poll();
    // Ten poll intervals later, closed: no read ran and none can start.
    expect(agent.available).toBe(false);
  });
});

test('a health agent whose entity has no worker to answer gives up the read within its deadline and routes on what it has', async () => {
  const routerName = uniqueWorkflowId('health-stuck');
  // Started on a task queue no worker polls: the query waits for a worker that never comes.
  await ensureRouterHealth(ctx.client, { routerName, config, taskQueue: `${ctx.taskQueue}-nobody` });
  const agent = new HealthAgent({ client: ctx.client, routerName });
  const started = Date.now();
  await agent.poll();
  const tookMs = Date.now() - started;
  expect(agent.available).toBe(false);
  expect(agent.routingConfig()).toBeNull();
  expect(tookMs).toBeGreaterThanOrEqual(HEALTH_READ_DEADLINE_MS - 50);
  expect(tookMs).toBeLessThan(HEALTH_READ_DEADLINE_MS + 6_000);
  await agent.close();
  await routerHealthHandle(ctx.client, routerName).terminate('test over');
});

test('a deployment not known to work (unproven, or suspect) takes one call at a time in a process: a second call waits for the first to end and its outcome; a healthy one never waits', async () => {
  const routerName = uniqueWorkflowId('health-gate');
  const worker: Worker = await createTestWorker(ctx, createProviderRegistry({ env: {} }));
  await worker.runUntil(async () => {
    await ensureRouterHealth(ctx.client, { routerName, config, taskQueue: ctx.taskQueue });
    const agent = new HealthAgent({ client: ctx.client, routerName });
    await agent.ready(10_000);
    expect(agent.routingConfig()).not.toBeNull();
    try {
      // Unproven (the fleet has no outcome for dep-b yet): its first call goes alone.
      const first = await agent.beginCall('dep-b');
      let next: { end(): void } | undefined;
      const nextCall = agent.beginCall('dep-b', 10_000).then((l) => { next = l; });
      await new Promise((r) => setTimeout(r, 100));
      expect(next).toBeUndefined();
      agent.report('dep-b', { ok: true, latencyMs: 5 });
      first.end();
      await nextCall;
      next?.end();
      // Proven healthy: calls in flight side by side, none waits.
      const t = Date.now();
      const [h1, h2] = await Promise.all([agent.beginCall('dep-b', 10_000), agent.beginCall('dep-b', 10_000)]);
      expect(Date.now() - t).toBeLessThan(100);
      h1.end();
      h2.end();

      // One failure (under allowed_fails, so not cooling): dep-a is suspect from now on.
      agent.report('dep-a', { ok: false, errorClass: 'ServiceUnavailableError', status: 503, latencyMs: 5 });
      expect(agent.state().deployments['dep-a']?.suspect).toBe(true);
      expect(agent.state().deployments['dep-a']?.cooldownUntil ?? 0).toBeLessThanOrEqual(Date.now());
      const order: string[] = [];
      const probe = await agent.beginCall('dep-a');
      const second = agent.beginCall('dep-a', 10_000).then((l) => { order.push('second'); return l; });
      const third = agent.beginCall('dep-a', 10_000).then((l) => { order.push('third'); return l; });
      await new Promise((r) => setTimeout(r, 100));
      expect(order).toEqual([]);
      // The probe fails again: only one of the two waiting goes ahead as the next probe.
      agent.report('dep-a', { ok: false, errorClass: 'ServiceUnavailableError', status: 503, latencyMs: 5 });
      probe.end();
      await new Promise((r) => setTimeout(r, 50));
      expect(order).toEqual(['second']);
      // That one succeeds: the deployment is no longer suspect, and the last caller goes on.
      agent.report('dep-a', { ok: true, latencyMs: 5 });
      (await second).end();
      (await third).end();
      expect(order).toEqual(['second', 'third']);
      expect(agent.state().deployments['dep-a']?.suspect).toBeUndefined();

      // A probe that takes too long holds the next call back only for the wait's limit.
      agent.report('dep-a', { ok: false, errorClass: 'ServiceUnavailableError', status: 503, latencyMs: 5 });
      const slow = await agent.beginCall('dep-a');
      const started = Date.now();
      const late = await agent.beginCall('dep-a', 150);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      late.end();
      slow.end();
    } finally {
      await agent.close();
      await routerHealthHandle(ctx.client, routerName).terminate('test over');
    }
  });
});
