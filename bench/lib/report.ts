// Builds report.md from every part's latest JSON in the results folder, so a
// single part can be re-run without losing the others' figures.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_SECTIONS } from '../report-sections';
import type { Machine } from './context';

export interface RunInfo {
  machine: Machine;
  totalMs: number;
  parts: string[];
}

interface Stored {
  machine: Machine;
  scale: number;
  wallMs: number;
  loadAverageAfter?: number;
  result: unknown;
}

export function writeReport(dir: string, run: RunInfo): void {
  const m = run.machine;
  const out: string[] = [
    '# Benchmark report',
    '',
    `Latest run: ${m.date}, ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM, node ${m.node}, ${m.platform}, load average ${m.loadAverage} at start; ` +
      `parts run: ${run.parts.join(', ')} in ${(run.totalMs / 60_000).toFixed(1)} min.`,
    '',
    'Method: everything on 127.0.0.1 (fake providers in their own process, the Portkey gateway and Temporal workers in theirs); every load is ' +
      'bounded in count or duration and every request has a timeout; rounds are interleaved and figures are medians of round medians. ' +
      'Absolute times on a shared 2-core machine are noisy: read the ratios. See bench/README.md.',
  ];
  const headlines: string[] = [];
  const bodies: string[] = [];
  for (const section of REPORT_SECTIONS) {
    const file = join(dir, `${section.part}.json`);
    if (!existsSync(file)) continue;
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Stored;
    headlines.push(...section.headline(stored.result));
    bodies.push(
      '',
      `## ${section.title}`,
      '',
      `_Run ${stored.machine.date} (${(stored.wallMs / 1000).toFixed(0)} s${stored.scale !== 1 ? `, BENCH_SCALE=${stored.scale}` : ''}); 1-minute load average ${stored.machine.loadAverage} before the run, ${stored.loadAverageAfter ?? 'n/a'} after this part (2 cores)._`,
      '',
      section.markdown(stored.result),
    );
  }
  if (headlines.length > 0) out.push('', '## Headline', '', ...headlines.map((h) => `- ${h}`));
  out.push(...bodies, '');
  writeFileSync(join(dir, 'report.md'), out.join('\n'));
}
