// Observability is off by default. Each part is turned on by one environment
// variable (or the same field passed in code), so a deployment opts in
// without a config file change:
//
//   LLM_ROUTER_TRACES=console              workflow, activity and client spans, JSON lines on stderr
//   LLM_ROUTER_METRICS_PROMETHEUS=127.0.0.1:9464   worker metrics scraped at /metrics
//   LLM_ROUTER_METRICS_OTLP=http://collector:4317  worker metrics pushed over OTLP (gRPC; add LLM_ROUTER_METRICS_OTLP_HTTP=1 for HTTP)
//   LLM_ROUTER_SERVICE_NAME=llm-router     service.name on spans and metrics
//
// Spans to an OTLP collector: pass your own SpanProcessor in code (see
// docs/observability.md); no exporter package is bundled.

export const OBSERVABILITY_ENV = {
  traces: 'LLM_ROUTER_TRACES',
  prometheus: 'LLM_ROUTER_METRICS_PROMETHEUS',
  otlpMetrics: 'LLM_ROUTER_METRICS_OTLP',
  otlpMetricsHttp: 'LLM_ROUTER_METRICS_OTLP_HTTP',
  serviceName: 'LLM_ROUTER_SERVICE_NAME',
  metricPrefix: 'LLM_ROUTER_METRICS_PREFIX',
} as const;

export const DEFAULT_SERVICE_NAME = 'llm-router';
/** Temporal's own metric names get this prefix, so they sort together with ours. */
export const DEFAULT_METRIC_PREFIX = 'temporal_';

export type TracesSetting = 'off' | 'console';

export interface ObservabilitySettings {
  traces: TracesSetting;
  metrics: { kind: 'off' } | { kind: 'prometheus'; bindAddress: string } | { kind: 'otlp'; url: string; http: boolean };
  serviceName: string;
  metricPrefix: string;
}

export class ObservabilitySettingsError extends Error {
  override readonly name = 'ObservabilitySettingsError';
}

export function observabilitySettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ObservabilitySettings {
  const problems: string[] = [];
  const traces = (env[OBSERVABILITY_ENV.traces] ?? 'off').trim().toLowerCase() || 'off';
  if (traces !== 'off' && traces !== 'console') problems.push(`${OBSERVABILITY_ENV.traces}: "${traces}" is not one of off, console`);
  const prometheus = env[OBSERVABILITY_ENV.prometheus]?.trim();
  const otlp = env[OBSERVABILITY_ENV.otlpMetrics]?.trim();
  if (prometheus && otlp) problems.push(`${OBSERVABILITY_ENV.prometheus} and ${OBSERVABILITY_ENV.otlpMetrics}: set one metrics exporter, not both`);
  if (prometheus && !/^[^\s:]+:\d{1,5}$/.test(prometheus)) problems.push(`${OBSERVABILITY_ENV.prometheus}: "${prometheus}" is not host:port`);
  if (otlp && !/^https?:\/\/\S+$/.test(otlp)) problems.push(`${OBSERVABILITY_ENV.otlpMetrics}: "${otlp}" is not an http(s) URL`);
  if (problems.length > 0) throw new ObservabilitySettingsError(problems.join('\n'));
  return {
    traces: traces as TracesSetting,
    metrics: prometheus
      ? { kind: 'prometheus', bindAddress: prometheus }
      : otlp
        ? { kind: 'otlp', url: otlp, http: ['1', 'true', 'yes'].includes((env[OBSERVABILITY_ENV.otlpMetricsHttp] ?? '').toLowerCase()) }
        : { kind: 'off' },
    serviceName: env[OBSERVABILITY_ENV.serviceName]?.trim() || DEFAULT_SERVICE_NAME,
    metricPrefix: env[OBSERVABILITY_ENV.metricPrefix] ?? DEFAULT_METRIC_PREFIX,
  };
}
