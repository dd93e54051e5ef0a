/**
 * Runs the benchmarks and writes bench/results/: one JSON per part, SVG
 * charts and report.md (rebuilt from every part's latest JSON).
 *
 *   npm run bench                     # every part, about 20 minutes on 2 cores
 *   npm run bench -- overhead outage  # only these parts
 *   BENCH_SCALE=0.2 npm run bench     # shorter durations (smoke run)
 *   npm run bench -- --render-only    # charts and report.md again from the stored JSON
 *
 * Loopback only; every load is bounded in count or duration; child processes
 * die with this one; a hard time limit ends the run if anything hangs.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createContext, describeMachine, type BenchContext } from './lib/context';
import { writeReport, type RunInfo } from './lib/report';
import { PARTS, type PartName } from './parts';

export const RESULTS_DIR = join(__dirname, 'results');
const HARD_LIMIT_MS = 40 * 60_000;
/** batch-scale alone uploads 120,000 objects and runs 120,000 documents through Temporal: tens of minutes. */
const BATCH_SCALE_EXTRA_MS = 90 * 60_000;

/** BENCH_HARD_LIMIT_MINUTES overrides; otherwise 40 minutes, plus 90 when batch-scale runs. */
function hardLimitMs(names: readonly string[]): number {
  const minutes = process.env.BENCH_HARD_LIMIT_MINUTES;
  if (minutes !== undefined) {
    if (!/^[1-9]\d*$/.test(minutes)) throw new Error(`BENCH_HARD_LIMIT_MINUTES=${minutes}: expected a positive integer`);
    return Number(minutes) * 60_000;
  }
  return HARD_LIMIT_MS + (names.includes('batch-scale') ? BATCH_SCALE_EXTRA_MS : 0);
}

/** Re-renders the charts and report.md from the stored JSON, without running anything. */
function renderOnly(): void {
  for (const [name, part] of Object.entries(PARTS)) {
    const file = join(RESULTS_DIR, `${name}.json`);
    if (!existsSync(file)) continue;
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { result: unknown };
    for (const [chart, svg] of Object.entries(part.charts(stored.result))) writeFileSync(join(RESULTS_DIR, chart), svg);
  }
  const run = JSON.parse(readFileSync(join(RESULTS_DIR, 'run.json'), 'utf8')) as RunInfo;
  writeReport(RESULTS_DIR, run);
  console.log(`report and charts re-rendered in ${RESULTS_DIR}`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--render-only')) return renderOnly();
  const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = requested.filter((name) => !(name in PARTS));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(PARTS).join(', ')}`);
  const names = (requested.length > 0 ? requested : Object.keys(PARTS)) as PartName[];
  const scale = Number(process.env.BENCH_SCALE ?? '1');
  if (!(scale > 0)) throw new Error('BENCH_SCALE must be a positive number');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const limitMs = hardLimitMs(names);
  const hardLimit = setTimeout(() => {
    console.error(`benchmark exceeded ${limitMs / 60_000} minutes; stopping`);
    process.exit(2);
  }, limitMs);
  hardLimit.unref();

  const started = performance.now();
  const ctx: BenchContext = await createContext(scale);
  const machine = describeMachine();
  ctx.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, node ${machine.node}; parts: ${names.join(', ')}; scale ${scale}`);
  try {
    for (const name of names) {
      const part = PARTS[name];
      const partStarted = performance.now();
      ctx.log(`--- ${name} ---`);
      const result = await part.run(ctx);
      const wallMs = Math.round(performance.now() - partStarted);
      const loadAverageAfter = Math.round((loadavg()[0] ?? 0) * 100) / 100;
      writeFileSync(join(RESULTS_DIR, `${name}.json`), JSON.stringify({ machine, scale, wallMs, loadAverageAfter, result }, null, 1));
      for (const [file, svg] of Object.entries(part.charts(result))) writeFileSync(join(RESULTS_DIR, file), svg);
      ctx.log(`${name} done in ${(wallMs / 1000).toFixed(1)} s`);
    }
  } finally {
    // A Temporal client call cut off by its timeout may still retry on a channel we are closing.
    process.on('uncaughtException', (err) => {
      if (!/Channel has been shut down/.test(String(err))) throw err;
    });
    await ctx.close();
  }
  const totalMs = Math.round(performance.now() - started);
  const run: RunInfo = { machine, totalMs, parts: names };
  writeFileSync(join(RESULTS_DIR, 'run.json'), JSON.stringify(run, null, 1));
  writeReport(RESULTS_DIR, run);
  ctx.log(`all done in ${(totalMs / 1000).toFixed(1)} s; report at ${join(RESULTS_DIR, 'report.md')}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
