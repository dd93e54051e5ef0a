// cost-based-routing: cheapest input + output price per token. Unknown prices
// count as very expensive, so a priced deployment always wins over an
// unpriced one. Equal prices are broken at random (LiteLLM always takes the
// first), so identical deployments in two regions share the load.
import type { DeploymentInfo } from '../types';
import type { Strategy } from './strategy';
import { pickUniform } from './strategy';

/** USD per token assumed for an unknown price: far above any real model. */
export const UNKNOWN_COST_PER_TOKEN = 1;

export function costPerToken(d: DeploymentInfo): number {
  return (d.inputCostPerToken ?? UNKNOWN_COST_PER_TOKEN) + (d.outputCostPerToken ?? UNKNOWN_COST_PER_TOKEN);
}

export const costBased: Strategy = ({ candidates, random }) => {
  const scores: Record<string, number> = {};
  let best = Number.POSITIVE_INFINITY;
  let ties: number[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const d = candidates[i] as DeploymentInfo;
    const c = costPerToken(d);
    // Shown, not compared: six significant digits read better than float noise (4.9999999999999996e-6) and cost less history.
    scores[d.id] = Number(c.toPrecision(6));
    if (c < best) { best = c; ties = [i]; }
    else if (c === best) ties.push(i);
  }
  return { index: pickUniform(ties, random), scores };
};
