import { ms, signedMs, table } from '../lib/markdown';
import { median } from '../lib/stats';
import { SYSTEM_LABELS } from '../lib/systems';
import type { GatewayOutageResult } from './gateway-outage';
import type { GatewaysResult, SystemStats } from './gateways';

const label = (name: string) => SYSTEM_LABELS[name] ?? name;
const secs = (v: number | null) => (v === null ? 'never' : `${(v / 1000).toFixed(1)} s`);
// Two decimals: a goal of "2x" must not read as met at 1.95.
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}x` : 'n/a');

function rows(systems: Record<string, SystemStats>, against: string, light = false) {
  return Object.entries(systems).map(([name, s]) => [
    label(name),
    name === against ? `${ms(s.seqP50)} / ${ms(s.seqP99)}` : `${signedMs(s.seqAddedP50)} / ${signedMs(s.seqAddedP99)}`,
    name === against ? `${ms(s.concP50)} / ${ms(s.concP99)}` : `${signedMs(s.concAddedP50)} / ${signedMs(s.concAddedP99)}`,
    s.rate.toFixed(0),
    ...(light ? [s.lightRate === undefined ? 'n/a' : s.lightRate.toFixed(0)] : []),
    s.errors,
    s.cpuMsPerRequest === null ? 'n/a' : s.cpuMsPerRequest.toFixed(2),
    ...(light ? [s.lightCpuMsPerRequest === undefined ? 'n/a' : s.lightCpuMsPerRequest.toFixed(2)] : []),
    s.hostRssMb === null ? 'n/a' : s.hostRssMb.toFixed(0),
  ]);
}

/** a's rate over b's in each round both ran (through the light client with `light`). */
function roundRatios(a: SystemStats, b: SystemStats, light = false): number[] {
  const ra = (light ? a.lightRoundRates : a.roundRates) ?? [];
  const rb = (light ? b.lightRoundRates : b.roundRates) ?? [];
  return ra.flatMap((x, i) => (rb[i] ? [x / (rb[i] as number)] : []));
}

export function gatewaysHeadline(r: GatewaysResult): string[] {
  const n = r.node;
  const p = r.python;
  const lines: string[] = [];
  if (n.router && p['litellm-router']) {
    lines.push(`In-process, sequential, 0 ms provider: our Router adds ${signedMs(n.router.seqAddedP50)} ms at p50 over the Node SDK; LiteLLM's Router adds ${signedMs(p['litellm-router'].seqAddedP50)} ms over the Python SDK.`);
  }
  if (n.gateway && n.portkey && n['litellm-proxy']) {
    lines.push(
      `Gateways, sequential, 0 ms provider: ours adds ${signedMs(n.gateway.seqAddedP50)} ms at p50, Portkey's ${signedMs(n.portkey.seqAddedP50)} ms, LiteLLM's proxy ${signedMs(n['litellm-proxy'].seqAddedP50)} ms; ` +
        `with 32 in flight through the \`openai\` client ours reaches ${n.gateway.rate.toFixed(0)} req/s (${ratio(n.gateway.rate, n.portkey.rate)} Portkey's ${n.portkey.rate.toFixed(0)}, ${ratio(n.gateway.rate, n['litellm-proxy'].rate)} LiteLLM's ${n['litellm-proxy'].rate.toFixed(0)}).`,
    );
    const perRound = roundRatios(n.gateway, n.portkey);
    if (perRound.length > 0) lines.push(`Our rate over Portkey's through the \`openai\` client, round by round: ${perRound.map((x) => `${x.toFixed(2)}x`).join(' / ')}.`);
    const g = n.gateway.lightRate;
    const pk = n.portkey.lightRate;
    const ll = n['litellm-proxy'].lightRate;
    if (g !== undefined && pk !== undefined && ll !== undefined) {
      lines.push(
        `Maximum request rate, 32 in flight through the light client (the load generator's own CPU out of the gateways' way): ours ${g.toFixed(0)} req/s, ` +
          `${ratio(g, pk)} Portkey's ${pk.toFixed(0)} and ${ratio(g, ll)} LiteLLM's proxy's ${ll.toFixed(0)}; ours over Portkey's round by round ${roundRatios(n.gateway, n.portkey, true).map((x) => `${x.toFixed(2)}x`).join(' / ')}.`,
      );
    }
    const blocks = r.pairedRate ?? [];
    if (blocks.length > 0) {
      const ratios = blocks.map((b) => b.ratio);
      lines.push(
        `Ours against Portkey through the light client in alternating slices (A B B A, then B A A B; ${r.settings.pairedSliceMs / 1000} s each): ` +
          `${ratios.map((x) => `${x.toFixed(2)}x`).join(' / ')} block by block, median **${median(ratios).toFixed(2)}x** (goal: 2x)` +
          `${blocks.some((b) => b.errors > 0) ? `, ${blocks.reduce((a, b) => a + b.errors, 0)} errors` : ''}.`,
      );
    }
  }
  const floor = n['forwarding-proxy'];
  if (floor && n.gateway) {
    lines.push(
      `Their floor, a bare forwarding proxy (one more HTTP hop, nothing parsed or routed): ${signedMs(floor.seqAddedP50)} ms at p50 sequential, ${floor.rate.toFixed(0)} req/s; ` +
        `so ours does its own work in ${signedMs(n.gateway.seqAddedP50 - floor.seqAddedP50)} ms and serves ${ratio(n.gateway.rate, floor.rate)} the floor's rate` +
        (floor.lightRate !== undefined && n.gateway.lightRate !== undefined ? ` (${ratio(n.gateway.lightRate, floor.lightRate)} of its ${floor.lightRate.toFixed(0)} req/s through the light client).` : '.'),
    );
  }
  return lines;
}

