import { table } from '../lib/markdown';
import type { BatchScalePoint, BatchScaleResult } from './batch-scale';

const mark = (ok: boolean) => (ok ? 'within goal' : 'OVER GOAL');

export function batchScaleHeadline(r: BatchScaleResult): string[] {
  return r.points.map((p) =>
    `Batch of ${p.documents.toLocaleString('en-US')} documents from S3: ${p.documentsPerSecond} documents/s, worker ${p.workerPeakRssMb} MB and client ${p.clientPeakRssMb} MB peak RSS, ` +
    `at most ${p.maxEventsPerRun.toLocaleString('en-US')} events in one of ${p.runs} runs.`);
}

function row(p: BatchScalePoint, r: BatchScaleResult): Array<string | number> {
  return [
    p.documents.toLocaleString('en-US'),
    p.seconds,
    p.documentsPerSecond,
    `${p.workerPeakRssMb} (${mark(p.workerPeakRssMb <= r.goals.workerPeakRssMb)})`,
    `${p.clientPeakRssMb} (${mark(p.clientPeakRssMb <= r.goals.clientPeakRssMb)})`,
    p.runs,
    `${p.maxEventsPerRun.toLocaleString('en-US')} (${mark(p.maxEventsPerRun < r.goals.eventsPerRun)})`,
    Math.round(p.maxHistoryBytesPerRun / 1024),
    p.carriedInputBytes,
    p.providerCalls,
    p.failed,
    p.outputChecked ? 'each once, in order' : 'WRONG',
  ];
}

export function batchScaleMarkdown(r: BatchScaleResult): string {
  return [
    `One batchSummarize per size over small objects under an S3 prefix (SeaweedFS on loopback), results to the same bucket; ` +
      `concurrency ${r.settings.concurrency}; the fake provider at 0 ms. A fresh worker process and a fresh client process per size, ` +
      `each one's peak RSS its VmHWM in MB (10^6 bytes); both run as compiled JavaScript, the worker with ` +
      `${r.settings.workerHeapMb === null ? "V8's own heap limit" : `--max-old-space-size=${r.settings.workerHeapMb}`}, ` +
      `${r.settings.workerSemiSpaceMb === null ? "V8's own semi-spaces" : `--max-semi-space-size=${r.settings.workerSemiSpaceMb}`} and MALLOC_ARENA_MAX=${r.settings.workerMallocArenas} (docs/batches.md, "Worker memory"). ` +
      `Goals: worker <= ${r.goals.workerPeakRssMb} MB, client <= ${r.goals.clientPeakRssMb} MB, < ${r.goals.eventsPerRun.toLocaleString('en-US')} events per run.`,
    '',
    table(
      ['documents', 'seconds', 'documents/s', 'worker peak RSS MB', 'client peak RSS MB', 'runs', 'most events in a run', 'largest run KiB', 'carried input bytes', 'provider calls', 'failed', 'output'],
      r.points.map((p) => row(p, r)),
    ),
    '',
    'The carried input (config, cursor, counters, routing state) is what continue-as-new hands the next run: the same at every size, since the workflow holds references for one page of documents at a time.',
  ].join('\n');
}
