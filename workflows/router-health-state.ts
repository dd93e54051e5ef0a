// Pure state transitions and read views of the routerHealth entity. No
// Temporal calls here, so unit tests drive them directly and the entity
// workflow stays a thin shell of handlers around them.
import { emptyRouterState, recordAttemptStart, recordFailure, recordSuccess } from '../src/core';
import type { AppliedCooldown, AttemptResult, DeploymentState, RouterConfig, RouterState } from '../src/core/types';
import {
  DEFAULT_PROBE_BACKOFF_BASE_MS,
  DEFAULT_PROBE_BACKOFF_MAX_MS,
  type CarriedHealth,
  type CooldownView,
  type DeploymentHealthView,
  type LatencyView,
  type ManualAction,
  type OutcomeReport,
  type ProbeReport,
  type UsageView,
} from './router-health-api';

export function emptyHealth(): CarriedHealth {
  return { state: emptyRouterState(), reporters: {}, probeFailures: {}, manual: {}, runs: 0 };
}

/** Applies one attempt to a router state: start and end together, so in-flight stays balanced. */
export function applyAttempt(config: RouterConfig, state: RouterState, deploymentId: string, result: AttemptResult, now: number): { state: RouterState; cooldown: AppliedCooldown | null } {
  const started = recordAttemptStart(config, state, deploymentId, now);
  if (result.ok) {
    const { ok: _ok, ...success } = result;
    return { state: recordSuccess(config, started, deploymentId, success, now), cooldown: null };
  }
  const { ok: _ok, ...failure } = result;
  return recordFailure(config, started, deploymentId, failure, now);
}

export function applyOutcome(config: RouterConfig, health: CarriedHealth, report: OutcomeReport, now: number): { health: CarriedHealth; cooldown: AppliedCooldown | null } {
  const mark = health.reporters[report.reporter];
  // A reporter retried by Temporal may resend; each outcome counts once.
  if (mark !== undefined && report.seq <= mark.seq) return { health, cooldown: null };
  const applied = applyAttempt(config, health.state, report.deploymentId, report.result, now);
  return {
    health: { ...health, state: applied.state, reporters: { ...health.reporters, [report.reporter]: { seq: report.seq, at: now } } },
    cooldown: applied.cooldown,
  };
}

export function probeBackoffMs(consecutiveFailures: number, baseMs = DEFAULT_PROBE_BACKOFF_BASE_MS, maxMs = DEFAULT_PROBE_BACKOFF_MAX_MS): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, consecutiveFailures - 1));
}

function record(config: RouterConfig, state: RouterState, id: string, now: number): DeploymentState {
  // recordAttemptStart's fresh record is what a never-seen deployment looks like; take it without the start.
  return state.deployments[id] ?? { ...recordAttemptStart(config, state, id, now).deployments[id]!, inFlight: 0, rpmUsed: 0 };
}

function withRecord(state: RouterState, id: string, ds: DeploymentState): RouterState {
  return { ...state, deployments: { ...state.deployments, [id]: ds } };
}

/** Back in rotation with a clean slate: the counts that benched it must not bench it again at once. */
function restored(ds: DeploymentState): DeploymentState {
  return { ...ds, cooldownUntil: 0, cooldownReason: null, successes: 0, failures: 0, failuresByClass: {} };
}

/**
 * A probe of a cooling deployment. Success ends the cooldown now; failure
 * keeps it out longer, the extension doubling per consecutive failed probe.
 * A probe of a deployment that is not cooling changes nothing (it raced a restore).
 */
export function applyProbe(
  config: RouterConfig,
  health: CarriedHealth,
  probe: ProbeReport,
  now: number,
  backoff: { baseMs?: number; maxMs?: number } = {},
): CarriedHealth {
  const ds = health.state.deployments[probe.deploymentId];
  const cooling = ds !== undefined && ds.cooldownUntil > now;
  const mark = (restored: boolean) => ({
    ...(health.lastProbe ?? {}),
    [probe.deploymentId]: { at: now, ok: probe.ok, restored, ...(probe.errorClass === undefined ? {} : { errorClass: probe.errorClass }) },
  });
  if (!cooling) {
    return probe.ok ? { ...health, probeFailures: without(health.probeFailures, probe.deploymentId), lastProbe: mark(false) } : { ...health, lastProbe: mark(false) };
  }
  if (probe.ok) {
    return {
      ...health,
      state: withRecord(health.state, probe.deploymentId, restored(ds)),
      probeFailures: without(health.probeFailures, probe.deploymentId),
      lastProbe: mark(true),
    };
  }
  const failures = (health.probeFailures[probe.deploymentId] ?? 0) + 1;
  const until = Math.max(ds.cooldownUntil, now + probeBackoffMs(failures, backoff.baseMs, backoff.maxMs));
  return {
    ...health,
    state: withRecord(health.state, probe.deploymentId, { ...ds, cooldownUntil: until }),
    probeFailures: { ...health.probeFailures, [probe.deploymentId]: failures },
    lastProbe: mark(false),
  };
}

