// Replays recorded histories (test/fixtures/histories, made by
// `npm run fixtures:histories`) against the current workflow code. A change
// that would make a running workflow nondeterministic after a worker upgrade
// fails here; such a change needs `patched()` (or a new workflow type) and
// new fixtures beside the old ones. No server: replay runs from the history.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { routerBundleOptions } from '../../../src/temporal/worker';

const DIR = join(__dirname, '../../fixtures/histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

let code: string;
beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  ({ code } = await bundleWorkflowCode({
    ...routerBundleOptions(),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  }));
}, 60_000);

test('the recorded histories cover routed completions, batches across continue-as-new and the health entity', () => {
  expect(files).toEqual(expect.arrayContaining([
    'batch-summarize-first-run.json',
    'batch-summarize-chunks-token-offsets.json',
    'batch-summarize-structured-chunks.json',
    'router-health-entity.json',
    'routed-completion-failover-shared-health.json',
    'routed-completion-order-tiers.json',
    // Runs that learned the engine from a patch marker, and runs whose input names it (no markers).
    'routed-completion-engine-v2-marker.json',
    'routed-completion-engine-one-hop.json',
    'routed-completion-engine-latency-failover.json',
  ]));
  expect(files.length).toBeGreaterThanOrEqual(10);
});

test.each(files)('%s replays against the current workflow code without nondeterminism', async (file) => {
  const history = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Record<string, unknown>);
  expect(history.events?.length ?? 0).toBeGreaterThan(5);
  await Worker.runReplayHistory({ workflowBundle: { code }, replayName: file }, history);
}, 60_000);
