// The routing core must load inside Temporal's workflow sandbox. Bundling
// fails on Node built-ins and other disallowed modules, so a successful
// bundle of a workflow that imports the core proves it (no server needed).
import { bundleWorkflowCode } from '@temporalio/worker';
import { join } from 'node:path';

test('a workflow importing the routing core bundles for the workflow sandbox', async () => {
  const warnings: string[] = [];
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(__dirname, '../../fixtures/workflows/core-routing.ts'),
    logger: {
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      log: () => undefined,
      warn: (message: string) => { warnings.push(message); },
      error: (message: string) => { warnings.push(message); },
    },
  });
  expect(code).toContain('coreRoutingWorkflow');
  // The walker itself is in the bundle, not just a reference to it.
  expect(code).toContain('nextAttempt called while an attempt is in flight');
  expect(warnings).toEqual([]);
}, 120_000);
