// Measures what shared health adds per routing hop, for docs/health.md.
// Not a test (no assertions on time): run it with
//   npm run bench:hop-latency -- [iterations]   (or: npx tsx bench/hop-latency.ts [iterations])
// It starts its own dev server, a worker in this process and a fake provider.
//
// Figures:
//  - routedCompletion end to end, sharedHealth off vs on (one hop; two hops
//    when the first deployment answers 503), interleaved, medians and p95;
//  - the two primitives a per-hop pick could use, from a client: a query
//    (what the snapshot does) and an Update (what a pick-by-Update would do),
//    plus the history events each leaves on the entity.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer } from '../src/dev-server';
import { createProviderRegistry } from '../src/providers';
import { ensureRouterHealth, restoreDeployment } from '../src/temporal/health';
import { createRouterWorker, routerBundleOptions } from '../src/temporal/worker';
import { startFakeProviderServer } from '../src/testing';
import type { RoutedCompletionInput } from '../workflows';
import { snapshotQuery } from '../workflows/router-health-api';
import { FAKE_KEY_ENV, fakeRouterConfig } from '../test/support/router-config';

const N = Number(process.argv[2] ?? 40);

const median = (xs: number[]) => percentile(xs, 50);
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}
const fmt = (xs: number[]) => `median ${median(xs).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms (n=${xs.length})`;

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dir = mkdtempSync(join(tmpdir(), 'tlr-hop-bench-'));
  const server = await startDevServer({ dbFilename: join(dir, 'temporal.db'), headless: true, logLevel: 'error' });
  const fake = await startFakeProviderServer();
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection });
  const taskQueue = 'hop-bench';
  const { code } = await bundleWorkflowCode({ ...routerBundleOptions(), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
  const worker = await createRouterWorker({
    connection: nativeConnection, taskQueue, providers: createProviderRegistry({ env: { [FAKE_KEY_ENV]: 'sk-bench' } }), workflowBundle: { code },
  });
  try {
    await worker.runUntil(async () => {
      const config = fakeRouterConfig(
        fake,
        [{ id: 'a', group: 'one' }, { id: 'b', group: 'two', numRetries: 0 }, { id: 'c', group: 'three' }],
        { num_retries: 0, fallbacks: [{ two: ['three'] }] },
      );
      const routerName = 'bench';
      await ensureRouterHealth(client, { routerName, config: config.routing, taskQueue });
      const run = async (group: string, shared: boolean, i: number) => {
        const input: RoutedCompletionInput = {
          config,
          request: { model: group, messages: [{ role: 'user', content: `hello ${i}` }] },
          options: { initialRetryIntervalMs: 1, ...(shared ? { sharedHealth: { routerName } } : {}) },
        };
        const t0 = performance.now();
        await client.workflow.execute('routedCompletion', { taskQueue, workflowId: `bench-${group}-${shared}-${i}`, args: [input] });
        return performance.now() - t0;
      };
      // Warm up the worker cache, connections and the entity.
      for (let i = 0; i < 5; i++) {
        await run('one', false, -i - 1);
        await run('one', true, -i - 1);
      }
      const off: number[] = [];
      const on: number[] = [];
      for (let i = 0; i < N; i++) {
        // Interleaved so drift in the machine's load hits both equally.
        off.push(await run('one', false, i));
        on.push(await run('one', true, i));
      }
      // Two hops: b always 503 (no retry), then fallback group three. A shared
      // cooldown would skip b once it cools, so b is restored before each run.
      fake.script('b', [], { after: { status: 503 } });
      const off2: number[] = [];
      const on2: number[] = [];
      for (let i = 0; i < N; i++) {
        await restoreDeployment(client, routerName, { deploymentId: 'b' });
        off2.push(await run('two', false, 1000 + i));
        await restoreDeployment(client, routerName, { deploymentId: 'b' });
        on2.push(await run('two', true, 1000 + i));
      }

      const handle = client.workflow.getHandle(`router-health:${routerName}`);
      const q: number[] = [];
      const u: number[] = [];
      for (let i = 0; i < N; i++) {
        let t0 = performance.now();
        await handle.query(snapshotQuery, 'bench-client');
        q.push(performance.now() - t0);
        t0 = performance.now();
        await restoreDeployment(client, routerName, { deploymentId: 'a' });
        u.push(performance.now() - t0);
      }
      const history = await handle.fetchHistory();
      const updates = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes || e.workflowExecutionUpdateCompletedEventAttributes).length;

      const out = [
        `routedCompletion, 1 hop, sharedHealth off: ${fmt(off)}`,
        `routedCompletion, 1 hop, sharedHealth on:  ${fmt(on)}`,
        `  added per request (1 hop): median ${(median(on) - median(off)).toFixed(1)} ms`,
        `routedCompletion, 2 hops, sharedHealth off: ${fmt(off2)}`,
        `routedCompletion, 2 hops, sharedHealth on:  ${fmt(on2)}`,
        `  added per request (2 hops): median ${(median(on2) - median(off2)).toFixed(1)} ms`,
        `client query of the entity (snapshot): ${fmt(q)}`,
        `client Update of the entity (restore, as a pick would be): ${fmt(u)}`,
        `entity history events written by ${u.length + 2 * N} Updates: ${updates} (queries write none)`,
      ];
      process.stdout.write(`${out.join('\n')}\n`);
    });
  } finally {
    await nativeConnection.close();
    await connection.close();
    await fake.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)} ${String((err as { cause?: unknown }).cause)}\n`);
  process.exit(1);
});
