/**
 * The part of a completion route both wire formats share: pick the backend,
 * run the request, set the routing headers and record spend. A stream's
 * headers wait for its first event, so a request that fails before any
 * content gets a real HTTP error status, not a 200 with an error inside.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { APIConnectionError } from '../errors';
import type { ChatResponse } from '../providers/types';
import type { RouterRequest } from '../router';
import type { RouteSummary, StreamEvent } from './backend';
import type { Exchange } from './exchange';
import type { StreamHooks } from './openai-stream';
import { ROUTE_TRAILERS, routeHeaders } from './routing-headers';
import { SSE_HEADERS } from './sse';
import { backendFor, checkGroup, type GatewayState } from './state';

export type FrameWriter = (first: StreamEvent, events: AsyncGenerator<StreamEvent, void, undefined>, hooks: StreamHooks) => AsyncGenerator<string, void, undefined>;

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function admit(state: GatewayState, exchange: Exchange, request: RouterRequest, headers: Headers) {
  const caller = exchange.caller;
  checkGroup(state, request.model, caller?.models);
  exchange.group = request.model;
  if (caller !== undefined) {
    state.keys.authorize(caller, request.model);
    state.keys.admit(caller, state.now());
  }
  const backend = backendFor(state, request.model, headers);
  exchange.path = backend.path;
  return backend;
}

function served(state: GatewayState, exchange: Exchange, route: RouteSummary): void {
  if (exchange.caller !== undefined) state.keys.recordSpend(exchange.caller, route.costUsd, state.now());
}

export async function serveJson(
  state: GatewayState,
  exchange: Exchange,
  reply: FastifyReply,
  request: RouterRequest,
  headers: Headers,
  render: (response: ChatResponse) => unknown,
): Promise<FastifyReply> {
  const backend = admit(state, exchange, request, headers);
  const result = await backend.complete(request, exchange.signal);
  served(state, exchange, result.route);
  return reply.headers(routeHeaders(result.route)).send(render(result.response));
}

export async function serveStream(
  state: GatewayState,
  exchange: Exchange,
  reply: FastifyReply,
  request: RouterRequest,
  headers: Headers,
  frames: FrameWriter,
): Promise<FastifyReply> {
  const backend = admit(state, exchange, request, headers);
  const events = backend.stream(request, exchange.signal);
  const first = await events.next();
  if (first.done) throw new APIConnectionError('the stream ended before its first chunk');
  let route: RouteSummary | undefined;
  reply.headers(SSE_HEADERS).header('x-llm-router-path', backend.path);
  for (const name of ROUTE_TRAILERS) {
    reply.trailer(name, (_reply, _payload, done) => done(null, route === undefined ? '' : (routeHeaders(route)[name] ?? '')));
  }
  const hooks: StreamHooks = {
    onDone: (r) => {
      route = r;
      served(state, exchange, r);
    },
    onError: (wire) => {
      exchange.errorClass = wire.errorClass;
    },
  };
  return reply.send(Readable.from(frames(first.value, events, hooks)));
}
