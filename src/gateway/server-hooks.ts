/**
 * Hooks every API route shares: an Exchange per request, a 503 while
 * draining, the key check (before the body is read, so an unauthenticated
 * caller cannot make the gateway parse megabytes), the error handler that
 * answers in the route's wire format, and the 404 for unknown paths.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { Exchange } from './exchange';
import { errorBody, errorHeaders, toWireError } from './errors-to-wire';
import { GatewayError, invalidRequest } from './gateway-error';
import type { GatewayState } from './state';
import type { Wire } from './wire';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The wire format of the route's requests, responses and errors. */
    wire?: Wire;
    /** An API route: counted in metrics and guarded by gateway keys. */
    api?: boolean;
  }
  interface FastifyRequest {
    exchange: Exchange | null;
  }
}

export function exchangeOf(request: FastifyRequest): Exchange {
  if (request.exchange === null) throw new Error(`no exchange for ${request.method} ${request.url}: route registered without config.api`);
  return request.exchange;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
}

/** Fastify's own request errors (body too large, not JSON, wrong media type) as gateway errors. */
export function fromFastifyError(error: unknown, bodyLimit: number): unknown {
  const e = error as Partial<FastifyError> | null;
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError(413, 'body_too_large', `request body over the gateway's limit of ${mib(bodyLimit)} (general_settings.max_request_size_mb or serve --max-request-size-mb)`, { noRetry: true });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError(415, 'unsupported_media_type', 'send the request body as JSON with "Content-Type: application/json"', { noRetry: true });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidRequest('(body)', 'is empty; expected a JSON object');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidRequest('(body)', 'is not valid JSON');
    default:
      if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 && typeof e.code === 'string' && e.code.startsWith('FST_')) {
        return new GatewayError(e.statusCode, 'invalid_request', e.message ?? 'invalid request');
      }
      return error;
  }
}

export function registerHooks(app: FastifyInstance, state: GatewayState, bodyLimit: number): void {
  app.decorateRequest('exchange', null);

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.api !== true) return;
    const exchange = new Exchange(request.routeOptions.url ?? request.url, reply.raw, state.metrics);
    request.exchange = exchange;
    if (state.draining) throw new GatewayError(503, 'shutting_down', 'the gateway is shutting down; retry the request (on another replica)', { retryAfterMs: 1000 });
    exchange.caller = state.keys.authenticate(request.headers);
  });

  app.setErrorHandler((error, request, reply) => {
    const wire = toWireError(fromFastifyError(error, bodyLimit));
    if (request.exchange !== null) request.exchange.errorClass = wire.errorClass;
    // A bug in the gateway: log it (request line and stack, never headers, so never a key).
    if (wire.errorClass === 'InternalError') request.log.error({ err: error }, 'internal gateway error');
    if (state.draining) reply.header('connection', 'close');
    return reply.code(wire.status).headers(errorHeaders(wire)).send(errorBody(wire, request.routeOptions.config.wire ?? 'openai'));
  });

  app.setNotFoundHandler((request, reply) => {
    const wire = toWireError(new GatewayError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}; the gateway serves POST /v1/chat/completions, POST /v1/messages, GET /v1/models, /health/liveness, /health/readiness and /metrics`));
    return reply.code(404).headers(errorHeaders(wire)).send(errorBody(wire, request.url.startsWith('/v1/messages') ? 'anthropic' : 'openai'));
  });
}
