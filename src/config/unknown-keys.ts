import type { ConfigPath, IssueList } from './issues';
import { suggest } from './suggest';

/**
 * How a section treats keys it does not know:
 * - `strict`: every unknown key is an error (our own sub-objects, such as `retry_policy`);
 * - `warn`: a near-miss of a known key is an error, any other key is ignored with a warning
 *   (LiteLLM sections that carry many proxy-only keys);
 * - `silent`: a near-miss is an error, any other key is free metadata (`model_info`).
 */
export type UnknownKeyMode = 'strict' | 'warn' | 'silent';

export interface KeyRules {
  readonly known: readonly string[];
  /** Keys LiteLLM understands and we deliberately ignore; never reported as typos. */
  readonly ignored?: readonly string[];
  readonly mode: UnknownKeyMode;
  /** Why ignored keys are ignored, for the warning text. */
  readonly ignoredBecause?: string;
}

export function checkKeys(issues: IssueList, path: ConfigPath, value: unknown, rules: KeyRules): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const ignored = rules.ignored ?? [];
  for (const key of Object.keys(value)) {
    if (rules.known.includes(key)) continue;
    if (ignored.includes(key)) {
      if (rules.mode !== 'silent') issues.warn([...path, key], `ignored: ${rules.ignoredBecause ?? 'not used by this router'}`);
      continue;
    }
    const hint = suggest(key, rules.known);
    if (hint !== undefined) {
      issues.error([...path, key], `unknown key; did you mean "${hint}"?`);
    } else if (rules.mode === 'strict') {
      issues.error([...path, key], `unknown key; expected one of: ${rules.known.join(', ')}`);
    } else if (rules.mode === 'warn') {
      issues.warn([...path, key], `ignored: ${rules.ignoredBecause ?? 'not used by this router'}`);
    }
  }
}
