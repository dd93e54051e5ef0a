// The two errors the router itself raises when a request ends without an
// answer. They share the taxonomy's base class; identity is by `Symbol.for`
// marker and name, never `instanceof`: these objects cross the workflow
// sandbox and may come from a second copy of this package.
import { LlmRouterError } from '../errors/classes';
import type { FallbacksExhaustedData, NoDeploymentsAvailableData } from './types';

const NO_DEPLOYMENTS_MARKER = Symbol.for('temporal-llm-router.error.NoDeploymentsAvailableError');
const FALLBACKS_EXHAUSTED_MARKER = Symbol.for('temporal-llm-router.error.FallbacksExhaustedError');

function hasMarker(e: unknown, marker: symbol, name: string): boolean {
  if (typeof e !== 'object' || e === null) return false;
  return (e as Record<symbol, unknown>)[marker] === true || (e as { name?: unknown }).name === name;
}

function formatTime(ms: number): string {
  // An explicit epoch keeps this deterministic, also inside the workflow sandbox.
  return new Date(ms).toISOString();
}

export function describeNoDeployments(d: Omit<NoDeploymentsAvailableData, 'name'>): string {
  if (d.unknownGroup) return `No deployments available for model group "${d.group}": the group has no deployments`;
  if (d.requestTags !== undefined) {
    return `No deployment of model group "${d.group}" matches the request's tags ${JSON.stringify(d.requestTags)}, and none is tagged "default" (deployments: ${d.deployments.map((u) => u.id).join(', ')})`;
  }
  const parts = d.deployments.map((u) => {
    if (u.reason === 'cooldown' && u.cooldown) {
      const status = u.cooldown.status === null ? '' : ` ${u.cooldown.status}`;
      return `${u.id}: cooling down after ${u.cooldown.errorClass}${status} (${u.cooldown.rule}) until ${formatTime(u.until ?? 0)}`;
    }
    return `${u.id}: ${u.reason}`;
  });
  const back = d.earliestAvailableAt === null ? 'none will come back by waiting' : `earliest back at ${formatTime(d.earliestAvailableAt)}`;
  return `No deployments available for model group "${d.group}" (${back}): ${parts.join('; ')}`;
}

export class NoDeploymentsAvailableError extends LlmRouterError {
  declare readonly [NO_DEPLOYMENTS_MARKER]: true;
  override readonly name = 'NoDeploymentsAvailableError' as const;
  readonly data: NoDeploymentsAvailableData;

  /** `retryAfterMs` is the time until the earliest deployment returns, from `now`. Status 503: the router, not the request, is why it failed. */
  constructor(data: Omit<NoDeploymentsAvailableData, 'name'>, now: number) {
    super(describeNoDeployments(data), {
      status: 503,
      ...(data.earliestAvailableAt === null ? {} : { retryAfterMs: Math.max(0, data.earliestAvailableAt - now) }),
    });
    Object.defineProperty(this, NO_DEPLOYMENTS_MARKER, { value: true });
    this.data = { ...data, name: 'NoDeploymentsAvailableError' };
  }

  static isInstance(e: unknown): e is NoDeploymentsAvailableError {
    return hasMarker(e, NO_DEPLOYMENTS_MARKER, 'NoDeploymentsAvailableError');
  }
}

export function describeFallbacksExhausted(d: FallbacksExhaustedData): string {
  const hops = d.attempts.map((a) => {
    const err = a.outcome === 'failure' ? `${a.errorClass ?? 'Error'}${a.status === null ? '' : ` ${a.status}`}` : a.outcome;
    const cooled = a.cooldown ? `, cooled until ${formatTime(a.cooldown.until)}` : '';
    return `#${a.attemptNo} ${a.group}/${a.deploymentId}: ${err} after ${a.durationMs ?? '?'} ms${cooled}`;
  });
  return `All deployments failed for model group "${d.requestedGroup}" (${d.reason}; groups tried: ${d.groupPath.join(' → ') || 'none'}): ${hops.join('; ') || 'no attempts'}`;
}

/** Every attempt of the request failed. Status 503; the last attempt's own status is `data.lastError.status`. */
export class FallbacksExhaustedError extends LlmRouterError {
  declare readonly [FALLBACKS_EXHAUSTED_MARKER]: true;
  override readonly name = 'FallbacksExhaustedError' as const;
  readonly data: FallbacksExhaustedData;

  constructor(data: FallbacksExhaustedData) {
    super(describeFallbacksExhausted(data), { status: 503 });
    Object.defineProperty(this, FALLBACKS_EXHAUSTED_MARKER, { value: true });
    this.data = data;
  }

  static isInstance(e: unknown): e is FallbacksExhaustedError {
    return hasMarker(e, FALLBACKS_EXHAUSTED_MARKER, 'FallbacksExhaustedError');
  }
}
