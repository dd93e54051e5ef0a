import { Runtime, type LogLevel, type RuntimeOptions } from '@temporalio/worker';
import { routerWorkerLogger } from './worker-logger';
import type { ObservabilitySettings } from './settings';

/** The Runtime options that export worker metrics (task latencies, slots, polls, activity and workflow counts). Undefined when metrics are off. */
export function runtimeTelemetryOptions(settings: ObservabilitySettings): RuntimeOptions['telemetryOptions'] | undefined {
  const m = settings.metrics;
  if (m.kind === 'off') return undefined;
  const common = { metricPrefix: settings.metricPrefix, globalTags: { service_name: settings.serviceName } };
  return {
    metrics: m.kind === 'prometheus'
      ? { ...common, prometheus: { bindAddress: m.bindAddress } }
      : { ...common, otel: { url: m.url, http: m.http } },
  };
}

/**
 * Installs the process-wide Temporal Runtime with metrics when they are on.
 * Must run before the first Worker or NativeConnection is created (the
 * Runtime is created once per process). Returns whether it installed one.
 */
export function installWorkerMetrics(settings: ObservabilitySettings, logLevel: LogLevel = 'WARN'): boolean {
  const telemetryOptions = runtimeTelemetryOptions(settings);
  if (telemetryOptions === undefined) return false;
  Runtime.install({ logger: routerWorkerLogger(logLevel), telemetryOptions });
  return true;
}
