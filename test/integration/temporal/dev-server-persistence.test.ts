import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer, type DevServerHandle } from '../../../src/dev-server';
import { createProviderRegistry } from '../../../src/providers';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import type { RoutedCompletionInput, RoutedCompletionResult } from '../../../workflows';
import { fakeRouterConfig } from '../../support/router-config';
import { requireTestEnv } from '../../support/test-env';
import { connectToTestServer, createTestWorker, uniqueWorkflowId } from '../../support/temporal';

// Its own server (not the shared one), because this test stops and restarts it.
let dir: string;
let fake: FakeProviderServer;
let server: DevServerHandle | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tlr-persist-'));
  fake = await startFakeProviderServer();
});
afterAll(async () => {
  await server?.stop();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the dev server keeps completed workflows in its SQLite file across a restart, and serves the Web UI', async () => {
  const dbFilename = join(dir, 'state.db');
  const cliPath = requireTestEnv('cliPath');
  server = await startDevServer({ dbFilename, cliPath, log: () => undefined });
  expect((await fetch(`${server.uiUrl}/`)).status).toBe(200);

  const workflowId = uniqueWorkflowId('persisted');
  const input: RoutedCompletionInput = {
    config: fakeRouterConfig(fake, [{ id: 'dep-a', group: 'g' }]),
    request: { model: 'g', messages: [{ role: 'user', content: 'Summarise: state survives restarts.' }] },
  };
  const first = await connectToTestServer(server.address);
  const worker = await createTestWorker(first, createProviderRegistry({ env: { FAKE_PROVIDER_KEY: 'sk-x' } }));
  const result = (await worker.runUntil(
    first.client.workflow.execute('routedCompletion', { taskQueue: first.taskQueue, workflowId, args: [input] }),
  )) as RoutedCompletionResult;
  await first.close();
  await server.stop();

  // Same file, fresh process (and possibly other ports).
  server = await startDevServer({ dbFilename, cliPath, log: () => undefined });
  const second = await connectToTestServer(server.address);
  try {
    const listed: string[] = [];
    for await (const execution of second.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      listed.push(`${execution.workflowId}:${execution.status.name}`);
    }
    expect(listed).toEqual([`${workflowId}:COMPLETED`]);
    const again = (await second.client.workflow.getHandle(workflowId).result()) as RoutedCompletionResult;
    expect(again).toEqual(result);
  } finally {
    await second.close();
  }
});
