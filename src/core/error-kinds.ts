// How the router treats each error class: the error table (src/errors/table.ts)
// read by class name, since errors reach the core as strings. docs/routing.md
// is the prose version of the table.
import { behaviourOf, classForStatus, ERROR_BEHAVIOUR, type ErrorBehaviour } from '../errors/table';
import type { ErrorClassName, PerErrorClass } from './types';

export { behaviourOf, ERROR_BEHAVIOUR };
export type { ErrorBehaviour };

function isKnown(name: string): name is ErrorClassName {
  return Object.prototype.hasOwnProperty.call(ERROR_BEHAVIOUR, name);
}

/** Names we do not know are classified by status, so a newer provider layer cannot confuse an older core. */
export function classifyErrorName(name: string, status: number | undefined | null): ErrorClassName {
  if (isKnown(name)) return name;
  return status === undefined || status === null ? 'APIError' : classForStatus(status);
}

/** Policy lookups fall back from a subclass to its parent, as LiteLLM's policy keys name parents only. */
export function policyValue(policy: PerErrorClass, cls: ErrorClassName): number | undefined {
  const own = policy[cls];
  if (own !== undefined) return own;
  const parent = ERROR_BEHAVIOUR[cls].parent;
  return parent === undefined ? undefined : policy[parent];
}
