import { ms, signedMs, table } from '../lib/markdown';
import { SYSTEM_LABELS } from '../lib/systems';
import type { OverheadResult } from './overhead';

const label = (name: string) => SYSTEM_LABELS[name] ?? name;

export function overheadHeadline(r: OverheadResult): string[] {
  const lines: string[] = [];
  for (const cell of r.cells) {
    if (cell.mode !== 'sequential') continue;
    const router = cell.systems.router;
    const portkey = cell.systems.portkey;
    const durable = cell.systems.durable;
    if (!router || !portkey || !durable) continue;
    const ratio = router.addedP50 > 0 && portkey.addedP50 > 0 ? ` (${(portkey.addedP50 / router.addedP50).toFixed(1)}x less than Portkey)` : '';
    lines.push(
      `${cell.providerLatencyMs} ms provider, sequential: our Router adds ${signedMs(router.addedP50)} ms at p50 over the direct SDK call${ratio}; ` +
        `Portkey adds ${signedMs(portkey.addedP50)} ms; our durable path adds ${signedMs(durable.addedP50)} ms.`,
    );
  }
  return lines;
}

export function overheadMarkdown(r: OverheadResult): string {
  const out: string[] = [];
  const s = r.settings;
  out.push(
    `Fake provider at 0 and 50 ms in its own process; ${s.rounds} interleaved rounds (system order rotates per round); sequential ` +
      `${Object.entries(s.sequentialCalls).map(([l, n]) => `${n} calls at ${l} ms`).join(', ')}; open loop at ${s.rates.join(' and ')} rps for ` +
      `${s.rateDurationMs / 1000} s per round, latency counted from each request's scheduled send time. p50 and p99 are medians of round values, ` +
      `"added" is against the direct SDK call of the same round; p99.9 pools all rounds. Portkey gateway ${r.portkeyVersion}.`,
  );
  out.push('');
  out.push(...overheadHeadline(r).map((l) => `- ${l}`));
  for (const cell of r.cells) {
    out.push('', `#### ${cell.providerLatencyMs} ms provider, ${cell.mode}`, '');
    const directSustained = cell.systems.direct?.sustained ?? false;
    if (!directSustained) out.push('The direct call did not sustain this rate on this machine (the load-generating process is the limit), so "added" figures here are not meaningful.', '');
    out.push(
      table(
        ['system', 'p50', 'p99', 'p99.9', 'added p50', 'added p99', 'added p99.9', 'ok req/s', 'sustained', 'errors', 'CPU ms/req', 'host RSS MB'],
        Object.entries(cell.systems).map(([name, c]) => [
          label(name),
          ms(c.p50),
          ms(c.p99),
          ms(c.p999),
          signedMs(c.addedP50),
          signedMs(c.addedP99),
          signedMs(c.addedP999),
          c.throughput.toFixed(0),
          c.sustained ? 'yes' : '**no**',
          Object.entries(c.errors).map(([k, v]) => `${k}: ${v}`).join(', ') || (c.dropped ? `${c.dropped} not sent` : '0'),
          c.cpuMsPerRequest.toFixed(2),
          c.hostPeakRssMb.toFixed(0),
        ]),
      ),
    );
    out.push('', `![CDF](overhead-cdf-${cell.providerLatencyMs}ms-${cell.mode.replace(/\s+/g, '')}.svg)`);
  }
  out.push('', '#### Maximum sustainable rate (closed loop, 0 ms provider)', '');
  out.push(
    `Requests completed per second with ${s.saturationConcurrency} in flight for ${s.saturationDurationMs / 1000} s, ${s.rounds} rotated rounds, medians.`,
    '',
    table(
      ['system', 'req/s', 'p50 ms', 'errors', 'CPU % (client + system)'],
      Object.entries(r.saturation).map(([name, v]) => [label(name), v.throughput.toFixed(0), ms(v.p50), v.errors, v.cpuPercent.toFixed(0)]),
    ),
  );
  out.push(
    '',
    'CPU ms/req is the CPU time of this (load-generating) process plus the system under test per request: the gateway process for Portkey, ' +
      'the worker and the Temporal dev server for the durable path; the fake provider is never counted. Host RSS is the resident memory of the ' +
      'process hosting the system: this process for the direct call and the Router, the gateway, or the worker.',
  );
  return out.join('\n');
}
