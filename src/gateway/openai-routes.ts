/** OpenAI's wire format: `POST /v1/chat/completions` (JSON and SSE) and `GET /v1/models`. */
import { routesModel } from '../core/model-names';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from './gateway-error';
import { parseChatRequest } from './openai-request';
import { openaiFrames } from './openai-stream';
import { serveJson, serveStream } from './serve-completion';
import type { GatewayState } from './state';
import { exchangeOf } from './server-hooks';

/** Both spellings: OpenAI SDKs append `/chat/completions` to a base URL that may or may not end in `/v1` (LiteLLM serves both too). */
const PREFIXES = ['/v1', ''];

export function registerOpenAIRoutes(app: FastifyInstance, state: GatewayState): void {
  for (const prefix of PREFIXES) {
    app.post(`${prefix}/chat/completions`, { config: { wire: 'openai', api: true } }, async (request, reply) => {
      const exchange = exchangeOf(request);
      const parsed = parseChatRequest(request.body);
      if (!parsed.stream) return serveJson(state, exchange, reply, parsed.request, request.headers, (response) => response);
      const includeUsage = parsed.includeUsage;
      return serveStream(state, exchange, reply, parsed.request, request.headers, (first, events, hooks) => openaiFrames(first, events, includeUsage, hooks));
    });

    app.get(`${prefix}/models`, { config: { wire: 'openai', api: true } }, async (request) => {
      const caller = exchangeOf(request).caller;
      const groups = [...state.groups].filter((g) => caller?.models === undefined || caller.models.has(g));
      // Anthropic's SDK lists models at the same path; it always sends `anthropic-version`.
      if (request.headers['anthropic-version'] !== undefined) {
        const data = groups.map((id) => ({ type: 'model', id, display_name: id, created_at: new Date(state.startedAt * 1000).toISOString() }));
        return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null };
      }
      return { object: 'list', data: groups.map((id) => ({ id, object: 'model', created: state.startedAt, owned_by: 'llm-router' })) };
    });

    app.get<{ Params: { model: string } }>(`${prefix}/models/:model`, { config: { wire: 'openai', api: true } }, async (request) => {
      const caller = exchangeOf(request).caller;
      const id = request.params.model;
      if (!routesModel(state.config.routing, id) || (caller?.models !== undefined && !caller.models.has(id))) {
        throw new GatewayError(404, 'not_found', `model group "${id}" does not exist or this key may not call it`, { param: 'model' });
      }
      return { id, object: 'model', created: state.startedAt, owned_by: 'llm-router' };
    });
  }
}