export function manualCooldown(config: RouterConfig, health: CarriedHealth, id: string, durationMs: number, action: ManualAction, now: number): CarriedHealth {
  const ds = record(config, health.state, id, now);
  const next: DeploymentState = {
    ...ds,
    cooldownUntil: now + durationMs,
    cooldownReason: { errorClass: 'ManualCooldown', status: null, rule: 'immediate' },
  };
  return { ...health, state: withRecord(health.state, id, next), manual: { ...health.manual, [id]: action } };
}

export function manualRestore(config: RouterConfig, health: CarriedHealth, id: string, action: ManualAction, now: number): CarriedHealth {
  const ds = record(config, health.state, id, now);
  return {
    ...health,
    state: withRecord(health.state, id, restored(ds)),
    probeFailures: without(health.probeFailures, id),
    manual: { ...health.manual, [id]: action },
  };
}

/** After a config reload: forget deployments that are gone, keep the rest. */
export function keepConfigured(config: RouterConfig, health: CarriedHealth): CarriedHealth {
  const keep = <T>(r: Record<string, T>) => Object.fromEntries(Object.entries(r).filter(([id]) => config.deployments[id] !== undefined));
  return {
    ...health,
    state: { deployments: keep(health.state.deployments) },
    probeFailures: keep(health.probeFailures),
    manual: keep(health.manual),
    ...(health.lastProbe === undefined ? {} : { lastProbe: keep(health.lastProbe) }),
  };
}

export function pruneReporters(health: CarriedHealth, now: number, ttlMs: number): CarriedHealth {
  return { ...health, reporters: Object.fromEntries(Object.entries(health.reporters).filter(([, m]) => now - m.at <= ttlMs)) };
}

function without<T>(r: Record<string, T>, key: string): Record<string, T> {
  if (!(key in r)) return r;
  const { [key]: _gone, ...rest } = r;
  return rest;
}

/** A cheap stable fingerprint (FNV-1a over the JSON), so a routing workflow can tell whether the entity runs its config. */
export function configFingerprint(config: unknown): string {
  const text = JSON.stringify(config);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

// --- Views for queries ------------------------------------------------------

const mean = (xs: readonly { value: number }[]) => (xs.length === 0 ? null : xs.reduce((s, x) => s + x.value, 0) / xs.length);

export function cooldownViews(config: RouterConfig, health: CarriedHealth, now: number): CooldownView[] {
  return Object.entries(health.state.deployments)
    .filter(([, ds]) => ds.cooldownUntil > now)
    .map(([id, ds]) => ({
      deploymentId: id,
      group: config.deployments[id]?.group ?? '',
      until: ds.cooldownUntil,
      remainingMs: ds.cooldownUntil - now,
      reason: ds.cooldownReason,
      manual: health.manual[id]?.action === 'cooldown' && ds.cooldownReason?.errorClass === 'ManualCooldown',
      probeFailures: health.probeFailures[id] ?? 0,
    }))
    .sort((a, b) => a.until - b.until);
}

export function healthViews(config: RouterConfig, health: CarriedHealth, now: number): DeploymentHealthView[] {
  return Object.values(config.deployments).map((d) => {
    const ds = health.state.deployments[d.id];
    const cooling = ds !== undefined && ds.cooldownUntil > now;
    const current = ds !== undefined && ds.window === Math.floor(now / config.settings.routingStrategyArgs.usage.windowMs);
    return {
      deploymentId: d.id,
      group: d.group,
      model: d.model,
      status: cooling ? 'cooling' : 'healthy',
      cooldownUntil: cooling ? ds.cooldownUntil : null,
      cooldownReason: cooling ? ds.cooldownReason : null,
      successes: current ? ds.successes : 0,
      failures: current ? ds.failures : 0,
      failuresByClass: current ? ds.failuresByClass : {},
      probeFailures: health.probeFailures[d.id] ?? 0,
      lastProbe: health.lastProbe?.[d.id] ?? null,
      lastManualAction: health.manual[d.id] ?? null,
    };
  });
}

export function latencyViews(config: RouterConfig, health: CarriedHealth, now: number): LatencyView[] {
  const ttl = config.settings.routingStrategyArgs.latency.ttlMs;
  return Object.values(config.deployments).map((d) => {
    const ds = health.state.deployments[d.id];
    const live = (ds?.latency ?? []).filter((s) => now - s.at <= ttl);
    const ttft = (ds?.ttft ?? []).filter((s) => now - s.at <= ttl);
    return { deploymentId: d.id, samples: live.length, meanMs: mean(live), lastMs: live[live.length - 1]?.value ?? null, meanTtftMs: mean(ttft) };
  });
}

export function usageViews(config: RouterConfig, health: CarriedHealth, now: number): UsageView[] {
  const windowMs = config.settings.routingStrategyArgs.usage.windowMs;
  const window = Math.floor(now / windowMs);
  return Object.values(config.deployments).map((d) => {
    const ds = health.state.deployments[d.id];
    const current = ds !== undefined && ds.window === window;
    return {
      deploymentId: d.id,
      windowStart: window * windowMs,
      rpmUsed: current ? ds.rpmUsed : 0,
      tpmUsed: current ? ds.tpmUsed : 0,
      rpm: d.rpm ?? null,
      tpm: d.tpm ?? null,
    };
  });
}
