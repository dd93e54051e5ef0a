import type { WorkflowHandle } from '@temporalio/client';
import { createProviderRegistry } from '../../../src/providers';
import { LlmFailedDeployments, LlmFallbackCount, LlmModelGroup, LlmServedBy } from '../../../src/temporal/search-attributes';
import { FallbacksExhaustedError } from '../../../src/core';
import type { RouterFallbacksExhaustedError } from '../../../src/router';
import { DurableRouter } from '../../../src/temporal/client';
import { giveUpOfFailure } from '../../../src/temporal/to-application-failure';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import type { RoutedCompletionInput, RoutedCompletionResult } from '../../../workflows';
import { activitySummaries, countEvents, historyContains } from '../../support/history';
import { secretsInHistories } from '../../support/secrets';
import { FAKE_KEY_ENV, FAST_ROUTING, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

// routedCompletion runs the pure routing core over a loaded config; every hop
// is an activity calling the real SDKs over HTTP against fake providers.
const SECRET = 'fake-routed-key-never-in-history';
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

const messages = [{ role: 'user' as const, content: 'Summarise: Temporal keeps workflow state durable across crashes.' }];

async function run(input: RoutedCompletionInput, prefix: string): Promise<{ result: RoutedCompletionResult; handle: WorkflowHandle }> {
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  const workflowId = uniqueWorkflowId(prefix);
  const result = await worker.runUntil(
    ctx.client.workflow.execute('routedCompletion', { taskQueue: ctx.taskQueue, workflowId, args: [input] }) as Promise<RoutedCompletionResult>,
  );
  return { result, handle: ctx.client.workflow.getHandle(workflowId) };
}

test('a single-deployment group retries per its num_retries, one hop per call, then falls back to another group', async () => {
  fake.script('gpt', [], { after: { status: 503, errorMessage: 'upstream overloaded' } });
  const config = fakeRouterConfig(fake, [
    { id: 'gpt', group: 'primary', model: 'openai/gpt-4o', numRetries: 2 },
    { id: 'claude', group: 'backup', model: 'anthropic/claude-sonnet-4-6' },
  ], { fallbacks: [{ primary: ['backup'] }] });
  const { result, handle } = await run({ config, request: { model: 'primary', messages }, options: FAST_ROUTING }, 'fallback');

  expect(result.routing.deployment).toBe('claude');
  expect(result.routing.fallbackPath).toEqual(['primary', 'backup']);
  expect(result.response.choices[0]?.message.content).toEqual(expect.stringContaining('Summary'));
  expect(result.routing.attemptLog.map((a) => [a.deploymentId, a.reason, a.outcome, a.errorClass])).toEqual([
    ['gpt', 'initial', 'failure', 'ServiceUnavailableError'],
    ['gpt', 'retry', 'failure', 'ServiceUnavailableError'],
    ['gpt', 'retry', 'failure', 'ServiceUnavailableError'],
    ['claude', 'fallback', 'success', null],
  ]);
  expect(result.routing).toMatchObject({ attempts: 4, fallbacks: 1 });
  // num_retries: 2 → three HTTP requests, no hidden SDK retry, no RetryPolicy retry on top.
  expect(fake.count('gpt')).toBe(3);
  expect(fake.count('claude')).toBe(1);

  const history = await handle.fetchHistory();
  expect(activitySummaries(history)).toEqual([
    '#1 gpt (openai/gpt-4o)',
    '#2 gpt (openai/gpt-4o) · retry of gpt (openai/gpt-4o) after ServiceUnavailableError',
    '#3 gpt (openai/gpt-4o) · retry of gpt (openai/gpt-4o) after ServiceUnavailableError ×2',
    '#4 claude (anthropic/claude-sonnet-4-6) · fallback from gpt (openai/gpt-4o) after ServiceUnavailableError ×3',
  ]);
  // Every failed call is its own hop, visible in history (and counted toward cooldowns and shared health).
  expect(countEvents(history, 'activityTaskFailedEventAttributes')).toBe(3);

  const { typedSearchAttributes } = await handle.describe();
  expect(typedSearchAttributes.get(LlmModelGroup)).toBe('primary');
  expect(typedSearchAttributes.get(LlmServedBy)).toBe('claude');
  expect(typedSearchAttributes.get(LlmFallbackCount)).toBe(1);
  expect(typedSearchAttributes.get(LlmFailedDeployments)).toEqual(['gpt']);
});

test('with a healthy peer in the group the hop makes one attempt and the walker moves to the peer', async () => {
  fake.script('cheap', [{ status: 503 }]);
  const config = fakeRouterConfig(fake, [
    { id: 'cheap', group: 'g', inputCostPerToken: 0.0000001, numRetries: 3 },
    { id: 'dear', group: 'g', model: 'anthropic/claude-haiku-4-5', inputCostPerToken: 0.00001 },
  ], { routing_strategy: 'cost-based-routing' });
  const { result, handle } = await run({ config, request: { model: 'g', messages }, options: FAST_ROUTING }, 'peer');
  expect(result.routing.deployment).toBe('dear');
  expect(fake.count('cheap')).toBe(1);
  expect(activitySummaries(await handle.fetchHistory())).toEqual([
    '#1 cheap (openai/gpt-4o-mini)',
    '#2 dear (anthropic/claude-haiku-4-5) · retry after cheap (openai/gpt-4o-mini) after ServiceUnavailableError',
  ]);
});

test('the API key reaches the provider but never the workflow history', async () => {
  const config = fakeRouterConfig(fake, [{ id: 'dep-a', group: 'g' }]);
  const { handle } = await run({ config, request: { model: 'g', messages } }, 'secret');
  // The key was really used (so its absence from history means something)...
  expect(fake.requests('dep-a')[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
  // ...and only its reference was stored.
  const history = await handle.fetchHistory();
  expect(historyContains(history, `os.environ/${FAKE_KEY_ENV}`)).toBe(true);
  expect(historyContains(history, SECRET)).toBe(false);
});

test('a non-retryable 401 is not retried on the same deployment', async () => {
  fake.script('dep-a', [{ status: 401, errorMessage: 'invalid api key' }]);
  const config = fakeRouterConfig(fake, [
    { id: 'dep-a', group: 'g', numRetries: 4, inputCostPerToken: 0.0000001 },
    { id: 'dep-b', group: 'g', inputCostPerToken: 0.00001 },
  ], { routing_strategy: 'cost-based-routing' });
  const { result } = await run({ config, request: { model: 'g', messages }, options: FAST_ROUTING }, 'non-retryable');
  expect(result.routing.deployment).toBe('dep-b');
  expect(result.routing.attemptLog[0]?.errorClass).toBe('AuthenticationError');
  expect(fake.count('dep-a')).toBe(1);
});

test('when every deployment fails the workflow fails with every attempt listed, and DurableRouter raises FallbacksExhaustedError', async () => {
  fake.script('dep-a', [], { after: { status: 500 } });
  fake.script('dep-b', [], { after: { status: 404, errorMessage: 'no such model' } });
  const config = fakeRouterConfig(fake, [
    { id: 'dep-a', group: 'a', numRetries: 1 },
    { id: 'dep-b', group: 'b' },
  ], { fallbacks: [{ a: ['b'] }] });
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  const input: RoutedCompletionInput = { config, request: { model: 'a', messages }, options: FAST_ROUTING };
  const error = await worker.runUntil(
    ctx.client.workflow.execute('routedCompletion', { taskQueue: ctx.taskQueue, workflowId: uniqueWorkflowId('exhausted'), args: [input] }).catch((e: unknown) => e),
  );
  const cause = (error as { cause?: { type?: string; message?: string } }).cause;
  expect(cause?.type).toBe('FallbacksExhaustedError');
  expect(cause?.message).toContain('a/dep-a: InternalServerError 500');
  expect(cause?.message).toContain('b/dep-b: NotFoundError 404');
  const giveUp = giveUpOfFailure(error);
  expect(giveUp?.kind).toBe('exhausted');
  expect(giveUp?.kind === 'exhausted' && giveUp.data.attempts.map((a) => [a.deploymentId, a.errorClass])).toEqual([
    ['dep-a', 'InternalServerError'], ['dep-a', 'InternalServerError'], ['dep-b', 'NotFoundError'],
  ]);
  expect(fake.count('dep-a')).toBe(2);
  expect(fake.count('dep-b')).toBe(1);

  // The client raises what the in-process Router raises, with the same message.
  fake.reset();
  fake.script('dep-a', [], { after: { status: 500 } });
  fake.script('dep-b', [], { after: { status: 404, errorMessage: 'no such model' } });
  const router = new DurableRouter({ client: ctx.client, config, taskQueue: ctx.taskQueue, options: { ...FAST_ROUTING, sharedHealth: false } });
  const again = await createTestWorker(ctx, createProviderRegistry({ env }));
  const raised = await again.runUntil(router.complete({ model: 'a', messages }).catch((e: unknown) => e));
  expect(FallbacksExhaustedError.isInstance(raised)).toBe(true);
  const timeless = (m: string | undefined) => m?.replace(/after \d+ ms/g, 'after N ms').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>');
  expect(timeless((raised as Error).message)).toBe(timeless(cause?.message));
  expect((raised as RouterFallbacksExhaustedError).errors.map((e) => e.name)).toEqual(['InternalServerError', 'InternalServerError', 'NotFoundError']);
});

test('a handed-over state that still counts calls in flight does not stall a deployment being probed', async () => {
  const config = fakeRouterConfig(fake, [{ id: 'only', group: 'g' }]);
  const stale = {
    window: 0, successes: 0, failures: 1, failuresByClass: { ServiceUnavailableError: 1 }, rpmUsed: 0, tpmUsed: 0,
    inFlight: 3, cooldownUntil: 0, cooldownReason: null, latency: [], ttft: [],
  };
  const { result } = await run({ config, request: { model: 'g', messages }, state: { router: { deployments: { only: stale } }, probing: ['only'] } }, 'stale-state');
  expect(result.routing.deployment).toBe('only');
  // The success ends the probe and the count is back to what this run holds: nothing.
  expect(result.state?.router.deployments.only?.suspect).toBeUndefined();
  expect(result.state?.router.deployments.only?.inFlight).toBe(0);
});

describe('Retry-After', () => {
  test('alone in its group, the deployment is called again only after the provider\'s Retry-After', async () => {
    fake.script('solo', [{ status: 429, headers: { 'retry-after': '2' }, errorMessage: 'slow down' }]);
    const config = fakeRouterConfig(fake, [{ id: 'solo', group: 'g', numRetries: 2 }]);
    const { result } = await run({ config, request: { model: 'g', messages }, options: FAST_ROUTING }, 'retry-after-solo');
    expect(result.routing.deployment).toBe('solo');
    const [first, second] = fake.requests('solo');
    expect(fake.count('solo')).toBe(2);
    // The walker's backoff would be 0.5 s; only the provider's Retry-After explains a two-second gap.
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(2000);
    expect(second!.receivedAt - first!.receivedAt).toBeLessThanOrEqual(2500);
  });

  test('with a healthy peer, the peer serves until the Retry-After has passed', async () => {
    fake.script('limited', [{ status: 429, headers: { 'retry-after': '2' }, errorMessage: 'slow down' }]);
    const config = fakeRouterConfig(fake, [
      { id: 'limited', group: 'g', inputCostPerToken: 0.0000001 },
      { id: 'peer', group: 'g', model: 'anthropic/claude-haiku-4-5', inputCostPerToken: 0.00001 },
    ], { routing_strategy: 'cost-based-routing', cooldown_time: 0.5 });
    const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
    const router = new DurableRouter({ client: ctx.client, config, taskQueue: ctx.taskQueue, options: FAST_ROUTING });
    const servedBy: string[] = [];
    await worker.runUntil(async () => {
      // The cheaper deployment is preferred, so it is called again as soon as its cooldown lets it.
      for (let i = 0; i < 100 && fake.count('limited') < 2; i++) servedBy.push((await router.complete({ model: 'g', messages })).routing.deployment);
    });
    const [first, second] = fake.requests('limited');
    expect(second).toBeDefined();
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(2000);
    // Every request in between went to the healthy peer.
    expect(servedBy[0]).toBe('peer');
    expect(servedBy[servedBy.length - 1]).toBe('limited');
    expect(new Set(servedBy.slice(0, -1))).toEqual(new Set(['peer']));
    expect(fake.count('peer')).toBe(servedBy.length - 1);
  });
});

// Last, so it covers every workflow the tests above started.
describe('histories', () => {
  test('no API key value appears in the history of any workflow run this file started', async () => {
    const { runs, leaks } = await secretsInHistories(ctx.client, ctx.taskQueue, [SECRET]);
    expect(runs).toBeGreaterThanOrEqual(6);
    expect(leaks).toEqual([]);
  });
});
