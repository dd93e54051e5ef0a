import { ms, table } from '../lib/markdown';
import { DURABLE_KIND_LABELS, DURABLE_KINDS, LATENCY_ADDED_P50_GOAL, LATENCY_THROUGHPUT_GOAL, type DurableResult } from './durable-throughput';
import { PHASE_LABELS, PHASES } from './phases';

const met = (ok: boolean) => (ok ? 'met' : 'MISSED');

/** The two goals of latency mode, as measured in this run. */
export function durableGoals(r: DurableResult): string[] {
  return [
    `Latency mode, one at a time: p50 ${ms(r.kinds.latency.sequentialP50)} ms, ${ms(r.latencyAddedP50)} ms over a direct SDK call (${ms(r.directSequentialP50)} ms) = ` +
      `${r.latencyAddedRatio.toFixed(2)}x the one-no-op-activity floor's ${ms(r.kinds.noop.sequentialP50)} ms (goal <= ${LATENCY_ADDED_P50_GOAL}x: ${met(r.latencyAddedRatio <= LATENCY_ADDED_P50_GOAL)}).`,
    `Latency mode at ${r.settings.concurrency} in flight: ${r.kinds.latency.throughput.toFixed(1)} workflows/s = ${r.latencyThroughputRatio.toFixed(2)}x the one-no-op-local-activity floor's ` +
      `${r.kinds.noopLocal.throughput.toFixed(1)} (goal >= ${LATENCY_THROUGHPUT_GOAL}x: ${met(r.latencyThroughputRatio >= LATENCY_THROUGHPUT_GOAL)}).`,
  ];
}

export function durableHeadline(r: DurableResult): string[] {
  const b = r.batch;
  return [
    ...durableGoals(r),
    `Standard mode: ${r.kinds.standard.throughput.toFixed(1)} workflows/s = ${(r.throughputRatio * 100).toFixed(0)}% of the one-no-op-activity floor; one at a time p50 ${ms(r.kinds.standard.sequentialP50)} ms vs the floor's ${ms(r.kinds.noop.sequentialP50)} ms.`,
    `History per request (one call): ${r.historySizes.map((h) => `${h.deployments} deployments ${h.mode} ${h.bytes.toLocaleString('en')} B`).join(', ')}.`,
    ...(b === undefined ? [] : [`Batch: ${b.docsPerSecond.toFixed(1)} documents/s (${b.done} of ${b.documents} ${b.completed ? 'done' : `done within ${r.settings.batch.timeLimitMs / 1000} s`}).`]),
  ];
}

export function durableMarkdown(r: DurableResult): string {
  const s = r.settings;
  const b = r.batch;
  return [
    'One dev server, two workers in their own processes with the same pollers: ours runs routedCompletion against the fake provider at 0 ms in both durability modes; ' +
      'the baseline runs a workflow with one no-op activity, and one with one no-op local activity (bench/durable-throughput/noop-workflow.ts). ' +
      `Closed loop, ${s.concurrency} workflows in flight, ${s.warmupMs / 1000} s of unmeasured warm-up per kind, then ${s.durationMs / 1000} s per run, ${s.rounds} rounds; ` +
      'each routed kind runs right beside its floor, the order reversed every other round, and a ratio to a floor is the median of the rounds\' own ratios; other columns are medians over rounds. ' +
      `"One at a time": ${s.sequentialCalls} sequential workflows per kind, interleaved. CPU % covers this process, the worker and the dev server; CPU ms per workflow is the kind's worker process alone, then the dev server.`,
    '',
    table(
      ['workflow', 'one at a time: p50 ms', 'p99 ms', `workflows/s at ${s.concurrency}`, 'p50 ms', 'p99 ms', 'errors', 'history events', 'worker peak RSS MB', 'CPU %', 'CPU ms per workflow: worker / dev server'],
      DURABLE_KINDS.map((k) => {
        const v = r.kinds[k];
        return [
          DURABLE_KIND_LABELS[k], ms(v.sequentialP50), ms(v.sequentialP99), v.throughput.toFixed(1), ms(v.p50), ms(v.p99),
          Object.entries(v.errors).map(([e, n]) => `${e}: ${n}`).join(', ') || '0', v.eventsPerRun, v.workerPeakRssMb.toFixed(0), v.cpuPercent.toFixed(0),
          `${(v.workerCpuMsPerWorkflow ?? NaN).toFixed(1)} / ${(v.serverCpuMsPerWorkflow ?? NaN).toFixed(1)}`,
        ];
      }),
    ),
    '',
    ...durableGoals(r).map((line) => `- ${line}`),
    `- Standard mode reaches ${(r.throughputRatio * 100).toFixed(0)}% of the one-no-op-activity floor's throughput.`,
    `- Workflows/s per round, in run order: ${DURABLE_KINDS.map((k) => `${k} ${r.kinds[k].roundThroughputs.map((t) => t.toFixed(1)).join(' / ')}`).join('; ')}.`,
    ...(r.roundRatios === undefined ? [] : [`- Ratios to the floor per round: standard ${r.roundRatios.standard.map((x) => x.toFixed(2)).join(' / ')}; latency ${r.roundRatios.latency.map((x) => x.toFixed(2)).join(' / ')}.`]),
    '',
    `Where one request's time goes (medians of ${s.phaseCalls} requests one at a time, ms, from history event times and the client's clock):`,
    '',
    table(['phase', ...DURABLE_KINDS.map((k) => DURABLE_KIND_LABELS[k])], PHASES.map((p) => [PHASE_LABELS[p], ...DURABLE_KINDS.map((k) => ms(r.kinds[k].phases[p]))])),
    '',
    'History per request, one call, config carried by reference:',
    '',
    table(['deployments', 'durability', 'events', 'bytes'], r.historySizes.map((h) => [h.deployments, h.mode, h.events, h.bytes.toLocaleString('en')])),
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
