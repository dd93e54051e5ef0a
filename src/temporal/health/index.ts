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
