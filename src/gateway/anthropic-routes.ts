/** Anthropic's wire format: `POST /v1/messages` (JSON and SSE), translated to and from the router's OpenAI shape. */
import type { FastifyInstance } from 'fastify';
import { parseMessagesRequest } from './anthropic-request';
import { toAnthropicMessage } from './anthropic-response';
import { anthropicFrames } from './anthropic-stream';
import { serveJson, serveStream } from './serve-completion';
import { exchangeOf } from './server-hooks';
import type { GatewayState } from './state';

export function registerAnthropicRoutes(app: FastifyInstance, state: GatewayState): void {
  app.post('/v1/messages', { config: { wire: 'anthropic', api: true } }, async (request, reply) => {
    const exchange = exchangeOf(request);
    const parsed = parseMessagesRequest(request.body);
    if (!parsed.stream) return serveJson(state, exchange, reply, parsed.request, request.headers, toAnthropicMessage);
    const model = parsed.request.model;
    return serveStream(state, exchange, reply, parsed.request, request.headers, (first, events, hooks) => anthropicFrames(first, events, model, hooks));
  });
}
