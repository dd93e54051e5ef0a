// Router state: one plain record per deployment, created lazily. Updates are
// immutable (a new top-level object and a new record for the deployment that
// changed, others shared). That costs one shallow copy per record call, well
// inside the decision budget, and buys safety: the workflow can keep earlier
// states for replay and debugging, and a caller can never see a half-applied
// update. `pick` only reads.
import type { DeploymentState, RouterConfig, RouterState } from './types';

export function emptyRouterState(): RouterState {
  return { deployments: {} };
}

export function freshDeploymentState(window: number): DeploymentState {
  return {
    window,
    successes: 0,
    failures: 0,
    failuresByClass: {},
    rpmUsed: 0,
    tpmUsed: 0,
    inFlight: 0,
    cooldownUntil: 0,
    cooldownReason: null,
    latency: [],
    ttft: [],
  };
}

export function windowOf(config: RouterConfig, now: number): number {
  return Math.floor(now / config.settings.routingStrategyArgs.usage.windowMs);
}

/**
 * A shallow copy to change before storing. Written out field by field: a
 * spread plus overrides costs V8 a slow clone, and records are copied on
 * every call (the type checker keeps this list complete).
 */
export function copyDeploymentState(ds: DeploymentState): DeploymentState {
  return {
    window: ds.window,
    successes: ds.successes,
    failures: ds.failures,
    failuresByClass: ds.failuresByClass,
    rpmUsed: ds.rpmUsed,
    tpmUsed: ds.tpmUsed,
    inFlight: ds.inFlight,
    cooldownUntil: ds.cooldownUntil,
    cooldownReason: ds.cooldownReason,
    latency: ds.latency,
    ttft: ds.ttft,
    ...(ds.suspect === true ? { suspect: true as const } : {}),
    ...(ds.spend === undefined ? {} : { spend: ds.spend }),
  };
}

/** The deployment's record with counters of a past window reset. Never mutates. */
export function currentDeploymentState(state: RouterState, id: string, window: number): DeploymentState {
  const ds = state.deployments[id];
  if (ds === undefined) return freshDeploymentState(window);
  if (ds.window === window) return ds;
  const next = copyDeploymentState(ds);
  next.window = window;
  next.successes = 0;
  next.failures = 0;
  next.failuresByClass = {};
  next.rpmUsed = 0;
  next.tpmUsed = 0;
  return next;
}

export function withDeployment(state: RouterState, id: string, ds: DeploymentState): RouterState {
  const deployments = { ...state.deployments };
  deployments[id] = ds;
  return { ...state, deployments };
}

export function isCoolingDown(ds: DeploymentState | undefined, now: number): boolean {
  return ds !== undefined && ds.cooldownUntil > now;
}
