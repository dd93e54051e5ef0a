// What one router process tells another about its deployments, and how the
// receiver lays it over its own state. The routerHealth entity holds the
// shared state and decides cooldowns from every process's outcomes; a
// process learns those decisions as a compact view, which is empty while
// the fleet is healthy.
//
// Failure counts never travel: a view may already include outcomes the
// receiver records itself a moment later (a call's report reaches the entity
// before its workflow has read the result), so counting both would cool a
// deployment one failure early. Each process counts its own calls; the
// entity counts everyone's and its cooldowns reach everyone.
import { windowOf } from './state';
import { mergeSpend } from './budgets';
import type { CooldownReason, DeploymentState, LatencySample, RouterConfig, RouterState, SpendWindow } from './types';

export interface SharedDeploymentView {
  cooldownUntil: number;
  cooldownReason: CooldownReason | null;
  /** It failed and has not succeeded since, somewhere: one call to it at a time. */
  suspect?: true;
  /** Usage in this window, for deployments with rpm/tpm limits. */
  usage?: { window: number; rpmUsed: number; tpmUsed: number };
  /** Latency samples, when the router routes by latency: a process that has none yet starts from these. */
  latency?: LatencySample[];
  ttft?: LatencySample[];
  /** Recorded cost in the current budget windows (configs with budgets only). */
  spend?: Record<string, SpendWindow>;
}

/** Deployment id → what is known of it elsewhere; deployments with nothing to tell are left out. */
export type SharedHealthView = Record<string, SharedDeploymentView>;

/** The part of a shared state another process needs to know. */
export function sharedView(config: RouterConfig, state: RouterState, now: number): SharedHealthView {
  const window = windowOf(config, now);
  const latency = config.settings.routingStrategy === 'latency-based-routing';
  const view: SharedHealthView = {};
  for (const [id, ds] of Object.entries(state.deployments)) {
    const info = config.deployments[id];
    const limited = info !== undefined && (info.rpm !== undefined || info.tpm !== undefined) && ds.window === window && (ds.rpmUsed > 0 || ds.tpmUsed > 0);
    const cooling = ds.cooldownUntil > now;
    const samples = latency && (ds.latency.length > 0 || ds.ttft.length > 0);
    const spend = config.budgets === undefined || ds.spend === undefined ? undefined : currentSpend(ds.spend, now);
    if (!cooling && ds.suspect !== true && !limited && !samples && spend === undefined) continue;
    const v: SharedDeploymentView = { cooldownUntil: cooling ? ds.cooldownUntil : 0, cooldownReason: cooling ? ds.cooldownReason : null };
    if (ds.suspect === true) v.suspect = true;
    if (limited) v.usage = { window: ds.window, rpmUsed: ds.rpmUsed, tpmUsed: ds.tpmUsed };
    if (samples) {
      v.latency = ds.latency;
      v.ttft = ds.ttft;
    }
    if (spend !== undefined) v.spend = spend;
    view[id] = v;
  }
  return view;
}

/** Lays a view over local state: the later cooldown, a suspect on either side, the larger usage of the same window, shared latency where none is known here. */
export function mergeShared(local: RouterState, view: SharedHealthView): RouterState {
  const ids = Object.keys(view);
  if (ids.length === 0) return local;
  const deployments = { ...local.deployments };
  for (const id of ids) {
    const shared = view[id] as SharedDeploymentView;
    const mine: DeploymentState = deployments[id] ?? {
      window: shared.usage?.window ?? 0, successes: 0, failures: 0, failuresByClass: {}, rpmUsed: 0, tpmUsed: 0,
      inFlight: 0, cooldownUntil: 0, cooldownReason: null, latency: [], ttft: [],
    };
    const next: DeploymentState = { ...mine };
    if (shared.cooldownUntil > mine.cooldownUntil) {
      next.cooldownUntil = shared.cooldownUntil;
      next.cooldownReason = shared.cooldownReason;
    }
    if (shared.suspect === true) next.suspect = true;
    const usage = shared.usage;
    if (usage !== undefined && usage.window >= mine.window) {
      const same = usage.window === mine.window;
      next.window = usage.window;
      next.rpmUsed = same ? Math.max(mine.rpmUsed, usage.rpmUsed) : usage.rpmUsed;
      next.tpmUsed = same ? Math.max(mine.tpmUsed, usage.tpmUsed) : usage.tpmUsed;
      if (!same) {
        next.successes = 0;
        next.failures = 0;
        next.failuresByClass = {};
      }
    }
    if (mine.latency.length === 0 && shared.latency !== undefined) next.latency = shared.latency;
    if (mine.ttft.length === 0 && shared.ttft !== undefined) next.ttft = shared.ttft;
    if (shared.spend !== undefined) next.spend = mergeSpend(mine.spend, shared.spend);
    deployments[id] = next;
  }
  return { deployments };
}

/** Spend in windows that are still current; undefined when none is. */
function currentSpend(spend: Record<string, SpendWindow>, now: number): Record<string, SpendWindow> | undefined {
  let out: Record<string, SpendWindow> | undefined;
  for (const [key, w] of Object.entries(spend)) {
    if (w.window !== Math.floor(now / Number(key)) || !(w.usd > 0)) continue;
    (out ??= {})[key] = w;
  }
  return out;
}
