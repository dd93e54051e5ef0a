import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { parseConfigObject } from '../../../src/config';
import { createProviderRegistry } from '../../../src/providers';
import { DurableRouter } from '../../../src/temporal/client';
import { routerConfigWorkflowId } from '../../../workflows/router-config';
import { getRouterHealthReport, type RouterHealthReport } from '../../../src/temporal/health';
import { HealthAgents } from '../../../src/temporal/health/agent';
import { LlmFailedDeployments, LlmFallbackCount, LlmModelGroup, LlmServedBy } from '../../../src/temporal/search-attributes';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import type { DurableRouterConfig, RoutedCompletionResult } from '../../../workflows';
import { countEvents, failedHops, historyContains, hopSummaries, patchMarkers, type History } from '../../support/history';
import { secretsInHistories } from '../../support/secrets';
import { FAKE_KEY_ENV, FAST_ROUTING, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

// `latency` durability: every hop a local activity in the workflow task that
// started the request, unless the call could outlive a local activity; and
// requests carry their config by reference.
const SECRET = 'fake-latency-key-never-in-history';
const env = { [FAKE_KEY_ENV]: SECRET };

let ctx: TemporalTestContext;
let fake: FakeProviderServer;

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
});
afterAll(async () => {
  await fake.close();
  await ctx.close();
});
beforeEach(() => fake.reset());

const messages = [{ role: 'user' as const, content: 'Summarise: a person is waiting for this answer.' }];

async function complete(router: DurableRouter, request: Parameters<DurableRouter['complete']>[0], opts: Parameters<DurableRouter['complete']>[1] = {}): Promise<{ result: RoutedCompletionResult; handle: WorkflowHandle; history: History }> {
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  const workflowId = uniqueWorkflowId('latency');
  const result = await worker.runUntil(router.complete(request, { ...opts, workflowId }));
  const handle = ctx.client.workflow.getHandle(workflowId);
  return { result, handle, history: await handle.fetchHistory() };
}

