// The Temporal Web UI, in a real headless Chromium, shows what a failed-over
// routedCompletion did: both hop summaries, the first hop's failure and the
// served-by search attribute; a request that gave up without falling back
// (its failure in Current Details, a fallback count of 0); and a batch two
// deployments served (found by either in LlmBatchServedBy, its totals in
// Current Details); and the same failover in latency mode, its hops recorded
// as markers. Screenshots land in test-artifacts/ (docs/images holds copies).
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDevServer, type DevServerHandle } from '../../../src/dev-server';
import { DurableRouter } from '../../../src/temporal/client';
import { createWorker } from '../../../src/temporal/worker';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { requireTestEnv } from '../../support/test-env';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(__dirname, '..', '..', '..', 'test-artifacts');
const TASK_QUEUE = 'browser-ui';

let server: DevServerHandle;
let fake: FakeProviderServer;
let nativeConnection: NativeConnection;
let connection: Connection;
let worker: Worker;
let browser: Browser;
let workflowId: string;
let runId: string;
let running: Promise<void>;
let client: Client;
let gaveUpId: string;
let batchId: string;
let latencyId: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  // A server of its own: the UI must be on, and its workflow list stays small.
  server = await startDevServer({ dbFilename: join(mkdtempSync(join(tmpdir(), 'tlr-ui-')), 'temporal.db'), log: () => undefined });
  fake = await startFakeProviderServer();
  fake.script('primary', [], { after: { status: 503, errorMessage: 'primary is down' } });
  process.env.UI_TEST_KEY = 'sk-ui-test-secret';
  const config = {
    model_list: [
      { model_name: 'summarizer', litellm_params: { model: 'openai/gpt-4o-mini', api_base: fake.openaiBaseUrl('primary'), api_key: 'os.environ/UI_TEST_KEY' }, model_info: { id: 'primary' } },
      { model_name: 'backup', litellm_params: { model: 'anthropic/claude-3-5-haiku-latest', api_base: fake.anthropicBaseUrl('backup'), api_key: 'os.environ/UI_TEST_KEY' }, model_info: { id: 'backup' } },
      { model_name: 'solo', litellm_params: { model: 'openai/gpt-4o-mini', api_base: fake.openaiBaseUrl('solo'), api_key: 'os.environ/UI_TEST_KEY' }, model_info: { id: 'solo' } },
      { model_name: 'interactive', litellm_params: { model: 'openai/gpt-4o-mini', api_base: fake.openaiBaseUrl('interactive'), api_key: 'os.environ/UI_TEST_KEY' }, model_info: { id: 'interactive' } },
    ],
    router_settings: { num_retries: 1, fallbacks: [{ summarizer: ['backup'] }, { interactive: ['backup'] }] },
  };
  nativeConnection = await NativeConnection.connect({ address: server.address });
  connection = await Connection.connect({ address: server.address });
  worker = await createWorker({ connection: nativeConnection, taskQueue: TASK_QUEUE, config, workflowBundle: { codePath: requireTestEnv('bundle') } });
  client = new Client({ connection });
  const router = new DurableRouter({ client, config, taskQueue: TASK_QUEUE, options: { initialRetryIntervalMs: 100 } });
  // The worker stays up: the UI reads Current Details by a query that a worker answers, also for closed runs.
  running = worker.run();
  workflowId = `ui-failover-${Date.now()}`;
  const result = await router.complete({ model: 'summarizer', messages: [{ role: 'user', content: 'hello' }] }, { workflowId });
  expect(result.routing.deployment).toBe('backup');

  // A group of one deployment, no fallback: two calls to it (num_retries 1), then it gives up without ever moving.
  fake.script('solo', [], { after: { status: 503, errorMessage: 'solo is down' } });
  gaveUpId = `ui-gave-up-${Date.now()}`;
  await expect(router.complete({ model: 'solo', messages: [{ role: 'user', content: 'anyone?' }] }, { workflowId: gaveUpId })).rejects.toMatchObject({ name: 'FallbacksExhaustedError', message: expect.stringContaining('ServiceUnavailableError 503') });

  // A batch the primary serves until it goes down, the backup after that.
  fake.reset();
  fake.script('primary', [{}, {}], { after: { status: 503, errorMessage: 'primary is down' } });
  batchId = `ui-batch-${Date.now()}`;
  const texts = [1, 2, 3, 4].map((i) => `Report ${i}: the mill turned all week.`);
  await router.startBatch({ group: 'summarizer', documents: { kind: 'inline', texts }, output: { jsonlPath: join(mkdtempSync(join(tmpdir(), 'tlr-ui-batch-')), 'out.jsonl') }, concurrency: 1, workflowId: batchId });
  const batch = await router.batchResult(batchId);
  expect(batch.progress.servedBy).toEqual({ primary: 2, backup: 2 });
  // The same failover in latency mode: its hops are local activities, recorded as markers.
  fake.script('interactive', [], { after: { status: 503, errorMessage: 'interactive is down' } });
  latencyId = `ui-latency-${Date.now()}`;
  const interactive = await router.complete({ model: 'interactive', messages: [{ role: 'user', content: 'quick one' }] }, { workflowId: latencyId, durability: 'latency' });
  expect(interactive.routing.deployment).toBe('backup');
  runId = (await connection.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId } })).workflowExecutionInfo?.execution?.runId ?? '';
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  worker?.shutdown();
  await running;
  await nativeConnection?.close();
  await connection?.close();
  await fake?.close();
  await server?.stop();
});

