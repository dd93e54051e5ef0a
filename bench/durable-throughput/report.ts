import { ms, table } from '../lib/markdown';
import type { DurableResult } from './durable-throughput';

export function durableHeadline(r: DurableResult): string[] {
  return [
    `Durable throughput: routedCompletion ${r.kinds.routed.throughput.toFixed(1)} workflows/s vs ${r.kinds.noop.throughput.toFixed(1)} for Temporal's floor ` +
      `(one no-op activity) on the same dev server: ${(r.throughputRatio * 100).toFixed(0)}% of the floor; ${r.kinds.routed.eventsPerRun} vs ${r.kinds.noop.eventsPerRun} history events per run.`,
  ];
}

export function durableMarkdown(r: DurableResult): string {
  const s = r.settings;
  return [
    `One dev server, two workers in their own processes: ours runs routedCompletion against the fake provider at 0 ms; the baseline runs a workflow ` +
      `with one no-op activity (bench/durable-throughput/noop-workflow.ts). Closed loop, ${s.concurrency} workflows in flight, ${s.durationMs / 1000} s per run, ` +
      `${s.rounds} rounds with the order swapped; medians over rounds. CPU % covers this process, the worker and the dev server.`,
    '',
    table(
      ['workflow', 'workflows/s', 'p50 ms', 'p99 ms', 'errors', 'history events per run', 'worker peak RSS MB', 'CPU %'],
      (['routed', 'noop'] as const).map((k) => {
        const v = r.kinds[k];
        return [
          k === 'routed' ? 'routedCompletion' : 'no-op one-activity workflow (floor)',
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
    `Batch of 10k documents: ${r.batch.status}.`,
  ].join('\n');
}
