// Batch at scale: one batchSummarize over many small documents in a real S3
// server (SeaweedFS), results to the same bucket, with the worker and the
// client each in a process of its own, started fresh for every size so each
// one's peak RSS (VmHWM) belongs to that run alone. Sizes side by side in one
// run: 20,000 (the earlier figure's size) and 100,000 documents.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createDocumentStore } from '../../activities/document-store';
import { s3ClientConfigFromEnv } from '../../activities/stores/s3-config';
import { startS3Server } from '../../src/dev-server';
import { toDurableConfig } from '../../src/temporal/durable-config';
import type { DocumentResultRecord } from '../../workflows';
import type { BenchContext } from '../lib/context';
import { forkCompiled } from '../lib/child';
import { sampleProcess } from '../lib/process-stats';
import { round } from '../lib/stats';
import { loadBenchConfig } from '../lib/systems';
import type { BatchClientReply, BatchClientRequest } from './client-process';

/** The goals of the issue: what a worker and a client may use at 100,000 documents, and the largest run. */
export const BATCH_SCALE_GOALS = { workerPeakRssMb: 300, clientPeakRssMb: 150, eventsPerRun: 10_000 } as const;
const UPLOADS_IN_FLIGHT = 64;
const MIB_IN_MB = 1.048576;
const BATCH_CONCURRENCY = 32;
const PROGRESS_EVERY_MS = 5_000;
const PROGRESS_LOG_EVERY_MS = 30_000;

/**
 * The worker's memory settings, as docs/batches.md ("Worker memory") recommends
 * for a batch worker: a 128 MB old generation (`--max-old-space-size`; without
 * a cap V8 lets a 60 MB live heap grow to 190 MB before it collects), 2 MB
 * semi-spaces (`--max-semi-space-size`; V8's 16 MB default gives each of the
 * two isolates, the main thread's and the workflow thread's, a young
 * generation of up to 48 MB) and two malloc arenas (glibc's default of eight
 * per core fragments the native core's memory). BENCH_WORKER_HEAP_MB,
 * BENCH_WORKER_SEMI_SPACE_MB and MALLOC_ARENA_MAX override them; 0 leaves a
 * V8 setting to V8.
 */
export const BATCH_WORKER_HEAP_MB = 128;
export const BATCH_WORKER_SEMI_SPACE_MB = 2;
export const BATCH_WORKER_MALLOC_ARENAS = 2;

function megabytes(name: string, value: string): number | null {
  if (!/^\d+$/.test(value)) throw new Error(`${name}=${value}: expected a whole number of MB (0: V8's own)`);
  return Number(value) === 0 ? null : Number(value);
}

function workerMemoryEnv(env: NodeJS.ProcessEnv = process.env): { env: NodeJS.ProcessEnv; heapMb: number | null; semiSpaceMb: number | null; mallocArenas: number } {
  const heapMb = megabytes('BENCH_WORKER_HEAP_MB', env.BENCH_WORKER_HEAP_MB ?? String(BATCH_WORKER_HEAP_MB));
  const semiSpaceMb = megabytes('BENCH_WORKER_SEMI_SPACE_MB', env.BENCH_WORKER_SEMI_SPACE_MB ?? String(BATCH_WORKER_SEMI_SPACE_MB));
  const arenas = env.MALLOC_ARENA_MAX ?? String(BATCH_WORKER_MALLOC_ARENAS);
  const flags = [env.NODE_OPTIONS ?? '', heapMb === null ? '' : `--max-old-space-size=${heapMb}`, semiSpaceMb === null ? '' : `--max-semi-space-size=${semiSpaceMb}`]
    .filter((f) => f !== '').join(' ');
  return { env: { MALLOC_ARENA_MAX: arenas, ...(flags === '' ? {} : { NODE_OPTIONS: flags }) }, heapMb, semiSpaceMb, mallocArenas: Number(arenas) };
}

export interface BatchScaleSettings {
  sizes: number[];
  concurrency: number;
  /** The worker's old-generation cap and semi-space size (null: V8's own) and glibc malloc arenas. */
  workerHeapMb: number | null;
  workerSemiSpaceMb: number | null;
  workerMallocArenas: number;
}

