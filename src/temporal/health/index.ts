// Client side of shared router health: start or reconfigure the routerHealth
// entity, read it (`llm-router health`), operate on it, and schedule probes.
export { ensureRouterHealth, routerHealthHandle, getRouterHealthReport, cooldownDeployment, restoreDeployment } from './client';
export type { EnsureRouterHealthOptions, RouterHealthReport } from './client';
export {
  routerHealthWorkflowId,
  ROUTER_HEALTH_WORKFLOW_TYPE,
  DEFAULT_HEALTH_MAX_HISTORY_EVENTS,
  DEFAULT_PROBE_BACKOFF_BASE_MS,
  DEFAULT_PROBE_BACKOFF_MAX_MS,
} from '../../../workflows/router-health-api';
export type {
  CooldownView,
  DeploymentHealthView,
  LatencyView,
  UsageView,
  ManualCooldownRequest,
  ManualRestoreRequest,
  HealthSnapshot,
  OutcomeReport,
  ProbeReport,
} from '../../../workflows/router-health-api';
export { createHealthProbeSchedule, healthProbeScheduleId, DEFAULT_PROBE_INTERVAL } from './probe-schedule';
export type { HealthProbeScheduleOptions } from './probe-schedule';
export { HEALTH_PROBE_WORKFLOW_TYPE, DEFAULT_PROBE_TIMEOUT_MS } from '../../../workflows/health-probe';
export type { HealthProbeInput, HealthProbeResult } from '../../../workflows/health-probe';
export { DEFAULT_PROBE_PROMPT, DEFAULT_PROBE_MAX_TOKENS } from '../../../activities/probe-deployment';
export { healthAgentSource, DEFAULT_FRESH_READ_WAIT_MS } from './router-source';
export type { HealthAgentSourceOptions } from './router-source';
