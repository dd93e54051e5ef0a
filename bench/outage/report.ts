import { ms, signedMs, table } from '../lib/markdown';
import { SYSTEM_LABELS } from '../lib/systems';
import type { OutageResult } from './outage';

const label = (name: string) => SYSTEM_LABELS[name] ?? name;
const secs = (v: number | null) => (v === null ? 'never' : `${(v / 1000).toFixed(1)} s`);

export function outageHeadline(r: OutageResult): string[] {
  const cells = Object.entries(r.systems).map(
    ([name, s]) => `${label(name)}: ${s.userErrors} user errors, ${s.wastedOnDead} calls wasted on the dead deployment, failed-over requests ${signedMs(s.addedFailedOverP50)} ms at p50`,
  );
  return [`Outage (${r.settings.rate} rps, a 503 window of ${((r.outageEndedAtMs - r.outageStartedAtMs) / 1000).toFixed(0)} s): ${cells.join('; ')}.`];
}

export function outageMarkdown(r: OutageResult): string {
  const s = r.settings;
  const out: string[] = [
    `Group \`chat\` = deployments a and b, falling back to group \`chat-backup\` (one deployment); fake provider latency ${s.providerLatencyMs} ms. ` +
      `Open loop at ${s.rate} rps for ${s.durationMs / 1000} s; a returns ${s.outageStatus} from ${(r.outageStartedAtMs / 1000).toFixed(1)} s to ` +
      `${(r.outageEndedAtMs / 1000).toFixed(1)} s. Each system has its own routes on the fake provider; every request carries its sequence number, ` +
      'so a request that reached more than one deployment (or one deployment twice) counts as failed over. "Shift away": from the outage start to the first 2 s window ' +
      'in which a gets at most a tenth of its normal traffic (a later cooldown probe is counted in "wasted", not here); "bring back": from recovery ' +
      'to the first call of the first 2 s window in which a is back to half its normal traffic.',
    '',
    table(
      ['system', 'requests', 'user-visible errors', 'wasted on dead', 'extra provider calls', 'failed over', 'baseline p50', 'failed-over p50 (added)', 'failed-over p99 (added)', 'shift away', 'bring back'],
      Object.entries(r.systems).map(([name, v]) => [
        label(name),
        v.requests,
        v.userErrors ? `**${v.userErrors}** (${Object.entries(v.errors).map(([k, n]) => `${k}: ${n}`).join(', ')})` : '0',
        v.wastedOnDead,
        v.extraProviderCalls,
        v.failedOver,
        ms(v.baselineP50),
        `${ms(v.failedOverP50)} (${signedMs(v.addedFailedOverP50)})`,
        `${ms(v.failedOverP99)} (${signedMs(v.addedFailedOverP99)})`,
        secs(v.timeToShiftAwayMs),
        secs(v.timeToBringBackMs),
      ]),
    ),
    '',
    'Configs:',
    '',
    ...Object.entries(r.systems).map(([name, v]) => `- ${label(name)}: \`${JSON.stringify(v.config).replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:PORT')}\``),
    '',
    ...Object.keys(r.systems).map((name) => `![${label(name)}](outage-timeline-${name}.svg)`),
    '',
    '![CDF](outage-cdf.svg)',
  ];
  return out.join('\n');
}
