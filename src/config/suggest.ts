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
  if (wanted.length < 3) return undefined;
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const c = canonical(candidate);
    if (c === wanted) return candidate;
    const distance = editDistance(wanted, c);
    if (distance > allowedDistance(wanted, c)) continue;
    // Ties go to the candidate sharing the longer prefix: `num_retry` means `num_retries`, not `max_retries`.
    const score = distance - commonPrefix(wanted, c) / 100;
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best;
}

/**
 * One edit for short names, then about a third of the longer name's length:
 * `num_retry` (3 edits from `num_retries`, 10 letters) is a near miss,
 * `callbacks` (2 from `fallbacks`) is too, which is why proxy-only keys are
 * checked against their own list before any suggestion is made.
 */
function allowedDistance(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  return longer <= 5 ? 1 : Math.min(3, Math.max(2, Math.floor(longer * 0.3)));
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