/** Polls the routerHealth entity until `ok` (bounded); it starts with the first request, so "not found" reads as "not yet". */
async function waitForEntity(routerName: string, ok: (r: RouterHealthReport) => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  await worker.runUntil(async () => {
    for (;;) {
      const report = await getRouterHealthReport(ctx.client, routerName).catch(() => undefined);
      if (report !== undefined && ok(report)) return;
      if (Date.now() > deadline) throw new Error(`routerHealth ${routerName}: condition not met within ${timeoutMs} ms: ${JSON.stringify(report)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
}

function routerFor(config: DurableRouterConfig, extra: Partial<ConstructorParameters<typeof DurableRouter>[0]> = {}): DurableRouter {
  return new DurableRouter({ client: ctx.client, config, taskQueue: ctx.taskQueue, options: FAST_ROUTING, ...extra });
}

test('one local-activity hop, one workflow task, the same result and summary as a normal hop', async () => {
  const config = fakeRouterConfig(fake, [{ id: 'dep-a', group: 'g' }]);
  const router = routerFor(config);
  const latency = await complete(router, { model: 'g', messages }, { durability: 'latency' });
  const standard = await complete(router, { model: 'g', messages });

  for (const { result } of [latency, standard]) {
    expect(result.routing).toMatchObject({ deployment: 'dep-a', attempts: 1, fallbacks: 0 });
    expect(result.response.choices[0]?.message.content).toEqual(expect.stringContaining('Summary'));
  }
  expect(hopSummaries(latency.history)).toEqual([{ kind: 'local', summary: '#1 dep-a (openai/gpt-4o-mini)' }]);
  expect(hopSummaries(standard.history)).toEqual([{ kind: 'activity', summary: '#1 dep-a (openai/gpt-4o-mini)' }]);
  // No task-queue round trip and no second workflow task: the hop ran inside the first one.
  expect(countEvents(latency.history, 'workflowTaskCompletedEventAttributes')).toBe(1);
  expect(countEvents(standard.history, 'workflowTaskCompletedEventAttributes')).toBe(2);
  // The client names the engine in the input, so neither run writes patch markers (nor their search-attribute
  // updates); served by its first pick, neither has news to tag: a one-hop latency run is 6 events, the floor's count.
  for (const { history, handle } of [latency, standard]) {
    expect(patchMarkers(history)).toBe(0);
    expect(countEvents(history, 'upsertWorkflowSearchAttributesEventAttributes')).toBe(0);
    expect((await handle.describe()).typedSearchAttributes.get(LlmServedBy)).toBeUndefined();
  }
  expect(latency.history.events).toHaveLength(6);
  expect(fake.count('dep-a')).toBe(2);
});

test('durable_settings.search_attributes: always tags a request its first pick served, in both modes', async () => {
  const config: DurableRouterConfig = { ...fakeRouterConfig(fake, [{ id: 'tagged', group: 'g' }]), searchAttributes: 'always' };
  const router = routerFor(config);
  for (const mode of ['standard', 'latency'] as const) {
    const { history, handle } = await complete(router, { model: 'g', messages }, { durability: mode });
    expect(countEvents(history, 'upsertWorkflowSearchAttributesEventAttributes')).toBe(1);
    const attrs = (await handle.describe()).typedSearchAttributes;
    expect(attrs.get(LlmServedBy)).toBe('tagged');
    expect(attrs.get(LlmModelGroup)).toBe('g');
    expect(attrs.get(LlmFallbackCount)).toBe(0);
  }
});

test('a failover in latency mode: the same attempts, error details, search attributes and summaries as standard', async () => {
  const config = fakeRouterConfig(fake, [
    { id: 'cheap', group: 'g', inputCostPerToken: 0.0000001, numRetries: 1 },
    { id: 'dear', group: 'g', model: 'anthropic/claude-haiku-4-5', inputCostPerToken: 0.00001 },
  ], { routing_strategy: 'cost-based-routing', allowed_fails: 5 });
  const router = routerFor(config, { options: { ...FAST_ROUTING, sharedHealth: false } });
  const runs: Record<string, Awaited<ReturnType<typeof complete>>> = {};
  for (const mode of ['standard', 'latency'] as const) {
    fake.reset();
    fake.script('cheap', [{ status: 503, errorMessage: 'overloaded' }]);
    runs[mode] = await complete(router, { model: 'g', messages }, { durability: mode });
    expect(fake.count('cheap')).toBe(1);
    expect(fake.count('dear')).toBe(1);
  }
  const shape = (r: RoutedCompletionResult) => r.routing.attemptLog.map((a) => [a.deploymentId, a.reason, a.outcome, a.errorClass, a.status]);
  expect(shape(runs.latency!.result)).toEqual(shape(runs.standard!.result));
  expect(shape(runs.latency!.result)).toEqual([
    ['cheap', 'initial', 'failure', 'ServiceUnavailableError', 503],
    ['dear', 'retry', 'success', null, null],
  ]);
  expect(hopSummaries(runs.latency!.history)).toEqual([
    { kind: 'local', summary: '#1 cheap (openai/gpt-4o-mini)' },
    { kind: 'local', summary: '#2 dear (anthropic/claude-haiku-4-5) · retry after cheap (openai/gpt-4o-mini) after ServiceUnavailableError' },
  ]);
  expect(hopSummaries(runs.latency!.history).map((h) => h.summary)).toEqual(hopSummaries(runs.standard!.history).map((h) => h.summary));
  expect(failedHops(runs.latency!.history)).toBe(1);
  expect(failedHops(runs.standard!.history)).toBe(1);
  const attrs = (await runs.latency!.handle.describe()).typedSearchAttributes;
  expect(attrs.get(LlmServedBy)).toBe('dear');
  expect(attrs.get(LlmFailedDeployments)).toEqual(['cheap']);
});

test.each(['standard', 'latency'] as const)('shared health in %s mode: a deployment one request cooled is skipped by the next without a call', async (mode) => {
  const config = fakeRouterConfig(fake, [
    { id: `cheap-${mode}`, group: 'g', inputCostPerToken: 0.0000001 },
    { id: `dear-${mode}`, group: 'g', inputCostPerToken: 0.00001 },
  ], { routing_strategy: 'cost-based-routing', cooldown_time: 60 });
  // A 429 cools its deployment at once; the worker's health agent ships it to the routerHealth entity at once.
  fake.script(`cheap-${mode}`, [{ status: 429, errorMessage: 'slow down' }]);
  const router = routerFor(config);
  const first = await complete(router, { model: 'g', messages }, { durability: mode });
  expect(first.result.routing.deployment).toBe(`dear-${mode}`);
  const routerName = router.sharedHealthName!;
  await waitForEntity(routerName, (r) => r.cooldowns.some((c) => c.deploymentId === `cheap-${mode}`));

  // Another worker (another process, as far as health goes) learns it from the entity: its first read has
  // happened before the request starts, so the test does not hang on how fast a cold worker answers a query.
  const health = new HealthAgents();
  try {
    const worker = await createTestWorker(ctx, createProviderRegistry({ env }), { health });
    const workflowId = uniqueWorkflowId('latency');
    const agent = health.get(ctx.client, routerName);
    const result = await worker.runUntil(async () => {
      await agent.ready(30_000);
      expect(agent.available).toBe(true);
      return router.complete({ model: 'g', messages }, { durability: mode, workflowId });
    });
    const history = await ctx.client.workflow.getHandle(workflowId).fetchHistory();
    expect(result.routing.deployment).toBe(`dear-${mode}`);
    expect(hopSummaries(history).every((h) => h.kind === (mode === 'latency' ? 'local' : 'activity'))).toBe(true);
  } finally {
    await health.close();
  }
  expect(fake.count(`cheap-${mode}`)).toBe(1);
  expect(fake.count(`dear-${mode}`)).toBe(2);
});

test('streams and calls with timeouts past the local-activity limit run as normal activities in latency mode', async () => {
  const config = fakeRouterConfig(fake, [{ id: 'short', group: 'short', timeoutSec: 30 }, { id: 'long', group: 'long', timeoutSec: 3600 }]);
  const router = routerFor(config);
  const stream = await complete(router, { model: 'short', messages, stream: true }, { durability: 'latency' });
  const long = await complete(router, { model: 'long', messages }, { durability: 'latency' });
  const short = await complete(router, { model: 'short', messages }, { durability: 'latency' });
  expect(stream.result.routing.deployment).toBe('short');
  expect(hopSummaries(stream.history).map((h) => h.kind)).toEqual(['activity']);
  expect(hopSummaries(long.history).map((h) => h.kind)).toEqual(['activity']);
  expect(hopSummaries(short.history).map((h) => h.kind)).toEqual(['local']);
});

test('request → group setting → caller default: the mode each request runs in', async () => {
  const loaded = parseConfigObject({
    model_list: ['fast', 'slow'].map((g) => ({ model_name: g, litellm_params: { model: 'openai/gpt-4o-mini', api_base: fake.openaiBaseUrl(g), api_key: `os.environ/${FAKE_KEY_ENV}` }, model_info: { id: g } })),
    durable_settings: { group_durability: { slow: 'standard' } },
  });
  expect(loaded.durability).toEqual({ slow: 'standard' });
  const router = routerFor(loaded as unknown as DurableRouterConfig);
  const kinds = async (model: string, opts: Parameters<DurableRouter['complete']>[1]) => hopSummaries((await complete(router, { model, messages }, opts)).history).map((h) => h.kind);
  expect(await kinds('fast', {})).toEqual(['activity']);
  expect(await kinds('fast', { defaultDurability: 'latency' })).toEqual(['local']);
  expect(await kinds('slow', { defaultDurability: 'latency' })).toEqual(['activity']);
  expect(await kinds('slow', { durability: 'latency' })).toEqual(['local']);
});

test('a request carries its config by reference: its history holds no config, under 4 KB for 20 deployments in latency mode', async () => {
  const deployments = Array.from({ length: 20 }, (_, i) => ({ id: `d${i + 1}`, group: 'g', inputCostPerToken: 0.000001 * (i + 1) }));
  const config = fakeRouterConfig(fake, deployments, { routing_strategy: 'cost-based-routing' });
  // The options a request carries by default (no test timings), as DurableRouter sends them.
  const router = new DurableRouter({ client: ctx.client, config, taskQueue: ctx.taskQueue });
  const sizes: Record<string, number> = {};
  for (const mode of ['latency', 'standard'] as const) {
    const { result, history } = await complete(router, { model: 'g', messages }, { durability: mode });
    expect(result.routing.deployment).toBe('d1');
    sizes[mode] = temporal.api.history.v1.History.encode(history).finish().length;
    // Deployments the request never called are not in its history: the config is not there.
    expect(historyContains(history, fake.openaiBaseUrl('d17'))).toBe(false);
    const input = JSON.parse(Buffer.from(history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data ?? []).toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(input)[0]).toBe('configRef');
    expect(input.config).toBeUndefined();
  }
  // Latency mode fits 4 KB; standard mode's two extra workflow-task events and the activity's input keep it above (bench:history-size).
  // This file's task queue name is longer than the default 'llm-router': it is in the history three times (the start
  // event, the workflow task, the default router name).
  const longerNames = 3 * (ctx.taskQueue.length - 'llm-router'.length);
  expect(sizes.latency).toBeLessThan(4096 + longerNames);
  expect(sizes.standard).toBeLessThan(5120 + longerNames);
  // The config itself is kept once, in its routerConfig workflow.
  const kept = await ctx.client.workflow.getHandle(routerConfigWorkflowId(await configRefFor(config))).describe();
  expect(kept.status.name).toBe('RUNNING');
});

async function configRefFor(config: DurableRouterConfig): Promise<string> {
  const { configRefOf } = await import('../../../src/temporal/config-ref');
  return configRefOf(config);
}

// Last, so it covers every workflow the tests above started (the routerConfig workflows too).
test('no API key value appears in the history of any workflow run this file started', async () => {
  const { runs, leaks } = await secretsInHistories(ctx.client, ctx.taskQueue, [SECRET]);
  expect(runs).toBeGreaterThanOrEqual(10);
  expect(leaks).toEqual([]);
});
