// latency-based-routing: lowest recency-weighted latency per output token, or
// time to first token for streams. A
// deployment without live samples scores 0 so it gets explored (as in
// LiteLLM); picks are random among those within `lowestLatencyBuffer` of the fastest.
import { agedMean } from '../latency-samples';
import type { Strategy } from './strategy';
import { pickUniform } from './strategy';

export const latencyBased: Strategy = ({ config, candidates, states, request, now, random }) => {
  const args = config.settings.routingStrategyArgs.latency;
  const scores: Record<string, number> = {};
  const values: number[] = new Array<number>(candidates.length);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < candidates.length; i++) {
    const ds = states[i];
    let v: number | null = null;
    // Streams compare TTFT only: mixing it with per-token latency would compare different units.
    if (ds !== undefined) v = agedMean(request.stream === true ? ds.ttft : ds.latency, now, args);
    const score = v ?? 0;
    values[i] = score;
    scores[(candidates[i] as { id: string }).id] = score;
    if (score < best) best = score;
  }
  const limit = best * (1 + args.lowestLatencyBuffer);
  const within: number[] = [];
  for (let i = 0; i < values.length; i++) if ((values[i] ?? 0) <= limit) within.push(i);
  return { index: pickUniform(within, random), scores };
};
