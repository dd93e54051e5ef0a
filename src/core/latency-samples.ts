// Latency samples aged by time: LiteLLM averages its last N samples however
// old they are, so a deployment that slowed an hour ago (or recovered) keeps
// its old reputation. Here a sample's weight halves every `halfLifeMs` and
// samples past `ttlMs` are dropped.
import type { LatencyRoutingArgs, LatencySample } from './types';

export function addSample(samples: readonly LatencySample[], sample: LatencySample, args: LatencyRoutingArgs): LatencySample[] {
  const out: LatencySample[] = [];
  const oldest = sample.at - args.ttlMs;
  // Keep the newest maxSamples-1 live samples plus the new one.
  const start = Math.max(0, samples.length - (args.maxSamples - 1));
  for (let i = start; i < samples.length; i++) {
    const s = samples[i];
    if (s !== undefined && s.at > oldest) out.push(s);
  }
  out.push(sample);
  return out;
}

/** Recency-weighted mean of live samples; null when there are none (a new deployment). */
export function agedMean(samples: readonly LatencySample[], now: number, args: LatencyRoutingArgs): number | null {
  let weighted = 0;
  let total = 0;
  // 0.5^(age / halfLife) as one exp: pick runs this for every sample of every candidate.
  const decay = -Math.LN2 / args.halfLifeMs;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as LatencySample;
    const age = now - s.at;
    if (age >= args.ttlMs) continue;
    const w = age <= 0 ? 1 : Math.exp(age * decay);
    weighted += w * s.value;
    total += w;
  }
  if (total === 0) return null;
  return weighted / total;
}
