import { lineChart } from '../lib/svg';
import { SYSTEM_LABELS } from '../lib/systems';
import type { OutageResult } from './outage';

/** Per-second rates in bins shorter than a second, averaged to one point per second (easier to read). */
function perSecond(points: ReadonlyArray<[number, number]>): Array<[number, number]> {
  const out = new Map<number, number[]>();
  for (const [t, v] of points) {
    const s = Math.floor(t);
    out.set(s, [...(out.get(s) ?? []), v]);
  }
  return [...out.entries()].map(([s, vs]) => [s, vs.reduce((a, b) => a + b, 0) / vs.length] as [number, number]);
}

const DEPLOYMENT_LABELS: Record<string, string> = { a: 'deployment a (goes down)', b: 'deployment b', backup: 'fallback group' };

export function outageCharts(result: OutageResult, prefix = 'outage'): Record<string, string> {
  const out: Record<string, string> = {};
  const band = { from: result.outageStartedAtMs / 1000, to: result.outageEndedAtMs / 1000, label: `a returns ${result.settings.outageStatus}` };
  for (const [name, s] of Object.entries(result.systems)) {
    out[`${prefix}-timeline-${name}.svg`] = lineChart(
      Object.entries(s.timeline).map(([key, points]) => ({ name: DEPLOYMENT_LABELS[key] ?? key, points: perSecond(points) })),
      { title: `Requests per deployment per second: ${SYSTEM_LABELS[name] ?? name}`, xLabel: 'seconds since load start', yLabel: 'requests/s', steps: true, band },
    );
  }
  out[`${prefix}-cdf.svg`] = lineChart(
    Object.entries(result.systems).map(([name, s]) => ({ name: SYSTEM_LABELS[name] ?? name, points: s.cdf })),
    { title: 'Latency CDF of successful requests during the outage run', xLabel: 'latency (ms, log scale)', yLabel: 'fraction of requests', logX: true },
  );
  return out;
}
