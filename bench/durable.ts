/**
 * bench:durable: part 3 of `npm run bench` alone. On one Temporal dev server,
 * in one run: the one-no-op-activity floor, the one-no-op-local-activity
 * floor, and routedCompletion in both durability modes, one at a time and at
 * 16 in flight; where one request's time goes; the added latency over a direct
 * SDK call; history bytes per request for a 2- and a 20-deployment config.
 * Exit code 1 when latency mode misses a goal of issue 17.
 *
 *   npm run bench:durable               # about 3 minutes on 2 cores
 *   npm run bench:durable -- --batch    # and the 10k-document batch
 *   BENCH_SCALE=0.3 npm run bench:durable
 */
import { createContext } from './lib/context';
import { LATENCY_ADDED_P50_GOAL, LATENCY_THROUGHPUT_GOAL, runDurableThroughput } from './durable-throughput/durable-throughput';
import { durableMarkdown } from './durable-throughput/report';

const HARD_LIMIT_MS = 15 * 60_000;

async function main(): Promise<void> {
  const scale = Number(process.env.BENCH_SCALE ?? '1');
  if (!(scale > 0)) throw new Error('BENCH_SCALE must be a positive number');
  const ctx = await createContext(scale);
  try {
    const result = await runDurableThroughput(ctx, { batch: process.argv.includes('--batch') });
    console.log(`\n## Durable requests against Temporal's floors (${new Date().toISOString()})\n`);
    console.log(durableMarkdown(result));
    if (result.latencyAddedRatio > LATENCY_ADDED_P50_GOAL || result.latencyThroughputRatio < LATENCY_THROUGHPUT_GOAL) process.exitCode = 1;
  } finally {
    await ctx.close();
  }
}

const limit = setTimeout(() => {
  console.error(`bench:durable exceeded ${HARD_LIMIT_MS / 60_000} minutes; stopping`);
  process.exit(2);
}, HARD_LIMIT_MS);
limit.unref();

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
