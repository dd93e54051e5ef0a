// The worker's log: an expected provider failure (a 503, a 429, a missing key)
// or a document the batch reports is one WARN line naming class, status,
// deployment and hop; a stack trace is printed only for what is not one of
// our error classes, i.e. a bug.
import type { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, type LogEntry, type LogLevel, type LogMetadata } from '@temporalio/worker';
import { inspect } from 'node:util';
import { ERROR_BEHAVIOUR } from '../../errors/table';

/** Failures of the input itself, reported per document (see activities/call-deployment.ts). */
const DOCUMENT_ERRORS = new Set(['DocumentNotFoundError', 'DocumentUnreadableError', 'InvalidDocumentError', 'EmptyDocumentError', 'DocumentTooLargeError']);

/** Failure types the router expects and handles: the error table's classes and the per-document ones. */
export function isExpectedFailureType(type: string | null | undefined): boolean {
  return type != null && (type in ERROR_BEHAVIOUR || DOCUMENT_ERRORS.has(type));
}

function field(meta: LogMetadata | undefined, key: string): string | undefined {
  const value = meta?.[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/**
 * One line for an expected activity failure, or undefined when the record is
 * anything else (printed as the SDK prints it, stack included).
 */
export function expectedFailureLine(entry: Pick<LogEntry, 'message' | 'meta'>): string | undefined {
  const what = entry.message === 'Activity failed' ? 'hop failed' : entry.message === 'Workflow failed' ? 'request gave up' : undefined;
  if (what === undefined) return undefined;
  // A workflow's log record crosses the sandbox boundary as a plain copy: match by shape, not instanceof.
  const error = entry.meta?.error as Partial<Pick<ApplicationFailure, 'type' | 'message' | 'details'>> | undefined;
  if (typeof error !== 'object' || error === null || !isExpectedFailureType(error.type) || typeof error.message !== 'string') return undefined;
  const details = (Array.isArray(error.details) ? error.details[0] : undefined) as { status?: unknown; deployment?: unknown; hop?: unknown } | undefined;
  const parts = [
    `${String(error.type)}${typeof details?.status === 'number' ? ` ${details.status}` : ''}`,
    typeof details?.deployment === 'string' ? `deployment ${details.deployment}` : undefined,
    typeof details?.hop === 'number' ? `hop #${details.hop}` : undefined,
    field(entry.meta, 'workflowId') === undefined ? undefined : `workflow ${field(entry.meta, 'workflowId')}`,
  ].filter((p) => p !== undefined);
  // A provider's message may span lines; the log keeps one per failure.
  return `${what}: ${parts.join(', ')}: ${error.message.replace(/\s*\n\s*/g, ' ')}`;
}

function stamp(nanos: bigint): string {
  return new Date(Number(nanos / 1_000_000n)).toISOString();
}

/** Writes log records to stderr: expected failures as one line, everything else with its metadata (stack traces of bugs included). */
export function routerLogFunction(write: (line: string) => void = (line) => process.stderr.write(line)): (entry: LogEntry) => void {
  return (entry) => {
    const line = expectedFailureLine(entry);
    if (line !== undefined) return write(`${stamp(entry.timestampNanos)} [${entry.level}] ${line}\n`);
    const meta = entry.meta === undefined ? '' : ` ${inspect(entry.meta, { depth: 4, breakLength: Infinity })}`;
    write(`${stamp(entry.timestampNanos)} [${entry.level}] ${entry.message}${meta}\n`);
  };
}

/** The Runtime logger of `llm-router worker`: `Runtime.install({ logger: routerWorkerLogger('INFO') })`. */
export function routerWorkerLogger(level: LogLevel = 'INFO', write?: (line: string) => void): DefaultLogger {
  return new DefaultLogger(level, routerLogFunction(write));
}
