// `durable_settings`: our own section (LiteLLM has none) for how a model
// group's durable requests run. Read by DurableRouter; the in-process Router
// ignores it.
//
//   durable_settings:
//     group_durability:
//       chat: latency        # hops as local activities (docs/durability.md)
//       summarise: standard  # hops as normal activities
import { z } from 'zod';
import type { DurabilityMode } from '../../workflows/types';
import type { IssueList } from './issues';
import { noGroup } from './references';
import { checkKeys } from './unknown-keys';
import { addZodIssues } from './zod-issues';

export const DURABLE_SETTINGS_KEYS = ['group_durability'] as const;

export const durableSettingsSchema = z.looseObject({
  group_durability: z.record(z.string(), z.enum(['standard', 'latency'])).optional(),
});

/** Per group durability; every problem is named by its path (an unknown group, an unknown mode). */
export function parseDurableSettings(issues: IssueList, raw: unknown, groupNames: ReadonlySet<string>): Record<string, DurabilityMode> | undefined {
  if (raw === undefined || raw === null) return undefined;
  const path = ['durable_settings'];
  checkKeys(issues, path, raw, { known: DURABLE_SETTINGS_KEYS, mode: 'strict' });
  const parsed = durableSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    addZodIssues(issues, path, parsed.error, raw);
    return undefined;
  }
  const groups = parsed.data.group_durability;
  if (groups === undefined) return undefined;
  for (const group of Object.keys(groups)) {
    if (!groupNames.has(group)) issues.error([...path, 'group_durability', group], noGroup(group, groupNames));
  }
  return { ...groups };
}
