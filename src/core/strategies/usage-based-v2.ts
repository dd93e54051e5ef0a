// usage-based-routing-v2: lowest tokens used in the current window. `pick`
// has already removed deployments at their rpm/tpm limit (this strategy
// forces that check on), so whatever reaches here is within its limits.
import type { Strategy } from './strategy';
import { inWindow, pickUniform } from './strategy';

export const usageBasedV2: Strategy = ({ candidates, states, window, random }) => {
  const scores: Record<string, number> = {};
  let best = Number.POSITIVE_INFINITY;
  let ties: number[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const used = inWindow(states[i], window)?.tpmUsed ?? 0;
    scores[(candidates[i] as { id: string }).id] = used;
    if (used < best) { best = used; ties = [i]; }
    else if (used === best) ties.push(i);
  }
  return { index: pickUniform(ties, random), scores };
};
