// Opt-in observability: OpenTelemetry traces across client, workflows and
// activities, and Temporal worker metrics (Prometheus or OTLP). Off by default.
export { observabilitySettingsFromEnv, ObservabilitySettingsError, OBSERVABILITY_ENV, DEFAULT_SERVICE_NAME, DEFAULT_METRIC_PREFIX } from './settings';
export type { ObservabilitySettings, TracesSetting } from './settings';
export { runtimeTelemetryOptions, installWorkerMetrics } from './metrics';
export { routerWorkerLogger, routerLogFunction, expectedFailureLine, isExpectedFailureType } from './worker-logger';
export { tracingPlugin } from './tracing';
export type { TracingOptions } from './tracing';
