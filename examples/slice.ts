// The end-to-end slice on embedded defaults: a real Temporal dev server (with
// UI), a fake OpenAI-compatible provider on loopback whose first deployment
// is down (503), a worker, and one routedCompletion that fails over.
//
//   npm run example:slice            # runs, prints the result, cleans up
//   npm run example:slice -- --keep  # leaves the server up to browse the UI
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer } from '../src/dev-server';
import { createProviderRegistry } from '../src/providers';
import { createRouterWorker, DEFAULT_TASK_QUEUE } from '../src/temporal/worker';
import { assertNoLiteralSecrets } from '../src/temporal/secrets';
import { startFakeProviderServer } from '../src/testing';
import type { RoutedCompletionInput, RoutedCompletionResult } from '../workflows';

async function main(): Promise<void> {
  const keep = process.argv.includes('--keep');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const server = await startDevServer({ dbFilename: join(mkdtempSync(join(tmpdir(), 'llm-router-slice-')), 'temporal.db') });
  const fake = await startFakeProviderServer();
  fake.script('primary', [], { after: { status: 503, errorMessage: 'primary is down' } });
  // The key lives only in this process's environment; the workflow sees the reference.
  process.env.SLICE_PROVIDER_KEY ??= 'sk-slice-demo';

  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const worker = await createRouterWorker({ connection: nativeConnection, providers: createProviderRegistry() });

  const input: RoutedCompletionInput = {
    group: 'summarizer',
    deployments: [
      { id: 'primary', model: 'openai/gpt-4o-mini', apiBase: fake.openaiBaseUrl('primary'), apiKey: 'os.environ/SLICE_PROVIDER_KEY' },
      { id: 'secondary', model: 'openai/gpt-4.1-mini', apiBase: fake.openaiBaseUrl('secondary'), apiKey: 'os.environ/SLICE_PROVIDER_KEY' },
    ],
    request: { messages: [{ role: 'user', content: 'Summarise: a provider outage should not become an outage for our users.' }] },
    retry: { maximumAttempts: 2, initialIntervalMs: 200 },
  };
  assertNoLiteralSecrets(input.deployments);
  const workflowId = `slice-${Date.now()}`;
  const result = (await worker.runUntil(
    client.workflow.execute('routedCompletion', { taskQueue: DEFAULT_TASK_QUEUE, workflowId, args: [input] }),
  )) as RoutedCompletionResult;

  console.log(`served by:  ${result.servedBy} (${result.model})`);
  for (const hop of result.hops) {
    console.log(`  hop ${hop.hop}: ${hop.deployment} ${hop.outcome}${hop.errorClass ? ` (${hop.errorClass})` : ''} in ${hop.durationMs} ms`);
  }
  console.log(`requests:   primary ${fake.count('primary')}, secondary ${fake.count('secondary')}`);
  console.log(`answer:     ${result.response.choices[0]?.message.content}`);
  console.log(`history:    ${server.uiUrl}/namespaces/default/workflows/${workflowId}`);

  await nativeConnection.close();
  await connection.close();
  await fake.close();
  if (keep) {
    console.log(`\nTemporal UI at ${server.uiUrl}; press Ctrl-C to stop.`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
  await server.stop();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
