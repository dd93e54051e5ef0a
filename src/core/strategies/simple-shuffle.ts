// simple-shuffle: weighted random on `weight`, else on `rpm`, else on `tpm`,
// else uniform (LiteLLM's order of preference). When only some deployments
// set the field, the others get weight 1 for `weight` (so forgetting it does
// not silently starve a deployment) and 0 for rpm/tpm (no budget declared).
import type { DeploymentInfo } from '../types';
import type { Strategy } from './strategy';

function weightsBy(candidates: readonly DeploymentInfo[]): number[] | null {
  let field: 'weight' | 'rpm' | 'tpm' | null = null;
  for (const f of ['weight', 'rpm', 'tpm'] as const) {
    if (candidates.some((d) => d[f] !== undefined)) { field = f; break; }
  }
  if (field === null) return null;
  const missing = field === 'weight' ? 1 : 0;
  return candidates.map((d) => {
    const v = d[field] ?? missing;
    return Number.isFinite(v) && v > 0 ? v : 0;
  });
}

export const simpleShuffle: Strategy = ({ candidates, random }) => {
  const n = candidates.length;
  const weights = n > 1 ? weightsBy(candidates) : null;
  if (weights !== null) {
    let total = 0;
    for (const w of weights) total += w;
    if (total > 0) {
      let r = random() * total;
      for (let i = 0; i < n; i++) {
        const w = weights[i] ?? 0;
        if (r < w) return { index: i };
        r -= w;
      }
      // Float rounding left r just above the last bucket: take the last positive weight.
      for (let i = n - 1; i >= 0; i--) if ((weights[i] ?? 0) > 0) return { index: i };
    }
  }
  return { index: Math.min(n - 1, Math.floor(random() * n)) };
};
