import { ms, table } from '../lib/markdown';
import { lineChart } from '../lib/svg';
import type { ScalePoint, ScaleResult } from './scale';

function rows(points: ScalePoint[]): Array<Array<string | number>> {
  return points.map((p) => [
    p.workers,
    p.concurrency,
    p.throughput.toFixed(1),
    ms(p.p50),
    ms(p.p99),
    Object.entries(p.errors).map(([k, v]) => `${k}: ${v}`).join(', ') || '0',
    p.cpuPercent.toFixed(0),
    p.workersPeakRssMb.toFixed(0),
  ]);
}

const HEADERS = ['worker processes', 'concurrency', 'workflows/s', 'p50 ms', 'p99 ms', 'errors', 'CPU % (all)', 'workers peak RSS MB'];

export function scaleHeadline(r: ScaleResult): string[] {
  const w = r.byWorkers.map((p) => `${p.workers} worker(s) ${p.throughput.toFixed(1)}/s`).join(', ');
  return [`Scale (routedCompletion, concurrency ${r.settings.workersConcurrency}): ${w}.`];
}

export function scaleMarkdown(r: ScaleResult): string {
  return [
    `routedCompletion against the fake provider at 0 ms, closed loop for ${r.settings.durationMs / 1000} s per point, workers in their own processes on one task queue.`,
    '',
    table(HEADERS, rows(r.byWorkers)),
    '',
    'Concurrency sweep, one worker:',
    '',
    table(HEADERS, rows(r.byConcurrency)),
    '',
    '![throughput by concurrency](scale-concurrency.svg)',
  ].join('\n');
}

export function scaleCharts(r: ScaleResult): Record<string, string> {
  return {
    'scale-concurrency.svg': lineChart(
      [
        { name: 'workflows/s (1 worker)', points: r.byConcurrency.map((p) => [p.concurrency, p.throughput] as [number, number]) },
      ],
      { title: 'routedCompletion throughput by concurrency', xLabel: 'workflows in flight (log scale)', yLabel: 'workflows/s', logX: true },
    ),
  };
}