test('the history page shows every hop summary and the failure of the first hop', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  await page.goto(`${server.uiUrl}/namespaces/default/workflows/${workflowId}/${runId}/history`);
  // num_retries 1: the primary is called twice (two hops), then the fallback group serves.
  const fallbackHop = '#3 backup (anthropic/claude-3-5-haiku-latest) · fallback from primary (openai/gpt-4o-mini) after ServiceUnavailableError ×2';
  await page.getByText(fallbackHop).first().waitFor({ timeout: 30_000 });
  await page.getByText('#1 primary (openai/gpt-4o-mini)', { exact: false }).first().waitFor();
  await page.getByText('#2 primary (openai/gpt-4o-mini) · retry of primary', { exact: false }).first().waitFor();
  await page.getByText('Activity Task Failed').first().waitFor();
  await page.getByText('openai (primary): 503 primary is down').first().waitFor();
  const body = await page.innerText('body');
  expect(body).toContain('routedCompletion');
  expect(body).toContain('Completed');
  await page.screenshot({ path: join(ARTIFACTS, 'temporal-ui-failover-history.png'), fullPage: false });
  await page.close();
});

test('latency mode: the history page shows each hop as a marker with its summary, and no activity events', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  await page.goto(`${server.uiUrl}/namespaces/default/workflows/${latencyId}`);
  const fallbackHop = '#3 backup (anthropic/claude-3-5-haiku-latest) · fallback from interactive (openai/gpt-4o-mini) after ServiceUnavailableError ×2';
  await page.getByText(fallbackHop).first().waitFor({ timeout: 30_000 });
  await page.getByText('#1 interactive (openai/gpt-4o-mini)', { exact: false }).first().waitFor();
  await page.getByText('#2 interactive (openai/gpt-4o-mini) · retry of interactive', { exact: false }).first().waitFor();
  const body = await page.innerText('body');
  // The UI names a hop's marker "Local Activity", with its activity type and summary; the patch markers stay "Marker Recorded".
  expect(body.match(/Local Activity/g)?.length).toBeGreaterThanOrEqual(3);
  expect(body).not.toMatch(/Activity ?Task ?Scheduled/);
  expect(body).toContain('Completed');
  // The event list under the timeline: the hops' markers with their summaries.
  await page.getByText('#1 interactive (openai/gpt-4o-mini)', { exact: false }).first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, 'temporal-ui-latency-history.png'), fullPage: false });
  await page.close();
});

