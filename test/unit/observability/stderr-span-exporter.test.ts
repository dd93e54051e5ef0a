import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { StderrSpanExporter } from '../../../src/temporal/observability/stderr-span-exporter';

test('console tracing writes each ended span as one JSON line, parent linked, through the given writer', () => {
  const lines: string[] = [];
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new StderrSpanExporter((l) => lines.push(l)))] });
  const tracer = provider.getTracer('t');
  const parent = tracer.startSpan('RunWorkflow:routedCompletion');
  const child = tracer.startSpan('RunActivity:callDeployment', {}, trace.setSpan(ROOT_CONTEXT, parent));
  child.setAttribute('llm.deployment', 'gpt');
  child.end();
  parent.end();
  expect(lines).toHaveLength(2);
  expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
  const [childLine, parentLine] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(childLine).toMatchObject({ name: 'RunActivity:callDeployment', attributes: { 'llm.deployment': 'gpt' }, traceId: parentLine?.traceId, parentSpanId: parentLine?.spanId });
  expect(parentLine).not.toHaveProperty('parentSpanId');
  expect(typeof childLine?.durationUs).toBe('number');
});
