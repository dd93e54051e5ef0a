import { ApplicationFailure } from '@temporalio/common';
import { createError } from '../../../src/errors';
import { routerWorkerLogger } from '../../../src/temporal/observability/worker-logger';
import { documentFailure, toApplicationFailure } from '../../../src/temporal/to-application-failure';

function capture(level: 'INFO' | 'WARN' = 'INFO') {
  const lines: string[] = [];
  return { logger: routerWorkerLogger(level, (l) => lines.push(l)), lines };
}

const activityMeta = { workflowId: 'completion-1', activityType: 'callDeployment', attempt: 1 };

test('an expected provider failure is one line: class, status, deployment, hop, workflow; no stack', () => {
  const { logger, lines } = capture();
  const err = createError('ServiceUnavailableError', 'primary: 503 Service Unavailable\nupstream said: down', { status: 503, deployment: 'primary', provider: 'openai' });
  logger.warn('Activity failed', { ...activityMeta, error: toApplicationFailure(err, undefined, 2), durationMs: 12 });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^\S+ \[WARN\] hop failed: ServiceUnavailableError 503, deployment primary, hop #2, workflow completion-1: primary: 503 Service Unavailable upstream said: down\n$/);
  expect(lines[0]?.split('\n').filter(Boolean)).toHaveLength(1);
});

test('a document the batch reports and a request that gave up are one line each', () => {
  const { logger, lines } = capture();
  logger.warn('Activity failed', { ...activityMeta, error: documentFailure('InvalidDocumentError', 'a.bin: binary content (NUL bytes), not text') });
  // A workflow's record arrives as a plain copy of the failure (no prototype), as the sandbox's log sink delivers it.
  logger.warn('Workflow failed', { workflowId: 'completion-2', error: { type: 'FallbacksExhaustedError', message: 'every deployment failed', details: [] } });
  expect(lines.map((l) => l.replace(/^\S+ /, ''))).toEqual([
    '[WARN] hop failed: InvalidDocumentError, workflow completion-1: a.bin: binary content (NUL bytes), not text\n',
    '[WARN] request gave up: FallbacksExhaustedError, workflow completion-2: every deployment failed\n',
  ]);
});

test('a bug keeps its stack trace', () => {
  const { logger, lines } = capture();
  const bug = new TypeError("Cannot read properties of undefined (reading 'choices')");
  logger.warn('Activity failed', { ...activityMeta, error: bug });
  logger.warn('Activity failed', { ...activityMeta, error: ApplicationFailure.create({ type: 'SomethingUnexpected', message: 'boom' }) });
  expect(lines).toHaveLength(2);
  expect(lines[0]).toContain('Activity failed');
  expect(lines[0]).toContain("TypeError: Cannot read properties of undefined (reading 'choices')");
  expect(lines[0]).toMatch(/\n\s+at /);
  expect(lines[1]).toContain('SomethingUnexpected');
});

test('the level filters as the SDK logger does', () => {
  const { logger, lines } = capture('WARN');
  logger.info('Worker state changed', { state: 'RUNNING' });
  logger.warn('Activity failed', { ...activityMeta, error: documentFailure('EmptyDocumentError', 'a.txt: document a is empty') });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('hop failed: EmptyDocumentError');
});
