/**
 * What the routes call: one completion or one stream, served by the
 * in-process Router (this file) or by a durable routedCompletion workflow
 * (durable.ts). Both return the OpenAI-shaped response and a summary of the
 * route, so the wire formats and headers never depend on the path taken.
 */
import type { ChatChunk, ChatResponse } from '../providers/types';
import type { RoutingMetadata } from '../core/types';
import type { Router, RouterRequest } from '../router';
import type { ServedPath } from './metrics';

/** Where a response came from, as the `x-llm-router-*` headers report it. */
export interface RouteSummary {
  path: ServedPath;
  requestedGroup: string;
  /** The group that served (differs after a fallback). */
  group: string;
  deployment: string;
  /** Provider-side model that answered. */
  model: string;
  /** Provider calls made, the successful one included. */
  attempts: number;
  fallbacks: number;
  costUsd?: number;
  /** The routedCompletion workflow, on the durable path. */
  workflowId?: string;
}

export interface Served {
  response: ChatResponse;
  route: RouteSummary;
}

/** A stream as the routes consume it: OpenAI chunks (never carrying routing metadata), then one `done`. */
export type StreamEvent = { kind: 'chunk'; chunk: ChatChunk } | { kind: 'done'; route: RouteSummary };

export interface Backend {
  readonly path: ServedPath;
  complete(request: RouterRequest, signal: AbortSignal): Promise<Served>;
  stream(request: RouterRequest, signal: AbortSignal): AsyncGenerator<StreamEvent, void, undefined>;
}

export function summaryOf(routing: RoutingMetadata): RouteSummary {
  const summary: RouteSummary = {
    path: 'in-process',
    requestedGroup: routing.requestedGroup,
    group: routing.group,
    deployment: routing.deployment,
    model: routing.model,
    attempts: routing.attempts,
    fallbacks: routing.fallbacks,
  };
  if (routing.costUsd !== undefined) summary.costUsd = routing.costUsd;
  return summary;
}

/** The in-process Router: only its public `completion` and `stream` are used. */
export function inProcessBackend(router: Router): Backend {
  return {
    path: 'in-process',
    async complete(request, signal) {
      const routed = await router.completion(request, { signal });
      const route = summaryOf(routed.routing);
      // The Router built this response for this request alone: dropping its metadata in place (a key
      // set to undefined is left out of the JSON) saves a copy of the whole response per request.
      const response = routed as unknown as ChatResponse;
      response.routing = undefined;
      return { response, route };
    },
    async *stream(request, signal) {
      for await (const chunk of router.stream(request, { signal })) {
        if (chunk.routing === undefined) {
          yield { kind: 'chunk', chunk };
          continue;
        }
        const { routing, ...rest } = chunk;
        yield { kind: 'chunk', chunk: rest };
        yield { kind: 'done', route: summaryOf(routing) };
        return;
      }
    },
  };
}
