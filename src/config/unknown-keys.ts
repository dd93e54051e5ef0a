import type { ConfigPath, IssueList } from './issues';
import { suggest } from './suggest';

/**
 * How a section treats keys it does not know:
 * - `strict`: every key that is neither known nor on the section's documented
 *   `ignored` list is an error, with a "did you mean" when a known key is close
 *   (every section the router reads: see docs/config.md for the ignored lists);
 * - `warn`: a near-miss of a known key is an error, any other key is ignored
 *   with a warning (only `general_settings`, LiteLLM's proxy section of which the
 *   gateway reads two keys and the router none);
 * - `silent`: a near-miss of a known key is an error, any other key is free
 *   metadata (`model_info`, which LiteLLM itself treats as free-form).
 */
export type UnknownKeyMode = 'strict' | 'warn' | 'silent';

export interface KeyRules {
  readonly known: readonly string[];
  /** LiteLLM proxy-only keys we deliberately ignore, documented in docs/config.md; never reported as typos. */
  readonly ignored?: readonly string[];
  readonly mode: UnknownKeyMode;
  /** Why ignored keys are ignored, for the warning text. */
  readonly ignoredBecause?: string;
  /** What the section is, for the error on a key with no near miss (e.g. "router setting"). */
  readonly noun?: string;
}

/** Up to this many known keys are listed in an error; longer lists point at the docs. */
const MAX_LISTED = 12;

export function checkKeys(issues: IssueList, path: ConfigPath, value: unknown, rules: KeyRules): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const ignored = rules.ignored ?? [];
  for (const key of Object.keys(value)) {
    if (rules.known.includes(key)) continue;
    if (ignored.includes(key)) {
      if (rules.mode !== 'silent') issues.warn([...path, key], `ignored: ${rules.ignoredBecause ?? 'not used by this router'} (see docs/config.md)`);
      continue;
    }
    const hint = suggest(key, rules.known);
    if (hint !== undefined) {
      issues.error([...path, key], `unknown key; did you mean "${hint}"?`);
    } else if (rules.mode === 'strict') {
      const noun = rules.noun ?? 'key';
      const expected = rules.known.length <= MAX_LISTED
        ? `expected one of: ${rules.known.join(', ')}`
        : 'see docs/config.md for the keys this section takes and the LiteLLM keys it ignores';
      issues.error([...path, key], `unknown ${noun}; ${expected}`);
    } else if (rules.mode === 'warn') {
      issues.warn([...path, key], `ignored: ${rules.ignoredBecause ?? 'not used by this router'}`);
    }
  }
}
