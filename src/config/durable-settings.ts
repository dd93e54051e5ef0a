// `durable_settings`: our own section (LiteLLM has none) for how a model
// group's durable requests run. Read by DurableRouter; the in-process Router
// ignores it.
//
//   durable_settings:
//     group_durability:
//       chat: latency        # hops as local activities (docs/durability.md)
//       summarise: standard  # hops as normal activities
//     search_attributes: always  # tag every request, not only failovers (docs/observability.md)
import { z } from 'zod';
import type { DurabilityMode, SearchAttributePolicy } from '../../workflows/types';
import type { IssueList } from './issues';
import { noGroup } from './references';
import { checkKeys } from './unknown-keys';
import { addZodIssues } from './zod-issues';

export const DURABLE_SETTINGS_KEYS = ['group_durability', 'search_attributes'] as const;

export const durableSettingsSchema = z.looseObject({
  group_durability: z.record(z.string(), z.enum(['standard', 'latency'])).optional(),
  search_attributes: z.enum(['failover', 'always']).optional(),
});

export interface DurableSettings {
  durability?: Record<string, DurabilityMode>;
  searchAttributes?: SearchAttributePolicy;
}

/** Per group durability and the search-attribute policy; every problem is named by its path (an unknown group, an unknown mode). */
export function parseDurableSettings(issues: IssueList, raw: unknown, groupNames: ReadonlySet<string>): DurableSettings {
  if (raw === undefined || raw === null) return {};
  const path = ['durable_settings'];
  checkKeys(issues, path, raw, { known: DURABLE_SETTINGS_KEYS, mode: 'strict' });
  const parsed = durableSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    addZodIssues(issues, path, parsed.error, raw);
    return {};
  }
  const out: DurableSettings = {};
  // `failover` is the default: only say it when asked otherwise, so the config (and its hash) stays as it was.
  if (parsed.data.search_attributes === 'always') out.searchAttributes = 'always';
  const groups = parsed.data.group_durability;
  if (groups === undefined) return out;
  for (const group of Object.keys(groups)) {
    if (!groupNames.has(group)) issues.error([...path, 'group_durability', group], noGroup(group, groupNames));
  }
  out.durability = { ...groups };
  return out;
}
