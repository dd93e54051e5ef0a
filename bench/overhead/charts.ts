import { lineChart } from '../lib/svg';
import { SYSTEM_LABELS } from '../lib/systems';
import type { OverheadResult } from './overhead';

/** One latency CDF per provider latency and mode with a fixed rate. */
export function overheadCharts(result: OverheadResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const cell of result.cells) {
    const slug = `overhead-cdf-${cell.providerLatencyMs}ms-${cell.mode.replace(/\s+/g, '')}.svg`;
    out[slug] = lineChart(
      Object.entries(cell.systems).map(([name, s]) => ({ name: SYSTEM_LABELS[name] ?? name, points: s.cdf })),
      {
        title: `Latency CDF: ${cell.providerLatencyMs} ms provider, ${cell.mode}`,
        xLabel: 'latency (ms, log scale)',
        yLabel: 'fraction of requests',
        logX: true,
      },
    );
  }
  return out;
}
