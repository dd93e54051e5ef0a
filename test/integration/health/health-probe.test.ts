import type { Worker } from '@temporalio/worker';
import { createProviderRegistry } from '../../../src/providers';
import { createHealthProbeSchedule, ensureRouterHealth, getRouterHealthReport, routerHealthHandle } from '../../../src/temporal/health';
import { deleteSchedule, describeSchedule } from '../../../src/temporal/schedules';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import type { HealthProbeResult } from '../../../workflows/health-probe';
import { reportOutcomeSignal, snapshotQuery } from '../../../workflows/router-health-api';
import { FAKE_KEY_ENV, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let worker: Worker;

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  worker = await createTestWorker(ctx, createProviderRegistry({ env: { [FAKE_KEY_ENV]: 'sk-probe' } }));
});
afterAll(async () => {
  await fake.close();
  await ctx.close();
});

const PROBE_INTERVAL_MS = 2_000;
const FIXED_COOLDOWN_SEC = 60;

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 45_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

test('a probe restores a recovered deployment within one probe interval, long before its fixed cooldown ends; a failed probe extends it', async () => {
  const routerName = uniqueWorkflowId('probe');
  const durable = fakeRouterConfig(fake, [{ id: 'dep-a', group: 'chat' }, { id: 'dep-b', group: 'chat' }], { cooldown_time: FIXED_COOLDOWN_SEC });
  // The provider is still down for the first probe, and back from then on. The second probe's
  // answer waits until this test has read the first one's extension: on a loaded machine the
  // restore could otherwise land between two polls, and the extension would never be seen.
  const extensionSeen = fake.gate();
  fake.script('dep-a', [{ status: 503, errorMessage: 'still down' }, { gate: extensionSeen }]);

  await worker.runUntil(async () => {
    const entity = await ensureRouterHealth(ctx.client, { routerName, config: durable.routing, taskQueue: ctx.taskQueue, probeBackoff: { baseMs: 70_000 } });
    await entity.signal(reportOutcomeSignal, { reporter: 'batch-1', seq: 1, deploymentId: 'dep-a', at: Date.now(), result: { ok: false, errorClass: 'RateLimitError', status: 429 } });
    const cooled = await waitFor(() => entity.query(snapshotQuery), (s) => (s.state.deployments['dep-a']?.cooldownUntil ?? 0) > 0);
    const fixedCooldownEnd = cooled.state.deployments['dep-a']!.cooldownUntil;

    const schedule = await createHealthProbeSchedule(ctx.client, {
      routerName, deployments: durable.params, taskQueue: ctx.taskQueue, interval: PROBE_INTERVAL_MS, prompt: 'health check: reply ok',
    });
    try {
      // The failed probe pushes the end out by the (long, for the test) backoff: the cooldown is extended, not just kept.
      const extended = await waitFor(() => entity.query(snapshotQuery), (s) => (s.state.deployments['dep-a']?.cooldownUntil ?? 0) > fixedCooldownEnd);
      extensionSeen.release();
      expect(extended.state.deployments['dep-a']!.cooldownUntil).toBeGreaterThan(fixedCooldownEnd);
      const recoveredAt = fake.requests('dep-a')[0]!.receivedAt;

      const restored = await waitFor(() => getRouterHealthReport(ctx.client, routerName), (r) => r.deployments.find((d) => d.deploymentId === 'dep-a')?.status === 'healthy');
      const seenAt = Date.now();
      const lastProbe = restored.deployments.find((d) => d.deploymentId === 'dep-a')?.lastProbe;
      expect(lastProbe).toMatchObject({ ok: true, restored: true });
      // When the entity put it back (its workflow time), not when this poll happened to see it.
      const restoredAt = lastProbe!.at;
      expect(restored.cooldowns).toEqual([]);
      expect(restored.deployments.find((d) => d.deploymentId === 'dep-a')?.probeFailures).toBe(0);
      // Restored by the very next probe after recovery (one failed, one passed), i.e. within one interval;
      // a healthy peer is never probed.
      expect(fake.count('dep-a')).toBe(2);
      expect(fake.count('dep-b')).toBe(0);
      expect(JSON.stringify(fake.requests('dep-a')[1]?.body)).toContain('health check: reply ok');
      expect(restoredAt).toBeLessThan(fixedCooldownEnd);
      expect(seenAt).toBeLessThan(fixedCooldownEnd);

      const runs = (await describeSchedule(ctx.client, schedule.scheduleId)).recentRuns;
      const results = await Promise.all(runs.map((r) => ctx.client.workflow.getHandle(r.workflowId, r.runId).result() as Promise<HealthProbeResult>));
      expect(results.flatMap((r) => r.probed.map((p) => [p.deploymentId, p.ok, p.errorClass ?? null]))).toEqual(
        expect.arrayContaining([['dep-a', false, 'ServiceUnavailableError'], ['dep-a', true, null]]),
      );

      const afterRecovery = fake.requests('dep-a')[1]!.receivedAt - recoveredAt;
      process.stdout.write(
        `[health-probe] interval ${PROBE_INTERVAL_MS} ms: back in rotation ${restoredAt - recoveredAt} ms after recovery ` +
        `(probe sent ${afterRecovery} ms after recovery; seen by a client query after ${seenAt - recoveredAt} ms); ` +
        `a fixed ${FIXED_COOLDOWN_SEC} s cooldown would have held it ` +
        `${fixedCooldownEnd - restoredAt} ms longer\n`,
      );
    } finally {
      await deleteSchedule(ctx.client, schedule.scheduleId);
      await routerHealthHandle(ctx.client, routerName).terminate('test done');
    }
  });
});
