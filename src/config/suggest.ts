/** Edit distance with an early exit; keys are short, so the quadratic table is cheap. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  let previous = Array.from({ length: cols }, (_, j) => j);
  for (let i = 1; i < rows; i++) {
    const current = [i];
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[cols - 1] ?? 0;
}

function canonical(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

/**
 * The known name a mistyped one most likely meant, or undefined when nothing is
 * close. `api-base`, `apiBase` and `api_bsae` all point at `api_base`.
 */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  const wanted = canonical(input);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const c = canonical(candidate);
    if (c === wanted) return candidate;
    const distance = editDistance(wanted, c);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  const limit = wanted.length <= 5 ? 1 : 2;
  return bestDistance <= limit ? best : undefined;
}
