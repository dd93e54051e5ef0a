import { createHash } from 'node:crypto';

/**
 * The id of a deployment without `model_info.id`: readable (group and model) and
 * stable across restarts and reorderings, because it hashes what defines the
 * deployment rather than its position. The key is left out of the hash so that
 * rotating a key does not reset the deployment's routing history.
 */
export function deriveDeploymentId(group: string, model: string, identity: Readonly<Record<string, unknown>>): string {
  const canonical = JSON.stringify(sortKeys({ group, ...identity }));
  const hash = createHash('sha256').update(canonical).digest('hex').slice(0, 8);
  return `${group}@${model}#${hash}`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
