// Which groups a failed group falls back to, by error kind. LiteLLM's rules:
// a group's own list, else the '*' entry, else `defaultFallbacks`; context
// window and content policy errors use their dedicated lists when the group
// has one. We also fall back from the dedicated kinds to the generic list
// when no dedicated list exists, rather than giving up.
import type { FallbackKind, RouterSettings } from './types';

function lookup(table: Record<string, string[]>, groups: readonly string[]): string[] | undefined {
  for (const g of groups) {
    const list = table[g];
    if (list !== undefined) return list;
  }
  return table['*'];
}

/** `groups`: the failed group first, then the group the caller named (for complexity routers). */
export function fallbackGroups(settings: RouterSettings, kind: FallbackKind, groups: readonly string[]): readonly string[] {
  if (kind === 'none') return [];
  if (kind === 'context-window') {
    const list = lookup(settings.contextWindowFallbacks, groups);
    if (list !== undefined) return list;
  }
  if (kind === 'content-policy') {
    const list = lookup(settings.contentPolicyFallbacks, groups);
    if (list !== undefined) return list;
  }
  return lookup(settings.fallbacks, groups) ?? settings.defaultFallbacks;
}
