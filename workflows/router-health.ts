// routerHealth: one long-lived entity per router name holding the shared
// RouterState for every deployment, so a cooldown learned by one routing
// workflow protects all of them. Routing workflows report outcomes by signal
// and read a snapshot by query (see docs/health.md for why not an Update);
// operators cool down or restore deployments through validated Updates.
import { allHandlersFinished, condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { RouterConfig } from '../src/core/types';
import {
  configQuery,
  configureSignal,
  cooldownsQuery,
  cooldownUpdate,
  DEFAULT_HEALTH_MAX_HISTORY_EVENTS,
  DEFAULT_REPORTER_TTL_MS,
  healthQuery,
  latencyQuery,
  reportOutcomeSignal,
  reportOutcomesSignal,
  reportProbeSignal,
  restoreUpdate,
  snapshotQuery,
  usageQuery,
  type CarriedHealth,
  type OutcomeReport,
  type RouterHealthInput,
} from './router-health-api';
import {
  applyOutcome,
  applyProbe,
  configFingerprint,
  cooldownViews,
  emptyHealth,
  healthViews,
  keepConfigured,
  latencyViews,
  manualCooldown,
  manualRestore,
  pruneReporters,
  usageViews,
} from './router-health-state';

export async function routerHealth(input: RouterHealthInput): Promise<never> {
  let config: RouterConfig = input.config;
  let fingerprint = configFingerprint(config);
  let health: CarriedHealth = input.carried ?? emptyHealth();
  const maxEvents = input.maxHistoryEvents ?? DEFAULT_HEALTH_MAX_HISTORY_EVENTS;
  // Runs that started before budgets keep their state as it was: spend is counted from the next run on.
  const countSpend = patched('provider-budgets');
  const admitted = (report: OutcomeReport): OutcomeReport => (countSpend ? report : withoutCost(report));

  // --- Signals ---
  setHandler(reportOutcomeSignal, (report) => {
    health = applyOutcome(config, health, admitted(report), outcomeTime(report)).health;
  });
  setHandler(reportOutcomesSignal, (reports) => {
    for (const report of reports) health = applyOutcome(config, health, admitted(report), outcomeTime(report)).health;
  });
  setHandler(reportProbeSignal, (probe) => {
    health = applyProbe(config, health, probe, Date.now(), input.probeBackoff);
  });
  setHandler(configureSignal, (next) => {
    config = next;
    fingerprint = configFingerprint(next);
    health = keepConfigured(next, health);
  });

  // --- Queries --- (Date.now() in a query is the last workflow task's time; good enough to show remaining cooldown)
  setHandler(snapshotQuery, (reporter) => ({
    routerName: input.routerName,
    state: health.state,
    configFingerprint: fingerprint,
    seenSeq: reporter === undefined ? 0 : (health.reporters[reporter]?.seq ?? 0),
    at: Date.now(),
  }));
  setHandler(configQuery, () => config);
  setHandler(cooldownsQuery, () => cooldownViews(config, health, Date.now()));
  setHandler(healthQuery, () => healthViews(config, health, Date.now()));
  setHandler(latencyQuery, () => latencyViews(config, health, Date.now()));
  setHandler(usageQuery, () => usageViews(config, health, Date.now()));

  // --- Updates ---
  const knownDeployment = (id: string) => {
    if (config.deployments[id] === undefined) {
      throw new Error(`unknown deployment "${id}"; known: ${Object.keys(config.deployments).join(', ') || '(none)'}`);
    }
  };
  setHandler(
    cooldownUpdate,
    (req) => {
      const now = Date.now();
      health = manualCooldown(config, health, req.deploymentId, req.durationMs, { action: 'cooldown', at: now, ...by(req) }, now);
      return cooldownViews(config, health, now).find((c) => c.deploymentId === req.deploymentId)!;
    },
    {
      validator: (req) => {
        knownDeployment(req.deploymentId);
        if (!(Number.isFinite(req.durationMs) && req.durationMs > 0)) throw new Error(`durationMs must be a positive number of milliseconds, got ${req.durationMs}`);
      },
    },
  );
  setHandler(
    restoreUpdate,
    (req) => {
      const now = Date.now();
      health = manualRestore(config, health, req.deploymentId, { action: 'restore', at: now, ...by(req) }, now);
      return healthViews(config, health, now).find((h) => h.deploymentId === req.deploymentId)!;
    },
    { validator: (req) => knownDeployment(req.deploymentId) },
  );

  // Nothing to do but serve messages; hand over to a fresh run before history gets long.
  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= maxEvents);
  await condition(allHandlersFinished);
  const now = Date.now();
  return continueAsNew<typeof routerHealth>({
    ...input,
    config,
    carried: { ...pruneReporters(health, now, DEFAULT_REPORTER_TTL_MS), runs: health.runs + 1 },
  });
}

/**
 * An outcome counts from when it happened, not from when the entity heard of
 * it: a cooldown for a Retry-After then ends when the reporter's own retry is
 * due, not a signal's trip later (never in the entity's future).
 */
function outcomeTime(report: { at: number }): number {
  const now = Date.now();
  return Number.isFinite(report.at) ? Math.min(report.at, now) : now;
}

function by(req: { by?: string; note?: string }): { by?: string; note?: string } {
  return { ...(req.by === undefined ? {} : { by: req.by }), ...(req.note === undefined ? {} : { note: req.note }) };
}

function withoutCost(report: OutcomeReport): OutcomeReport {
  if (!report.result.ok || report.result.costUsd === undefined) return report;
  const { costUsd: _cost, ...result } = report.result;
  return { ...report, result };
}