export function gatewaysMarkdown(r: GatewaysResult): string {
  const s = r.settings;
  const versions = Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    `One fake provider process, two routes (0 ms and ${s.slowProviderMs} ms). ${s.rounds} rounds, system order rotated per round; each figure is the median over rounds. ` +
      `"Sequential": ${s.sequentialCalls} calls one at a time on the 0 ms route (what the system adds per call). "32 in flight": closed loop with ${s.concurrency} concurrent requests ` +
      `for ${s.closedLoopMs / 1000} s on the ${s.slowProviderMs} ms route (what it adds under concurrency). "Rate": the same closed loop on the 0 ms route (requests completed per second, ` +
      `the most the system serves on this machine with the load generator on it too); for the HTTP systems also through a light client (bench/lib/raw-client.ts: Node \`http\`, kept-alive connections, a status and shape check), ` +
      `since the \`openai\` client costs the load generator about as much CPU per request as a gateway and caps every gateway's rate on two cores. Added figures are against the direct SDK of the same language in the same round; for the Node systems' sequential figures, against direct calls interleaved with theirs (A B B A), since a fraction of a millisecond is less than this machine's drift between minutes. Versions: ${versions}.`,
    '',
    ...gatewaysHeadline(r).map((l) => `- ${l}`),
    '',
    '#### In-process routers',
    '',
    'Node: our Router in the load-generating process against the `openai` client in the same process. Python: LiteLLM\'s `Router.acompletion` against `AsyncOpenAI` ' +
      'in one Python process (asyncio, the same loads); bench/python/inprocess.py.',
    '',
    table(['system', 'sequential p50 / p99 (added)', '32 in flight p50 / p99 (added)', 'rate req/s', 'errors', 'CPU ms/req', 'host RSS MB'], [...rows({ direct: r.node.direct!, router: r.node.router! }, 'direct'), ...rows(r.python, 'python-direct')]),
    '',
    '#### Gateways (an HTTP hop on loopback)',
    '',
    'Each gateway in its own process, called with the Node `openai` client (retries off). Ours is `llm-router serve` with a master key; LiteLLM\'s proxy ' +
      '(`litellm --config`, one uvicorn worker, its default) with a master key and no database; Portkey\'s open-source gateway has no key check. ' +
      'The bare forwarding proxy (bench/lib/forwarding-proxy-process.ts: Node `http`, a kept-alive upstream connection, bytes passed through) is their floor. ' +
      'CPU ms/req: this process plus the gateway process, in each rate phase; host RSS: the gateway process.',
    '',
    table(
      ['system', 'sequential p50 / p99 (added)', '32 in flight p50 / p99 (added)', 'rate req/s, `openai` client', 'rate req/s, light client', 'errors', 'CPU ms/req, `openai` client', 'CPU ms/req, light client', 'host RSS MB'],
      rows({ direct: r.node.direct!, ...(r.node['forwarding-proxy'] ? { 'forwarding-proxy': r.node['forwarding-proxy'] } : {}), gateway: r.node.gateway!, portkey: r.node.portkey!, 'litellm-proxy': r.node['litellm-proxy']! }, 'direct', true),
    ),
  ].join('\n');
}

export function gatewayOutageHeadline(r: GatewayOutageResult): string[] {
  const cells = Object.entries(r.systems).map(([name, s]) => `${label(name)}: ${s.userErrors} user errors, ${s.wastedOnDead} calls to the dead deployment`);
  return [`Gateway outage (${r.settings.rate} rps, 503 for ${((r.outageEndedAtMs - r.outageStartedAtMs) / 1000).toFixed(0)} s): ${cells.join('; ')} (bound allowed_fails + in flight + 1 = ${r.bound.value}).`];
}

export function gatewayOutageMarkdown(r: GatewayOutageResult): string {
  const st = r.settings;
  return [
    `The outage of part 2 for the gateways: group \`chat\` = a and b, falling back to \`chat-backup\`; ${st.rate} rps for ${st.durationMs / 1000} s; a answers ${st.outageStatus} ` +
      `from ${(r.outageStartedAtMs / 1000).toFixed(1)} s to ${(r.outageEndedAtMs / 1000).toFixed(1)} s. Two replicas each for ours and LiteLLM's proxy, the client alternating between them; ` +
      `Portkey keeps no routing state, so one process. Our "2 replicas sharing health" run both with \`${r.sharedHealthArgs.join(' ') || '(none)'}\` (a worker on that task queue hosts the routerHealth entity); ` +
      `"health not shared" is the same pair without it, and LiteLLM's replicas have no Redis: each of those learns of the outage on its own. ` +
      `The issue's bound on calls to the dead deployment across replicas is allowed_fails (${r.bound.allowedFails}) + in flight (${r.bound.inFlight}) + 1 = ${r.bound.value}.`,
    '',
    table(
      ['system', 'replicas', 'user-visible errors', 'calls to dead a (bound ' + r.bound.value + ')', 'extra provider calls', 'failed over', 'failed-over p50 (added)', 'shift away', 'bring back'],
      Object.entries(r.systems).map(([name, v]) => [
        label(name),
        r.replicas[name] ?? 1,
        v.userErrors ? `**${v.userErrors}**` : '0',
        v.wastedOnDead,
        v.extraProviderCalls,
        v.failedOver,
        `${ms(v.failedOverP50)} (${signedMs(v.addedFailedOverP50)})`,
        secs(v.timeToShiftAwayMs),
        secs(v.timeToBringBackMs),
      ]),
    ),
    '',
    ...Object.keys(r.systems).map((name) => `![${label(name)}](gateway-outage-timeline-${name}.svg)`),
  ].join('\n');
}
