// The Temporal Web UI, in a real headless Chromium, shows what a failed-over
// routedCompletion did: both hop summaries, the first hop's failure and the
// served-by search attribute. Screenshots land in test-artifacts/.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { chromium, type Browser } from 'playwright-core';
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
    ],
    router_settings: { num_retries: 1, fallbacks: [{ summarizer: ['backup'] }] },
  };
  nativeConnection = await NativeConnection.connect({ address: server.address });
  connection = await Connection.connect({ address: server.address });
  worker = await createWorker({ connection: nativeConnection, taskQueue: TASK_QUEUE, config, workflowBundle: { codePath: requireTestEnv('bundle') } });
  const router = new DurableRouter({ client: new Client({ connection }), config, taskQueue: TASK_QUEUE, options: { initialRetryIntervalMs: 100 } });
  workflowId = `ui-failover-${Date.now()}`;
  const result = await worker.runUntil(router.complete({ model: 'summarizer', messages: [{ role: 'user', content: 'hello' }] }, { workflowId }));
  expect(result.routing.deployment).toBe('backup');
  runId = (await connection.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId } })).workflowExecutionInfo?.execution?.runId ?? '';
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
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
