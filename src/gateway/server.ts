/** The Fastify instance: body limit, hooks, and the OpenAI, Anthropic and health routes. */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { registerAnthropicRoutes } from './anthropic-routes';
import { registerHealthRoutes } from './health-routes';
import { registerOpenAIRoutes } from './openai-routes';
import { registerHooks } from './server-hooks';
import type { GatewayState } from './state';

export interface ServerOptions {
  bodyLimit: number;
  logger: FastifyServerOptions['logger'];
}

export function buildServer(state: GatewayState, options: ServerOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: options.bodyLimit,
    logger: options.logger ?? false,
    // Provider calls (and a durable workflow) can take minutes: no server-side request timeout.
    requestTimeout: 0,
    // Longer than the usual load balancer idle timeout, so the balancer closes first.
    keepAliveTimeout: 72_000,
  });
  registerHooks(app, state, options.bodyLimit);
  registerOpenAIRoutes(app, state);
  registerAnthropicRoutes(app, state);
  registerHealthRoutes(app, state);
  return app;
}
