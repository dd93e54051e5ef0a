import type { WorkflowHandle } from '@temporalio/client';
import { createProviderRegistry } from '../../../src/providers';
import type { DeploymentParams } from '../../../src/providers/types';
import { LlmFailedDeployments, LlmFallbackCount, LlmModelGroup, LlmServedBy } from '../../../src/temporal/search-attributes';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import type { RoutedCompletionInput, RoutedCompletionResult } from '../../../workflows';
import { activitySummaries, countEvents, historyContains } from '../../support/history';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

// The thin end-to-end slice: a routing workflow whose hops are activities
// calling the real openai SDK over HTTP against fake providers on loopback.
const SECRET = 'sk-fake-4d1f9a7c-never-in-history';
const env = { FAKE_PROVIDER_KEY: SECRET };

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

function deployment(id: string, model = 'openai/gpt-4o-mini'): DeploymentParams {
  return { id, model, apiBase: fake.openaiBaseUrl(id), apiKey: 'os.environ/FAKE_PROVIDER_KEY' };
}

async function run(input: RoutedCompletionInput, prefix: string): Promise<{ result: RoutedCompletionResult; handle: WorkflowHandle }> {
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  const workflowId = uniqueWorkflowId(prefix);
  const result = await worker.runUntil(
    ctx.client.workflow.execute('routedCompletion', { taskQueue: ctx.taskQueue, workflowId, args: [input] }) as Promise<RoutedCompletionResult>,
  );
  return { result, handle: ctx.client.workflow.getHandle(workflowId) };
}

const request = { messages: [{ role: 'user' as const, content: 'Summarise: Temporal keeps workflow state durable across crashes.' }] };

test('falls back from a 503 deployment to the next one; every hop is an activity with a summary', async () => {
  fake.script('dep-a', [], { after: { status: 503, errorMessage: 'upstream overloaded' } });
  const maximumAttempts = 2;
  const { result, handle } = await run(
    { group: 'summarizer', deployments: [deployment('dep-a'), deployment('dep-b', 'openai/gpt-4.1-mini')], request, retry: { maximumAttempts, initialIntervalMs: 50 } },
    'fallback',
  );

  expect(result.servedBy).toBe('dep-b');
  expect(result.response.choices[0]?.message.content).toEqual(expect.any(String));
  expect(result.hops.map((h) => [h.deployment, h.outcome, h.errorClass])).toEqual([
    ['dep-a', 'failure', 'ServiceUnavailableError'],
    ['dep-b', 'success', undefined],
  ]);
  // One HTTP request per allowed attempt: the SDK made no hidden retries.
  expect(fake.count('dep-a')).toBe(maximumAttempts);
  expect(fake.count('dep-b')).toBe(1);

  const history = await handle.fetchHistory();
  expect(activitySummaries(history)).toEqual([
    '#1 openai/gpt-4o-mini',
    '#2 openai/gpt-4.1-mini (after dep-a: ServiceUnavailableError)',
  ]);
  expect(countEvents(history, 'activityTaskFailedEventAttributes')).toBe(1);
  expect(countEvents(history, 'activityTaskCompletedEventAttributes')).toBe(1);

  const { typedSearchAttributes } = await handle.describe();
  expect(typedSearchAttributes.get(LlmModelGroup)).toBe('summarizer');
  expect(typedSearchAttributes.get(LlmServedBy)).toBe('dep-b');
  expect(typedSearchAttributes.get(LlmFallbackCount)).toBe(1);
  expect(typedSearchAttributes.get(LlmFailedDeployments)).toEqual(['dep-a']);
});

test('the API key reaches the provider but never the workflow history', async () => {
  const { handle } = await run({ deployments: [deployment('dep-a')], request }, 'secret');
  // The key was really used (so its absence from history means something)...
  expect(fake.requests('dep-a')[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
  // ...and only its reference was stored.
  const history = await handle.fetchHistory();
  expect(historyContains(history, 'os.environ/FAKE_PROVIDER_KEY')).toBe(true);
  expect(historyContains(history, SECRET)).toBe(false);
});

test('a non-retryable 401 is not retried on the same deployment', async () => {
  fake.script('dep-a', [{ status: 401, errorMessage: 'invalid api key' }]);
  const { result } = await run(
    { deployments: [deployment('dep-a'), deployment('dep-b')], request, retry: { maximumAttempts: 5, initialIntervalMs: 50 } },
    'non-retryable',
  );
  expect(result.servedBy).toBe('dep-b');
  expect(result.hops[0]?.errorClass).toBe('AuthenticationError');
  expect(fake.count('dep-a')).toBe(1);
});

test('Retry-After from a 429 becomes the next retry delay of the same deployment', async () => {
  fake.script('dep-a', [{ status: 429, headers: { 'retry-after': '1' }, errorMessage: 'slow down' }]);
  const { result } = await run(
    { deployments: [deployment('dep-a')], request, retry: { maximumAttempts: 3, initialIntervalMs: 10 } },
    'retry-after',
  );
  expect(result.servedBy).toBe('dep-a');
  const [first, second] = fake.requests('dep-a');
  expect(fake.count('dep-a')).toBe(2);
  // The policy's own interval is 10 ms; only the provider's Retry-After explains a gap of a second.
  expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(1000);
});

test('when every deployment fails the workflow fails with every hop listed', async () => {
  fake.script('dep-a', [], { after: { status: 500 } });
  fake.script('dep-b', [], { after: { status: 404, errorMessage: 'no such model' } });
  const worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  const workflowId = uniqueWorkflowId('exhausted');
  const input: RoutedCompletionInput = { deployments: [deployment('dep-a'), deployment('dep-b')], request, retry: { maximumAttempts: 2, initialIntervalMs: 10 } };
  const error = await worker.runUntil(
    ctx.client.workflow.execute('routedCompletion', { taskQueue: ctx.taskQueue, workflowId, args: [input] }).catch((e: unknown) => e),
  );
  const cause = (error as { cause?: { type?: string; message?: string; details?: unknown[] } }).cause;
  expect(cause?.type).toBe('FallbacksExhaustedError');
  expect(cause?.message).toContain('dep-a (InternalServerError)');
  expect(cause?.message).toContain('dep-b (NotFoundError)');
  expect(fake.count('dep-a')).toBe(2);
  expect(fake.count('dep-b')).toBe(1);
});
