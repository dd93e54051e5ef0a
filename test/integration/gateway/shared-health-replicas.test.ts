// Issue 15, point 3: two gateway replicas, each with its own in-process
// Router, share health through the routerHealth entity on the shared dev
// server. A dead deployment in a group of two, requests alternating between
// the replicas two at a time: the calls that reach the dead deployment,
// counted at the fake provider, stay within allowed_fails + in flight + 1
// across both replicas. The same run without shared health is the control:
// each replica learns on its own and pays allowed_fails + 1 each.
import type { Worker } from '@temporalio/worker';
import OpenAI from 'openai';
import { parseConfigObject, type LoadedRouterConfig } from '../../../src/config';
import { createGateway, type Gateway } from '../../../src/gateway';
import { createProviderRegistry } from '../../../src/providers';
import { Router, type RouterOptions } from '../../../src/router';
import { ensureRouterHealth, healthAgentSource } from '../../../src/temporal/health';
import { HealthAgent } from '../../../src/temporal/health/agent';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { FAKE_KEY_ENV } from '../../support/router-config';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

const GATEWAY_KEY = 'gw-shared-health-3c9e';
const env = { [FAKE_KEY_ENV]: 'fake-shared-health-key' };
const ALLOWED_FAILS = 2;
const IN_FLIGHT = 2;
const REQUESTS = 60;
const BOUND = ALLOWED_FAILS + IN_FLIGHT + 1;

let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  // The entity's queries and signals are answered by a worker on the task queue, as in production.
  worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await fake?.close();
  await ctx?.close();
});
beforeEach(() => fake.reset());

function loadConfig(): LoadedRouterConfig {
  const deployment = (id: string) => ({
    model_name: 'chat',
    litellm_params: { model: 'openai/gpt-4o-mini', api_base: fake.openaiBaseUrl(id), api_key: `os.environ/${FAKE_KEY_ENV}` },
    model_info: { id },
  });
  return parseConfigObject({
    model_list: [deployment('dead'), deployment('alive')],
    // Cooled for longer than the test: no probe after the cooldown adds calls.
    router_settings: { num_retries: 1, retry_after: 0, allowed_fails: ALLOWED_FAILS, cooldown_time: 120 },
    general_settings: { master_key: GATEWAY_KEY },
  });
}

interface Replicas {
  urls: string[];
  gateways: Gateway[];
  close(): Promise<void>;
}

async function startReplicas(shared: boolean): Promise<Replicas> {
  const config = loadConfig();
  const routerName = uniqueWorkflowId('gw-replicas');
  if (shared) await ensureRouterHealth(ctx.client, { routerName, config: config.routing, taskQueue: ctx.taskQueue });
  const agents: HealthAgent[] = [];
  const gateways: Gateway[] = [];
  for (let i = 0; i < 2; i++) {
    // Each replica has its own agent (its own reporter id), as two processes would.
    const agent = shared ? new HealthAgent({ client: ctx.client, routerName }) : undefined;
    if (agent !== undefined) {
      agents.push(agent);
      // As `serve` does: the first read before listening, so readiness can say whether the entity answers.
      await agent.ready(5_000);
    }
    const options: RouterOptions = agent === undefined ? { env } : { env, sharedHealth: healthAgentSource(agent) };
    gateways.push(await createGateway({
      router: new Router(config, options),
      ...(agent === undefined ? {} : { sharedHealth: { routerName, available: () => agent.available } }),
      processMetrics: false,
    }));
  }
  const urls = await Promise.all(gateways.map((g) => g.listen({ port: 0 })));
  return {
    urls,
    gateways,
    async close() {
      await Promise.all(gateways.map((g) => g.close()));
      await Promise.all(agents.map((a) => a.close()));
    },
  };
}

/** REQUESTS requests, IN_FLIGHT at a time, the n-th to replica n % 2 (a round-robin balancer); returns who served each. */
async function spread(urls: string[]): Promise<string[]> {
  const clients = urls.map((url) => new OpenAI({ apiKey: GATEWAY_KEY, baseURL: `${url}/v1`, maxRetries: 0 }));
  const served: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < REQUESTS) {
      const n = next++;
      const { response } = await (clients[n % clients.length] as OpenAI).chat.completions
        .create({ model: 'chat', messages: [{ role: 'user', content: `request ${n}` }] })
        .withResponse();
      served.push(response.headers.get('x-llm-router-deployment') ?? '?');
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return served;
}

test(`shared health: calls to a dead deployment across two replicas stay within allowed_fails + in flight + 1 (${BOUND})`, async () => {
  fake.script('dead', [], { after: { status: 503, errorMessage: 'down' } });
  const replicas = await startReplicas(true);
  try {
    const ready = await fetch(`${replicas.urls[0]}/health/readiness`);
    expect(((await ready.json()) as { shared_health: unknown }).shared_health).toEqual({ router: expect.stringMatching(/^gw-replicas-/), entity: 'read' });
    const served = await spread(replicas.urls);
    const calls = fake.count('dead');
    process.stdout.write(`[gateway shared health] ${calls} calls to the dead deployment over ${REQUESTS} requests on 2 replicas (bound ${BOUND})\n`);
    expect(served).toHaveLength(REQUESTS);
    expect(new Set(served)).toEqual(new Set(['alive']));
    expect(calls).toBeGreaterThanOrEqual(ALLOWED_FAILS + 1);
    expect(calls).toBeLessThanOrEqual(BOUND);
    // Each replica knows the deployment is cooling, including one that may never have seen it fail itself.
    for (const g of replicas.gateways) expect(await g.metrics.render()).toContain('llm_router_deployment_cooling_down{deployment="dead"} 1');
  } finally {
    await replicas.close();
  }
}, 120_000);

test('control, no shared health: each replica learns on its own, paying allowed_fails + 1 calls each', async () => {
  fake.script('dead', [], { after: { status: 503, errorMessage: 'down' } });
  const replicas = await startReplicas(false);
  try {
    const ready = await fetch(`${replicas.urls[0]}/health/readiness`);
    expect(((await ready.json()) as { shared_health: unknown }).shared_health).toBe('off');
    const served = await spread(replicas.urls);
    const calls = fake.count('dead');
    process.stdout.write(`[gateway shared health] control: ${calls} calls to the dead deployment without sharing\n`);
    expect(new Set(served)).toEqual(new Set(['alive']));
    expect(calls).toBeGreaterThanOrEqual(2 * (ALLOWED_FAILS + 1));
    expect(calls).toBeGreaterThan(BOUND);
  } finally {
    await replicas.close();
  }
}, 120_000);
