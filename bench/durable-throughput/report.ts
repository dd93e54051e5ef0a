import { ms, signedMs, table } from '../lib/markdown';
import type { DurableResult } from './durable-throughput';

export function durableHeadline(r: DurableResult): string[] {
  const b = r.batch;
  return [
    `Durable latency one at a time: routedCompletion p50 ${ms(r.kinds.routed.sequentialP50)} ms vs ${ms(r.kinds.noop.sequentialP50)} ms for the no-op one-activity workflow ` +
      `(${signedMs(r.kinds.routed.sequentialP50 - r.kinds.noop.sequentialP50)} ms over Temporal's floor).`,
    `Durable throughput: routedCompletion ${r.kinds.routed.throughput.toFixed(1)} workflows/s vs ${r.kinds.noop.throughput.toFixed(1)} for Temporal's floor ` +
      `(one no-op activity) on the same dev server: ${(r.throughputRatio * 100).toFixed(0)}% of the floor; ${r.kinds.routed.eventsPerRun} vs ${r.kinds.noop.eventsPerRun} history events per run.`,
    ...(b === undefined ? [] : [`Batch: ${b.docsPerSecond.toFixed(1)} documents/s (${b.done} of ${b.documents} ${b.completed ? 'done' : `done within ${r.settings.batch.timeLimitMs / 1000} s`}).`]),
  ];
}

export function durableMarkdown(r: DurableResult): string {
  const s = r.settings;
  const b = r.batch;
  return [
    `One dev server, two workers in their own processes: ours runs routedCompletion against the fake provider at 0 ms; the baseline runs a workflow ` +
      `with one no-op activity (bench/durable-throughput/noop-workflow.ts). Closed loop, ${s.concurrency} workflows in flight, ${s.durationMs / 1000} s per run, ` +
      `${s.rounds} rounds with the order swapped; medians over rounds. "One at a time": ${s.sequentialCalls} sequential workflows per kind, interleaved. ` +
      'CPU % covers this process, the worker and the dev server.',
    '',
    table(
      ['workflow', 'one at a time: p50 ms', 'p99 ms', 'workflows/s at concurrency', 'p50 ms', 'p99 ms', 'errors', 'history events per run', 'worker peak RSS MB', 'CPU %'],
      (['routed', 'noop'] as const).map((k) => {
        const v = r.kinds[k];
        return [
          k === 'routed' ? 'routedCompletion' : 'no-op one-activity workflow (floor)',
          ms(v.sequentialP50),
          ms(v.sequentialP99),
          v.throughput.toFixed(1),
          ms(v.p50),
          ms(v.p99),
          Object.entries(v.errors).map(([e, n]) => `${e}: ${n}`).join(', ') || '0',
          v.eventsPerRun,
          v.workerPeakRssMb.toFixed(0),
          v.cpuPercent.toFixed(0),
        ];
      }),
    ),
    '',
    `routedCompletion reaches ${(r.throughputRatio * 100).toFixed(0)}% of the floor's throughput.`,
    '',
    ...(b === undefined ? [] : [
      `Batch (batchSummarize, ${b.documents} documents in a JSONL, concurrency ${s.batch.concurrency}, fake provider at 0 ms, ` +
        `stopped after ${s.batch.timeLimitMs / 1000} s if not finished): ${b.done} documents summarised` +
        `${b.failed ? ` (${b.failed} failed)` : ''} in ${(b.elapsedMs / 1000).toFixed(1)} s, **${b.docsPerSecond.toFixed(1)} documents/s**` +
        `${b.completed ? '' : ` (batch ${b.status} at the time limit; 10k would take about ${(b.documents / Math.max(0.01, b.docsPerSecond) / 60).toFixed(0)} min at this rate)`}; ` +
        `${b.providerCalls} provider calls; worker peak RSS ${b.workerPeakRssMb.toFixed(0)} MB.`,
    ]),
  ].join('\n');
}