/** BENCH_BATCH_DOCS=20000,100000 sets the sizes; BENCH_SCALE scales the defaults. */
export function batchScaleSettings(scale: number, env: NodeJS.ProcessEnv = process.env): BatchScaleSettings {
  const listed = env.BENCH_BATCH_DOCS?.split(',').map((s) => Number(s.trim()));
  if (listed && listed.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`BENCH_BATCH_DOCS=${env.BENCH_BATCH_DOCS}: expected positive integers, comma-separated`);
  const sizes = listed ?? [20_000, 100_000].map((n) => Math.max(1_000, Math.round(n * Math.min(1, scale))));
  const memory = workerMemoryEnv(env);
  return { sizes, concurrency: BATCH_CONCURRENCY, workerHeapMb: memory.heapMb, workerSemiSpaceMb: memory.semiSpaceMb, workerMallocArenas: memory.mallocArenas };
}

export interface BatchScalePoint {
  documents: number;
  seconds: number;
  documentsPerSecond: number;
  uploadSeconds: number;
  written: number;
  failed: number;
  providerCalls: number;
  /** Every document once in the output, in input order. */
  outputChecked: boolean;
  runs: number;
  maxEventsPerRun: number;
  maxHistoryBytesPerRun: number;
  /** Bytes of the last run's input: what continue-as-new carries (bounded: it must not grow with the batch). */
  carriedInputBytes: number;
  workerPeakRssMb: number;
  clientPeakRssMb: number;
}

export interface BatchScaleResult {
  settings: BatchScaleSettings;
  goals: typeof BATCH_SCALE_GOALS;
  points: BatchScalePoint[];
}

async function upload(client: S3Client, bucket: string, prefix: string, count: number, log: (line: string) => void): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: UPLOADS_IN_FLIGHT }, async () => {
    for (let i = next++; i < count; i = next++) {
      const Key = `${prefix}/doc-${String(i).padStart(6, '0')}.txt`;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: `Document ${i}: a short note on durable routing to summarise.` }));
      if ((i + 1) % 10_000 === 0) log(`batch-scale: ${i + 1}/${count} objects uploaded`);
    }
  }));
}

/** Streams the output object and checks that it holds each document once, in order. */
async function checkOutput(outputUrl: string, count: number, env: NodeJS.ProcessEnv): Promise<boolean> {
  const store = createDocumentStore({ s3: { env } });
  let pending = '';
  let n = 0;
  let ordered = true;
  const take = (line: string) => {
    if (line === '') return;
    const record = JSON.parse(line) as DocumentResultRecord;
    if (record.index !== n || record.id !== `doc-${String(n).padStart(6, '0')}.txt` || record.status !== 'ok') ordered = false;
    n++;
  };
  for await (const chunk of store.readStream(outputUrl)) {
    const lines = (pending + chunk.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) take(line);
  }
  take(pending);
  return ordered && n === count;
}

