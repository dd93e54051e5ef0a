/**
 * bench:durable-batch (formerly bench:durable): on one Temporal dev server (SQLite, this machine), measures
 *   1. routedCompletion throughput and p50/p99 latency against a baseline
 *      workflow that runs one no-op activity (Temporal's own floor), closed
 *      loop at a fixed concurrency, rounds interleaved;
 *   2. batchSummarize documents per second, with the events of its largest
 *      run and the process's peak RSS.
 * The provider is the fake server at 0 ms, so what is measured is our
 * routing and Temporal, not a model.
 *
 *   npm run bench:durable-batch [-- --seconds 10 --rounds 2 --concurrency 16 --docs 2000 --batch-concurrency 32]
 *   npm run bench:durable-batch -- --only-batch --docs 20000     # the scale run
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { parseConfigObject } from '../src/config';
import { startFakeProvider } from './lib/fake-provider';
import { startDevServer } from '../src/dev-server';
import { createProviderRegistry } from '../src/providers';
import { getBatchResult, getBatchStatus, startBatchSummarize } from '../src/temporal/client';
import { toDurableConfig } from '../src/temporal/durable-config';
import type { RoutedCompletionInput } from '../workflows';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
const SECONDS = arg('seconds', 10);
const ROUNDS = arg('rounds', 2);
const CONCURRENCY = arg('concurrency', 16);
const DOCS = arg('docs', 2000);
const BATCH_CONCURRENCY = arg('batch-concurrency', 32);
const ONLY_BATCH = process.argv.includes('--only-batch');
const TASK_QUEUE = 'bench-durable';

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Keeps `concurrency` workflows in flight for `ms`; returns completions/s and latencies. */
async function closedLoop(run: () => Promise<unknown>, concurrency: number, ms: number): Promise<{ perSecond: number; latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const deadline = start + ms;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      try {
        await run();
        latencies.push(performance.now() - t);
      } catch {
        errors++;
      }
    }
  }));
  return { perSecond: latencies.length / ((performance.now() - start) / 1000), latencies, errors };
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  // tmpfs when there is one: an fsync per SQLite write would hide the workflow's own cost behind the disk.
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'bench-durable-'));
  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const server = await startDevServer({ dbFilename: join(dir, 'temporal.db'), headless: true, log: () => undefined });
  // In its own process, so the RSS below is the worker's and the client's, not the fake's record of every request.
  const fake = await startFakeProvider();
  const env = { BENCH_KEY: 'sk-bench' };
  const config = toDurableConfig(parseConfigObject({
    model_list: ['a', 'b'].map((id) => ({
      model_name: 'sum',
      litellm_params: { model: 'openai/gpt-4o-mini', api_base: fake.openaiBaseUrl(id), api_key: 'os.environ/BENCH_KEY' },
      model_info: { id },
    })),
  }));
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const native = await NativeConnection.connect({ address: server.address });
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows/bench-entry'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
  const worker = await Worker.create({
    connection: native,
    taskQueue: TASK_QUEUE,
    workflowBundle: { code },
    activities: { ...createActivities({ providers: createProviderRegistry({ env }) }), noop: async () => undefined },
    maxCachedWorkflows: 1000,
  });
  let seq = 0;
  const lines: string[] = [`bench:durable on ${server.address} (dev server, SQLite), ${new Date().toISOString()}`];

  await worker.runUntil(async () => {
    if (!ONLY_BATCH) {
      const request = { model: 'sum', messages: [{ role: 'user' as const, content: 'Summarise: durable routing keeps its state.' }] };
      const kinds = {
        baseline: () => client.workflow.execute('noopBaseline', { taskQueue: TASK_QUEUE, workflowId: `noop-${seq++}`, args: [] }),
        routed: () => client.workflow.execute('routedCompletion', { taskQueue: TASK_QUEUE, workflowId: `routed-${seq++}`, args: [{ config, request } satisfies RoutedCompletionInput] }),
      };
      // Warm both paths (SDK clients, workflow cache) before measuring.
      await closedLoop(kinds.baseline, CONCURRENCY, 2_000);
      await closedLoop(kinds.routed, CONCURRENCY, 2_000);
      const results: Record<keyof typeof kinds, { perSecond: number[]; latencies: number[]; errors: number }> = {
        baseline: { perSecond: [], latencies: [], errors: 0 },
        routed: { perSecond: [], latencies: [], errors: 0 },
      };
      for (let round = 0; round < ROUNDS; round++) {
        const order: Array<keyof typeof kinds> = round % 2 === 0 ? ['baseline', 'routed'] : ['routed', 'baseline'];
        for (const kind of order) {
          const r = await closedLoop(kinds[kind], CONCURRENCY, SECONDS * 1000);
          results[kind].perSecond.push(r.perSecond);
          results[kind].latencies.push(...r.latencies);
          results[kind].errors += r.errors;
        }
      }
      const summary = (kind: keyof typeof kinds) => {
        const r = results[kind];
        const sorted = [...r.latencies].sort((a, b) => a - b);
        const mean = r.perSecond.reduce((a, b) => a + b, 0) / r.perSecond.length;
        return { mean, p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length, errors: r.errors };
      };
      const base = summary('baseline');
      const routed = summary('routed');
      lines.push(`closed loop, concurrency ${CONCURRENCY}, ${ROUNDS} interleaved rounds of ${SECONDS} s each:`);
      lines.push(`  baseline (one no-op activity): ${base.mean.toFixed(1)} wf/s, p50 ${base.p50.toFixed(1)} ms, p99 ${base.p99.toFixed(1)} ms (${base.n} runs, ${base.errors} errors)`);
      lines.push(`  routedCompletion:              ${routed.mean.toFixed(1)} wf/s, p50 ${routed.p50.toFixed(1)} ms, p99 ${routed.p99.toFixed(1)} ms (${routed.n} runs, ${routed.errors} errors)`);
      lines.push(`  ratio routed/baseline throughput: ${(routed.mean / base.mean).toFixed(2)}x (goal >= 0.8x)`);
    }

    const docs = join(dir, 'docs.jsonl');
    writeFileSync(docs, Array.from({ length: DOCS }, (_, i) => JSON.stringify({ id: `d${i}`, text: `Document ${i}: a tiny text to summarise.` })).join('\n'));
    const t0 = performance.now();
    const { workflowId } = await startBatchSummarize(client, config, {
      group: 'sum', documents: { kind: 'jsonl', path: docs }, output: { jsonlPath: join(dir, 'out.jsonl') },
      concurrency: BATCH_CONCURRENCY, taskQueue: TASK_QUEUE,
    });
    const progressTimer = setInterval(() => {
      getBatchStatus(client, workflowId).then(
        (p) => process.stderr.write(`  batch: ${p.done}/${p.total ?? '?'} done, run ${p.run}, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB\n`),
        () => undefined,
      );
    }, 10_000);
    const result = await getBatchResult(client, workflowId);
    clearInterval(progressTimer);
    const seconds = (performance.now() - t0) / 1000;
    let maxEvents = 0;
    let runs = 0;
    for await (const e of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      runs++;
      maxEvents = Math.max(maxEvents, e.historyLength);
    }
    lines.push(`batchSummarize: ${result.written} documents in ${seconds.toFixed(1)} s = ${(result.written / seconds).toFixed(1)} docs/s (concurrency ${BATCH_CONCURRENCY}, ${result.progress.providerCalls} provider calls, ${result.progress.failed} failed)`);
    lines.push(`  continue-as-new: ${runs} runs, largest run ${maxEvents} events`);
  });
  clearInterval(rssTimer);
  lines.push(`peak RSS of this process (worker + client; the fake provider runs in its own process): ${(peakRss / 2 ** 20).toFixed(0)} MB`);
  console.log(lines.join('\n'));

  await native.close();
  await connection.close();
  await fake.stop();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
