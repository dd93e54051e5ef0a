// least-busy: fewest requests in flight. Ties are broken at random so an idle
// group spreads load instead of piling onto the first deployment. In-flight
// counts live in RouterState and are updated by pure functions, so unlike
// LiteLLM's cache counter they cannot race within one state owner.
import type { Strategy } from './strategy';
import { pickUniform } from './strategy';

export const leastBusy: Strategy = ({ candidates, states, random }) => {
  let best = Number.POSITIVE_INFINITY;
  let ties: number[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const busy = states[i]?.inFlight ?? 0;
    if (busy < best) { best = busy; ties = [i]; }
    else if (busy === best) ties.push(i);
  }
  return { index: pickUniform(ties, random) };
};
