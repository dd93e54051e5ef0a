// What one durable request leaves in Temporal history: events and bytes per
// routedCompletion, in both durability modes, for a 2- and a 20-deployment
// config (carried by reference: its size does not enter), on the happy path,
// after a failover to a peer and after a retry of a lone deployment. Not a
// test (nothing asserted): run it with
//   npm run bench:history-size
// It starts its own dev server, a worker in this process and a fake provider.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer } from '../src/dev-server';
import { createProviderRegistry } from '../src/providers';
import { DurableRouter } from '../src/temporal/client';
import { createRouterWorker, routerBundleOptions } from '../src/temporal/worker';
import { startFakeProviderServer, type FakeProviderServer } from '../src/testing';
import { FAKE_KEY_ENV, fakeRouterConfig, type FakeDeployment } from '../test/support/router-config';
import type { DurabilityMode } from '../workflows';

interface Row {
  mode: DurabilityMode;
  config: string;
  scenario: string;
  events: number;
  bytes: number;
}

const MODES: readonly DurabilityMode[] = ['standard', 'latency'];

function deployments(n: number): FakeDeployment[] {
  // One group holds them all, priced apart so the cheapest is always picked first.
  return Array.from({ length: n }, (_, i) => ({ id: `d${i + 1}`, group: 'g', inputCostPerToken: 0.000001 * (i + 1) }));
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dir = mkdtempSync(join(tmpdir(), 'tlr-history-size-'));
  const server = await startDevServer({ dbFilename: join(dir, 'temporal.db'), headless: true, logLevel: 'error' });
  const fake: FakeProviderServer = await startFakeProviderServer();
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection });
  const taskQueue = 'history-size';
  const { code } = await bundleWorkflowCode({ ...routerBundleOptions(), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
  const worker = await createRouterWorker({ connection: native, taskQueue, providers: createProviderRegistry({ env: { [FAKE_KEY_ENV]: 'sk-bench' } }), workflowBundle: { code } });
  const rows: Row[] = [];
  try {
    await worker.runUntil(async () => {
      for (const n of [2, 20]) {
        const config = fakeRouterConfig(fake, deployments(n), { routing_strategy: 'cost-based-routing' });
        const lone = fakeRouterConfig(fake, [{ id: 'lone', group: 'g' }]);
        const scenarios: Array<[string, () => void, typeof config]> = [
          ['one call', () => fake.reset(), config],
          ['503, then a peer', () => { fake.reset(); fake.script('d1', [{ status: 503 }]); }, config],
          ['503, then the same deployment after backoff', () => { fake.reset(); fake.script('lone', [{ status: 503 }]); }, lone],
        ];
        const runs: Array<[string, () => void, typeof config, DurabilityMode, boolean]> = [
          // As every request was before config references: the whole config in its input.
          ['one call, config inline (as before references)', () => fake.reset(), config, 'standard', true],
          ...scenarios.flatMap(([scenario, script, cfg]) => MODES.map((mode) => [scenario, script, cfg, mode, false] as [string, () => void, typeof config, DurabilityMode, boolean])),
        ];
        for (const [scenario, script, cfg, mode, inlineConfig] of runs) {
          script();
          // A router (shared-health entity) per run, so no run inherits the cooldown an earlier one caused.
          const router = new DurableRouter({ client, config: cfg, taskQueue, inlineConfig, options: { sharedHealth: { routerName: `history-size-${rows.length}` } } });
          const workflowId = `history-${n}-${rows.length}`;
          await router.complete({ model: 'g', messages: [{ role: 'user', content: 'Summarise: durable routing.' }] }, { workflowId, durability: mode });
          const history = await client.workflow.getHandle(workflowId).fetchHistory();
          const bytes = temporal.api.history.v1.History.encode(history).finish().length;
          rows.push({ mode, config: cfg === lone ? '1 deployment' : `${n} deployments`, scenario, events: history.events?.length ?? 0, bytes });
          // SHOW_EVENT_BYTES=1: each event's encoded size, to see where a request's bytes go.
          if (process.env.SHOW_EVENT_BYTES) {
            const sizes = (history.events ?? []).map((e) => `${Object.keys(e).find((k) => k.endsWith('Attributes'))?.replace('EventAttributes', '')} ${temporal.api.history.v1.HistoryEvent.encode(e).finish().length}`);
            process.stderr.write(`${scenario} (${mode}, ${rows.at(-1)?.config}): ${sizes.join(', ')}\n`);
          }
          if (process.env.SHOW_EVENTS) process.stderr.write(`${scenario}: ${(history.events ?? []).map((e) => Object.keys(e).find((k) => k.endsWith('Attributes'))?.replace('EventAttributes', '')).join(', ')}\n`);
        }
      }
    });
  } finally {
    await native.close();
    await connection.close();
    await fake.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write('| config | request | durability | history events | history bytes |\n| --- | --- | --- | --- | --- |\n');
  for (const r of rows) process.stdout.write(`| ${r.config} | ${r.scenario} | ${r.mode} | ${r.events} | ${r.bytes.toLocaleString('en')} |\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
