import { context, propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import { AsyncLocalStorageContextManager } from './context-manager';
import { StderrSpanExporter } from './stderr-span-exporter';
import type { ObservabilitySettings } from './settings';

export interface TracingOptions {
  /** Where spans go; default from settings (`console`: JSON lines on stderr). Pass e.g. a BatchSpanProcessor over an OTLP exporter. */
  spanProcessor?: SpanProcessor;
  serviceName?: string;
}

/**
 * One plugin for both sides: give it to `new Client({ plugins })` (spans for
 * StartWorkflow, SignalWorkflow, Query… whose context travels in Temporal
 * headers) and to `Worker.create({ plugins })` (RunWorkflow, StartActivity,
 * RunActivity). A worker that bundles its workflows at start gets the
 * workflow interceptors from the plugin; a prebuilt bundle must pass the same
 * plugin to `bundleWorkflowCode({ plugins })`. Null when tracing is off, so
 * callers can write `plugins: [tracingPlugin(settings)].filter(Boolean)`.
 */
export function tracingPlugin(settings: ObservabilitySettings | undefined, options: TracingOptions = {}): OpenTelemetryPlugin | null {
  const spanProcessor = options.spanProcessor ?? (settings?.traces === 'console' ? new SimpleSpanProcessor(new StderrSpanExporter()) : null);
  if (spanProcessor === null) return null;
  const resource = new Resource({ 'service.name': options.serviceName ?? settings?.serviceName ?? 'llm-router' });
  // Client and activity spans come from this tracer (workflow spans reach the
  // processor through a sink), so one processor sees the whole trace without
  // touching the process-global tracer provider.
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // The interceptors carry span context in Temporal headers through the
  // global propagator and context manager, both no-ops until set. An
  // application that already set its own keeps them (the API refuses a second).
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager());
  return new OpenTelemetryPlugin({ resource, spanProcessor, tracer: provider.getTracer('temporal-llm-router') });
}
