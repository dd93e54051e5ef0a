/**
 * The durable path: a request runs as one `routedCompletion` workflow through
 * `DurableRouter.complete`, and comes back in the same shape as the in-process
 * path. A caller that disconnects cancels its workflow. A durable stream is
 * the finished response replayed as chunks (the workflow does not stream).
 */
import { randomUUID } from 'node:crypto';
import type { RouterRequest } from '../router';
import type { DurableRouter } from '../temporal/client';
import { summaryOf, type Backend, type RouteSummary, type Served } from './backend';
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
  cause?: unknown;
  code?: unknown;
}

/**
 * What a failed durable request means for the caller. DurableRouter already
 * raises the router's own errors (the provider's class, FallbacksExhaustedError,
 * NoDeploymentsAvailableError), which the wire mapping handles as for the
 * in-process path; what is left is the workflow failing for another reason,
 * or the Temporal server not answering.
 */
export function fromWorkflowError(error: unknown): unknown {
  const e = error as FailureShape | null;
  if (e === null || typeof e !== 'object') return error;
  if (e.name === 'WorkflowFailedError') {
    const cause = e.cause as FailureShape | undefined;
    const reason = cause && typeof cause.message === 'string' ? cause.message : String(e.message);
    return new GatewayError(502, 'durable_unavailable', `durable request did not complete: ${reason}`);
  }
  // A gRPC failure talking to the server, not a routing outcome.
  if (e.name === 'ServiceError' || e.name === 'ConnectionError' || typeof e.code === 'number') {
    return new GatewayError(503, 'durable_unavailable', `the Temporal server did not accept the durable request: ${String(e.message)}`, { retryAfterMs: 1000 });
  }
  return error;
}

export function durableBackend(options: DurableBackendOptions): Backend {
  const durable = options.router;
  const complete = async (request: RouterRequest, signal: AbortSignal): Promise<Served> => {
    const workflowId = `gateway-${randomUUID()}`;
    // The caller is gone: nobody will read the answer, so the workflow is cancelled rather than left to finish.
    const onAbort = () => void durable.handle(workflowId).cancel().catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      // A caller is waiting: latency mode (local-activity hops) unless the group's durable_settings says otherwise.
      const result = await durable.complete(request, { workflowId, defaultDurability: 'latency' });
      const route: RouteSummary = { ...summaryOf(result.routing), path: 'durable', workflowId };
      const { routing: _routing, ...response } = result.response;
      return { response, route };
    } catch (error) {
      throw fromWorkflowError(error);
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
