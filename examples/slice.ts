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
import { DurableRouter } from '../src/temporal/client';
import { createWorker } from '../src/temporal/worker';
import { startFakeProviderServer } from '../src/testing';

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
  // A LiteLLM-shaped config: the primary group has one deployment (retried per
  // num_retries inside its hop), then falls back to a group served by another model.
  const config = {
    model_list: [
      { model_name: 'summarizer', litellm_params: { model: 'openai/gpt-4o-mini', api_base: fake.openaiBaseUrl('primary'), api_key: 'os.environ/SLICE_PROVIDER_KEY', num_retries: 1 }, model_info: { id: 'primary' } },
      { model_name: 'summarizer-backup', litellm_params: { model: 'openai/gpt-4.1-mini', api_base: fake.openaiBaseUrl('secondary'), api_key: 'os.environ/SLICE_PROVIDER_KEY' }, model_info: { id: 'secondary' } },
    ],
    router_settings: { fallbacks: [{ summarizer: ['summarizer-backup'] }] },
  };
  const worker = await createWorker({ connection: nativeConnection, config });
  const router = new DurableRouter({ client, config, options: { initialRetryIntervalMs: 200 } });
  const workflowId = `slice-${Date.now()}`;
  const result = await worker.runUntil(router.complete(
    { model: 'summarizer', messages: [{ role: 'user', content: 'Summarise: a provider outage should not become an outage for our users.' }] },
    { workflowId },
  ));

  console.log(`served by:  ${result.routing.deployment} (${result.routing.model}), groups ${result.routing.fallbackPath.join(' → ')}`);
  for (const a of result.routing.attemptLog) {
    console.log(`  #${a.attemptNo} ${a.deploymentId} (${a.model}): ${a.outcome}${a.errorClass ? ` (${a.errorClass})` : ''} in ${a.durationMs} ms`);
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