export async function runBatchScale(ctx: BenchContext): Promise<BatchScaleResult> {
  const settings = batchScaleSettings(ctx.scale);
  const temporal = await ctx.temporal();
  const s3 = await startS3Server({ log: () => undefined });
  ctx.log(`batch-scale: SeaweedFS (${s3.source}) at ${s3.endpoint}`);
  const s3Client = new S3Client(s3ClientConfigFromEnv(s3.env));
  const bucket = `bench-batch-${randomBytes(4).toString('hex')}`;
  await s3Client.send(new CreateBucketCommand({ Bucket: bucket }));
  const route = 'batch-scale-0ms';
  await ctx.fake.set(route, { latencyMs: 0 });
  const config = toDurableConfig(loadBenchConfig(ctx.fake, { groups: { sum: [route] } }));
  const points: BatchScalePoint[] = [];
  try {
    for (const documents of settings.sizes) {
      const prefix = `docs-${documents}`;
      let t = Date.now();
      await upload(s3Client, bucket, prefix, documents, ctx.log);
      const uploadSeconds = (Date.now() - t) / 1000;
      ctx.log(`batch-scale: ${documents} objects uploaded in ${uploadSeconds.toFixed(1)} s`);

      const taskQueue = `bench-batch-scale-${documents}`;
      // The worker's store finds the bucket through its environment, as in production.
      // Both run as compiled JavaScript, as a deployment runs the package: their memory is what this measures.
      const worker = await temporal.startWorker('router', taskQueue, { ...s3.env, ...workerMemoryEnv().env }, { compiled: true });
      const client = forkCompiled<BatchClientRequest | { type: 'hello' }>(resolve(__dirname, 'client-process.ts'));
      await client.request({ type: 'hello' }, 120_000);
      const workflowId = `bench-batch-scale-${documents}-${Date.now().toString(36)}`;
      const outputUrl = `s3://${bucket}/out-${documents}/summaries.jsonl`;
      t = Date.now();
      // A line every half minute: progress, and each process's RSS now and at its peak.
      const progressTimer = setInterval(() => {
        temporal.client.workflow.getHandle(workflowId).query<{ done: number; run: number }>('batchProgress').then((p) => {
          const w = sampleProcess(worker.pid);
          const c = sampleProcess(client.pid);
          ctx.log(`batch-scale: ${p.done}/${documents} after ${((Date.now() - t) / 1000).toFixed(0)} s (run ${p.run}); ` +
            `worker ${w?.rssMb.toFixed(0)} MiB (peak ${w?.peakRssMb.toFixed(0)}), client ${c?.rssMb.toFixed(0)} MiB (peak ${c?.peakRssMb.toFixed(0)})`);
        }, () => undefined);
      }, PROGRESS_LOG_EVERY_MS);
      const reply = await client.request<BatchClientReply>({
        type: 'run', address: temporal.server.address, namespace: temporal.server.namespace, taskQueue, config, group: 'sum',
        sourceUrl: `s3://${bucket}/${prefix}/`, outputUrl, concurrency: settings.concurrency, workflowId, progressEveryMs: PROGRESS_EVERY_MS,
      }, 60 * 60_000);
      clearInterval(progressTimer);
      const seconds = (Date.now() - t) / 1000;
      // sampleProcess reads kB (KiB) from /proc; the goals are in MB (10^6 bytes).
      const workerPeakRssMb = (sampleProcess(worker.pid)?.peakRssMb ?? NaN) * MIB_IN_MB;
      const clientPeakRssMb = (sampleProcess(client.pid)?.peakRssMb ?? NaN) * MIB_IN_MB;
      await Promise.all([worker.stop(), client.stop()]);

      let runs = 0;
      let maxEventsPerRun = 0;
      let maxHistoryBytesPerRun = 0;
      let lastRun: { runId: string; startTime: number } | undefined;
      for await (const e of temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
        runs++;
        maxEventsPerRun = Math.max(maxEventsPerRun, e.historyLength);
        maxHistoryBytesPerRun = Math.max(maxHistoryBytesPerRun, e.historySize ?? 0);
        if (!lastRun || e.startTime.getTime() > lastRun.startTime) lastRun = { runId: e.runId, startTime: e.startTime.getTime() };
      }
      let carriedInputBytes = 0;
      if (lastRun) {
        const history = await temporal.client.workflow.getHandle(workflowId, lastRun.runId).fetchHistory();
        const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
        carriedInputBytes = payloads.reduce((n, p) => n + (p.data?.length ?? 0), 0);
      }
      const outputChecked = await checkOutput(outputUrl, documents, s3.env);
      const point: BatchScalePoint = {
        documents,
        seconds: round(seconds, 1),
        documentsPerSecond: round(documents / seconds, 1),
        uploadSeconds: round(uploadSeconds, 1),
        written: reply.written,
        failed: reply.failed,
        providerCalls: reply.providerCalls,
        outputChecked,
        runs,
        maxEventsPerRun,
        maxHistoryBytesPerRun,
        carriedInputBytes,
        workerPeakRssMb: round(workerPeakRssMb, 0),
        clientPeakRssMb: round(clientPeakRssMb, 0),
      };
      ctx.log(`batch-scale: ${documents} documents in ${point.seconds} s = ${point.documentsPerSecond} docs/s; ${runs} runs, at most ${maxEventsPerRun} events; ` +
        `worker ${point.workerPeakRssMb} MB, client ${point.clientPeakRssMb} MB peak RSS; output ${outputChecked ? 'each document once, in order' : 'WRONG'}`);
      points.push(point);
    }
  } finally {
    s3Client.destroy();
    await s3.stop();
  }
  return { settings, goals: BATCH_SCALE_GOALS, points };
}
