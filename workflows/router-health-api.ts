// The routerHealth entity workflow's contract: ids, messages and the shapes
// they carry. Imported by workflow code (the entity and the routing hook) and
// by client code (CLI, probes, tests), so it holds definitions only.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AttemptResult, CooldownReason, RouterConfig, RouterState } from '../src/core/types';

export const ROUTER_HEALTH_WORKFLOW_TYPE = 'routerHealth';
const ID_PREFIX = 'router-health:';

/** One entity per router name; the id is derived, so every process finds the same workflow. */
export function routerHealthWorkflowId(routerName: string): string {
  return `${ID_PREFIX}${routerName}`;
}

/** Run well below Temporal's 10,240-event warning, so replays after a worker crash stay quick. */
export const DEFAULT_HEALTH_MAX_HISTORY_EVENTS = 4_000;
/** Reporters not heard from for this long are forgotten at continue-as-new. */
export const DEFAULT_REPORTER_TTL_MS = 3_600_000;
/** A failed probe extends the cooldown by this, doubled per consecutive failure... */
export const DEFAULT_PROBE_BACKOFF_BASE_MS = 5_000;
/** ...up to this. */
export const DEFAULT_PROBE_BACKOFF_MAX_MS = 300_000;

export interface RouterHealthInput {
  routerName: string;
  config: RouterConfig;
  /** Carried by continue-as-new; a fresh entity starts empty. */
  carried?: CarriedHealth;
  /** Continue-as-new once history reaches this many events (or when the server suggests it). */
  maxHistoryEvents?: number;
  probeBackoff?: { baseMs?: number; maxMs?: number };
}

export interface ReporterMark {
  /** Highest outcome sequence number applied from this reporter. */
  seq: number;
  at: number;
}

export interface CarriedHealth {
  state: RouterState;
  /** Reporter (routing workflow id) → what has been applied from it. */
  reporters: Record<string, ReporterMark>;
  /** Consecutive failed probes per deployment, for the probe backoff. */
  probeFailures: Record<string, number>;
  manual: Record<string, ManualAction>;
  /** Latest probe per deployment (absent in state carried by older runs). */
  lastProbe?: Record<string, ProbeMark>;
  runs: number;
}

export interface ProbeMark {
  at: number;
  ok: boolean;
  errorClass?: string;
  /** True when this probe ended a cooldown early. */
  restored: boolean;
}

export interface ManualAction {
  action: 'cooldown' | 'restore';
  at: number;
  by?: string;
  note?: string;
}

// --- Signals -----------------------------------------------------------------

/** One finished attempt, as the routing workflow saw it. */
export interface OutcomeReport {
  reporter: string;
  /** 1, 2, 3… per reporter: lets the reporter know which of its outcomes a snapshot already includes. */
  seq: number;
  deploymentId: string;
  result: AttemptResult;
  /** Reporter's workflow time at the outcome. */
  at: number;
}

export interface ProbeReport {
  deploymentId: string;
  ok: boolean;
  errorClass?: string;
  status?: number;
  latencyMs?: number;
}

export const reportOutcomeSignal = defineSignal<[OutcomeReport]>('reportOutcome');
/** Several outcomes in one history event (what the routing hook's snapshot read ships). */
export const reportOutcomesSignal = defineSignal<[OutcomeReport[]]>('reportOutcomes');
export const reportProbeSignal = defineSignal<[ProbeReport]>('reportProbe');
/** Replaces the routing tables (a config reload); state of deployments that stay is kept. */
export const configureSignal = defineSignal<[RouterConfig]>('configure');

// --- Queries -----------------------------------------------------------------

export interface HealthSnapshot {
  routerName: string;
  state: RouterState;
  configFingerprint: string;
  /** Highest seq applied for the asking reporter (0 when none or not asked). */
  seenSeq: number;
  at: number;
}

export interface CooldownView {
  deploymentId: string;
  group: string;
  until: number;
  remainingMs: number;
  reason: CooldownReason | null;
  /** Set when an operator cooled it down by hand. */
  manual: boolean;
  probeFailures: number;
}

export interface DeploymentHealthView {
  deploymentId: string;
  group: string;
  model: string;
  status: 'healthy' | 'cooling';
  cooldownUntil: number | null;
  cooldownReason: CooldownReason | null;
  successes: number;
  failures: number;
  failuresByClass: Record<string, number>;
  probeFailures: number;
  lastProbe: ProbeMark | null;
  lastManualAction: ManualAction | null;
}

export interface LatencyView {
  deploymentId: string;
  samples: number;
  /** Mean of live samples, ms per output token (ms when tokens are unknown). */
  meanMs: number | null;
  lastMs: number | null;
  meanTtftMs: number | null;
}

export interface UsageView {
  deploymentId: string;
  /** Start of the current usage window, epoch ms. */
  windowStart: number;
  rpmUsed: number;
  tpmUsed: number;
  rpm: number | null;
  tpm: number | null;
}

export const snapshotQuery = defineQuery<HealthSnapshot, [reporter?: string]>('snapshot');
/** The routing tables the entity applies outcomes with (health agents judge their own not-yet-shared outcomes by them). */
export const configQuery = defineQuery<RouterConfig>('config');
export const cooldownsQuery = defineQuery<CooldownView[]>('cooldowns');
export const healthQuery = defineQuery<DeploymentHealthView[]>('health');
export const latencyQuery = defineQuery<LatencyView[]>('latency');
export const usageQuery = defineQuery<UsageView[]>('usage');

// --- Updates -----------------------------------------------------------------

export interface ManualCooldownRequest {
  deploymentId: string;
  /** How long to keep it out of rotation. */
  durationMs: number;
  by?: string;
  note?: string;
}

export interface ManualRestoreRequest {
  deploymentId: string;
  by?: string;
  note?: string;
}

/** Operator: take a deployment out of rotation now. Rejected (not written to history) for an unknown id or a non-positive duration. */
export const cooldownUpdate = defineUpdate<CooldownView, [ManualCooldownRequest]>('cooldown');
/** Operator: put a deployment back now. Rejected for an unknown id. */
export const restoreUpdate = defineUpdate<DeploymentHealthView, [ManualRestoreRequest]>('restore');
