/**
 * The durable path: a request runs as one `routedCompletion` workflow through
 * `DurableRouter.complete`, and comes back in the same shape as the in-process
 * path. A caller that disconnects cancels its workflow. A durable stream is
 * the finished response replayed as chunks (the workflow does not stream).
 */
import { randomUUID } from 'node:crypto';
import type { AttemptRecord } from '../core/types';
import type { RouterRequest } from '../router';
import type { DurableRouter } from '../temporal/client';
import type { Backend, RouteSummary, Served } from './backend';
import type { DurableFailureLike } from './errors-to-wire';
import { GatewayError } from './gateway-error';
import { chunksOfResponse } from './response-chunks';

export interface DurableBackendOptions {
  router: DurableRouter;
  /** Resolves when the Temporal server answers; rejects otherwise. Readiness and startup use it. */
  ready?: () => Promise<void>;
}

interface FailureShape {
  name?: unknown;
  message?: unknown;
  type?: unknown;
  details?: unknown;
  cause?: unknown;
}

interface FailureDetails {
  attempts?: AttemptRecord[];
  earliestAvailableAt?: number | null;
}

class DurableFailure extends Error implements DurableFailureLike {
  readonly durableFailure = true as const;
  constructor(
    readonly errorClass: string,
    message: string,
    readonly attempts: readonly AttemptRecord[],
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Reads a failed routedCompletion back: the workflow fails with an
 * ApplicationFailure whose type is our error class (FallbacksExhaustedError,
 * NoDeploymentsAvailableError, or the one provider class of a request that
 * could not succeed anywhere) and whose first detail holds the attempts.
 */
export function fromWorkflowError(error: unknown, now: number): unknown {
  const e = error as FailureShape | null;
  if (e === null || typeof e !== 'object') return error;
  if (e.name === 'WorkflowFailedError') {
    const cause = e.cause as FailureShape | undefined;
    if (cause && typeof cause.type === 'string') {
      const details = (Array.isArray(cause.details) ? cause.details[0] : undefined) as FailureDetails | undefined;
      const until = details?.earliestAvailableAt;
      const retryAfterMs = typeof until === 'number' ? Math.max(0, until - now) : undefined;
      return new DurableFailure(cause.type, String(cause.message ?? e.message), details?.attempts ?? [], retryAfterMs);
    }
    const reason = cause && typeof cause.message === 'string' ? cause.message : String(e.message);
    return new GatewayError(502, 'durable_unavailable', `durable request did not complete: ${reason}`);
  }
  // A gRPC failure talking to the server, not a routing outcome.
  if (e.name === 'ServiceError' || e.name === 'ConnectionError' || typeof (e as { code?: unknown }).code === 'number') {
    return new GatewayError(503, 'durable_unavailable', `the Temporal server did not accept the durable request: ${String(e.message)}`, { retryAfterMs: 1000 });
  }
  return error;
}

export function durableBackend(options: DurableBackendOptions, now: () => number = Date.now): Backend {
  const durable = options.router;
  const complete = async (request: RouterRequest, signal: AbortSignal): Promise<Served> => {
    const workflowId = `gateway-${randomUUID()}`;
    // The caller is gone: nobody will read the answer, so the workflow is cancelled rather than left to finish.
    const onAbort = () => void durable.handle(workflowId).cancel().catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await durable.complete(request, { workflowId });
      const r = result.routing;
      const route: RouteSummary = {
        path: 'durable',
        requestedGroup: r.requestedGroup,
        group: r.group,
        deployment: r.servedBy,
        model: r.model,
        attempts: r.attempts,
        fallbacks: r.fallbackCount,
        workflowId,
      };
      if (r.costUsd !== undefined) route.costUsd = r.costUsd;
      const { routing: _routing, ...response } = result.response;
      return { response, route };
    } catch (error) {
      throw fromWorkflowError(error, now());
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };
  return {
    path: 'durable',
    complete,
    async *stream(request, signal) {
      const served = await complete(request, signal);
      for (const chunk of chunksOfResponse(served.response)) yield { kind: 'chunk', chunk };
      yield { kind: 'done', route: served.route };
    },
  };
}
