import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { createActivities } from '../../../activities';
import { createProviderRegistry } from '../../../src/providers';
import {
  ObservabilitySettingsError,
  observabilitySettingsFromEnv,
  runtimeTelemetryOptions,
  tracingPlugin,
} from '../../../src/temporal/observability';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { routerBundleOptions } from '../../../src/temporal/worker';
import type { RoutedCompletionInput } from '../../../workflows';
import { FAKE_KEY_ENV, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

// Tracing and metrics settings of the shared-health deployment: off unless
// asked for, and a routed completion with shared health traced end to end.
let ctx: TemporalTestContext;
let fake: FakeProviderServer;

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
});
afterAll(async () => {
  await fake.close();
  await ctx.close();
});

test('observability is off by default; each setting is validated with the variable named', () => {
  const off = observabilitySettingsFromEnv({});
  expect(off).toMatchObject({ traces: 'off', metrics: { kind: 'off' }, serviceName: 'llm-router' });
  expect(runtimeTelemetryOptions(off)).toBeUndefined();
  expect(tracingPlugin(off)).toBeNull();

  const prom = observabilitySettingsFromEnv({ LLM_ROUTER_METRICS_PROMETHEUS: '127.0.0.1:9464', LLM_ROUTER_SERVICE_NAME: 'router-eu' });
  expect(runtimeTelemetryOptions(prom)).toEqual({
    metrics: { metricPrefix: 'temporal_', globalTags: { service_name: 'router-eu' }, prometheus: { bindAddress: '127.0.0.1:9464' } },
  });
  const otlp = observabilitySettingsFromEnv({ LLM_ROUTER_METRICS_OTLP: 'http://collector:4318', LLM_ROUTER_METRICS_OTLP_HTTP: '1' });
  expect(runtimeTelemetryOptions(otlp)?.metrics).toMatchObject({ otel: { url: 'http://collector:4318', http: true } });
  expect(tracingPlugin(observabilitySettingsFromEnv({ LLM_ROUTER_TRACES: 'console' }))).not.toBeNull();

  expect(() => observabilitySettingsFromEnv({ LLM_ROUTER_TRACES: 'jaeger' })).toThrow('LLM_ROUTER_TRACES: "jaeger" is not one of off, console');
  expect(() => observabilitySettingsFromEnv({ LLM_ROUTER_METRICS_PROMETHEUS: '9464' })).toThrow('LLM_ROUTER_METRICS_PROMETHEUS: "9464" is not host:port');
  expect(() => observabilitySettingsFromEnv({ LLM_ROUTER_METRICS_PROMETHEUS: 'a:1', LLM_ROUTER_METRICS_OTLP: 'http://c:4317' })).toThrow(ObservabilitySettingsError);
});

test('with tracing on, one trace covers the client start, the workflow and the provider call; the health agent traces apart', async () => {
  const exporter = new InMemorySpanExporter();
  const plugin = tracingPlugin(undefined, { spanProcessor: new SimpleSpanProcessor(exporter), serviceName: 'llm-router-test' })!;
  // Workflow spans come from interceptors inside the bundle, so this worker gets its own.
  const { code } = await bundleWorkflowCode({
    ...routerBundleOptions(),
    plugins: [plugin],
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  });
  const worker = await Worker.create({
    connection: ctx.nativeConnection,
    taskQueue: ctx.taskQueue,
    workflowBundle: { code },
    activities: createActivities({ providers: createProviderRegistry({ env: { [FAKE_KEY_ENV]: 'sk-trace' } }) }),
    plugins: [plugin],
  });
  const client = new Client({ connection: ctx.connection, plugins: [plugin] });
  const input: RoutedCompletionInput = {
    config: fakeRouterConfig(fake, [{ id: 'dep-a', group: 'chat' }]),
    request: { model: 'chat', messages: [{ role: 'user', content: 'trace me' }] },
    options: { sharedHealth: { routerName: uniqueWorkflowId('traced') } },
  };
  await worker.runUntil(client.workflow.execute('routedCompletion', { taskQueue: ctx.taskQueue, workflowId: uniqueWorkflowId('traced'), args: [input] }));

  const spans = exporter.getFinishedSpans();
  const names = spans.map((s) => s.name);
  const byName = (name: string) => spans.find((s) => s.name === name)!;
  const request = ['StartWorkflow:routedCompletion', 'RunWorkflow:routedCompletion', 'StartActivity:callDeployment', 'RunActivity:callDeployment'];
  expect(names).toEqual(expect.arrayContaining(request));
  // One trace: context crossed client → workflow → activity through Temporal headers.
  expect(new Set(spans.filter((s) => request.includes(s.name)).map((s) => s.spanContext().traceId)).size).toBe(1);
  // The worker's health agent reads and reports to the entity in traces of its own, not any one request's.
  const agentSpans = spans.filter((s) => s.name === 'QueryWorkflow:snapshot' || s.name === 'SignalWorkflow:reportOutcomes');
  expect(agentSpans.length).toBeGreaterThan(0);
  const requestTrace = byName('RunActivity:callDeployment').spanContext().traceId;
  expect(agentSpans.every((s) => s.spanContext().traceId !== requestTrace)).toBe(true);
  expect(byName('RunWorkflow:routedCompletion').parentSpanId).toBe(byName('StartWorkflow:routedCompletion').spanContext().spanId);
  expect(spans.find((s) => s.name === 'RunWorkflow:routedCompletion')?.resource.attributes['service.name']).toBe('llm-router-test');
});