test('the search attributes show which deployment served and which failed', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${server.uiUrl}/namespaces/default/workflows/${workflowId}/${runId}/history`);
  await page.getByText('Search Attributes', { exact: true }).first().click();
  await page.getByText('"LlmServedBy"').first().waitFor({ timeout: 30_000 });
  const body = await page.innerText('body');
  expect(body).toMatch(/"LlmServedBy":\s*"backup"/);
  expect(body).toMatch(/"LlmFallbackCount":\s*1/);
  expect(body).toMatch(/"LlmFailedDeployments":\s*\[\s*"primary"\s*\]/);
  await page.screenshot({ path: join(ARTIFACTS, 'temporal-ui-search-attributes.png') });
  await page.close();
});

test('the workflow list finds the run with the failed-over filter', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${server.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent('LlmFallbackCount > 0')}`);
  await page.getByText(workflowId).first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'temporal-ui-failed-over-list.png') });
  await page.close();
});

/** The Current Details panel's text: the UI renders them as Markdown in a sandboxed frame of their own. */
async function currentDetails(page: Page, expected: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const frame of page.frames()) {
      const text = await frame.innerText('body').catch(() => '');
      if (text.includes(expected)) return text;
    }
    if (Date.now() > deadline) {
      const texts = await Promise.all(page.frames().map((f) => f.innerText('body').catch(() => '')));
      throw new Error(`no "${expected}" in the Current Details within 30 s; frames: ${JSON.stringify(texts.map((t) => t.slice(0, 400)))}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

test('a batch two deployments served is found by either in LlmBatchServedBy, and its Current Details hold the final totals', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  for (const deployment of ['backup', 'primary']) {
    await page.goto(`${server.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(`LlmBatchServedBy = "${deployment}"`)}`);
    await page.getByText(batchId).first().waitFor({ timeout: 30_000 });
    if (deployment === 'backup') await page.screenshot({ path: join(ARTIFACTS, 'temporal-ui-batch-served-by.png') });
  }
  // The filter is exact: a deployment that served nothing finds no batch.
  const none: string[] = [];
  for await (const w of client.workflow.list({ query: 'LlmBatchServedBy = "nobody"' })) none.push(w.workflowId);
  expect(none).toEqual([]);

  // Current Details live in the User Metadata tab, read from the workflow by a query.
  await page.goto(`${server.uiUrl}/namespaces/default/workflows/${batchId}`);
  await page.getByText('User Metadata', { exact: true }).first().click();
  const details = await currentDetails(page, 'completed: 4 done, 0 failed of 4');
  expect(details).toContain('served by: backup 2, primary 2');
  expect(details).toMatch(/output: \/\S+\/out\.jsonl/);
  const body = await page.innerText('body');
  expect(body).not.toContain('calling #');
  await page.screenshot({ path: join(ARTIFACTS, 'temporal-ui-batch-details.png') });
  await page.close();
});

test('a request that gave up without falling back: its Current Details say how it failed, its fallback count is 0', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${server.uiUrl}/namespaces/default/workflows/${gaveUpId}`);
  await page.getByText('User Metadata', { exact: true }).first().click();
  // The UI's Markdown typesets quotes: "solo" shows as “solo”.
  const details = await currentDetails(page, 'failed: FallbacksExhaustedError: All deployments failed for model group “solo”');
  expect(details).toContain('#1 solo (openai/gpt-4o-mini): ServiceUnavailableError 503');
  expect(details).toContain('#2 solo (openai/gpt-4o-mini): ServiceUnavailableError 503');
  expect(details).not.toContain('calling #');
  await page.screenshot({ path: join(ARTIFACTS, 'temporal-ui-failed-request-details.png') });

  await page.getByText('Search Attributes', { exact: true }).first().click();
  await page.getByText('"LlmFallbackCount"').first().waitFor({ timeout: 30_000 });
  const body = await page.innerText('body');
  expect(body).toMatch(/"LlmFallbackCount":\s*0/);
  expect(body).toMatch(/"LlmFailedDeployments":\s*\[\s*"solo"\s*\]/);

  // The failed-over filter lists the request that fell back and not this one.
  await page.goto(`${server.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent('LlmFallbackCount > 0')}`);
  await page.getByText(workflowId).first().waitFor({ timeout: 30_000 });
  expect(await page.getByText(gaveUpId).count()).toBe(0);
  await page.close();
});
