/**
 * `/health/liveness` answers while the process serves HTTP; `/health/readiness`
 * also needs the config loaded (it is, once the gateway exists), the gateway
 * not draining and, with the durable path, the Temporal server answering;
 * with shared health it also names the routerHealth entity and whether it was read.
 * `/metrics` is Prometheus text. None of them need a gateway key (LiteLLM's
 * health routes do not either), and none says anything secret.
 */
import type { FastifyInstance } from 'fastify';
import type { GatewayState } from './state';

/** A readiness probe is cheap, but Temporal is asked at most this often. */
const TEMPORAL_CHECK_CACHE_MS = 2_000;

export function registerHealthRoutes(app: FastifyInstance, state: GatewayState): void {
  const alive = async () => ({ status: 'alive' });
  app.get('/health/liveness', alive);
  // LiteLLM's spelling, so probes written for its proxy keep working.
  app.get('/health/liveliness', alive);

  let lastCheck: { at: number; error: string | null } | undefined;
  const temporal = async (): Promise<string | null> => {
    const ready = state.durableReady;
    if (ready === undefined) return null;
    const now = state.now();
    if (lastCheck === undefined || now - lastCheck.at > TEMPORAL_CHECK_CACHE_MS) {
      let error: string | null = null;
      try {
        await ready();
      } catch (err) {
        error = err instanceof Error ? err.message.split('\n')[0] ?? err.message : String(err);
      }
      lastCheck = { at: now, error };
    }
    return lastCheck.error;
  };

  app.get('/health/readiness', async (_request, reply) => {
    const temporalError = await temporal();
    const body = {
      status: state.draining ? 'draining' : temporalError === null ? 'ready' : 'not ready',
      config: { source: state.config.source ?? '(object)', model_groups: state.groups.size, deployments: Object.keys(state.config.params).length },
      temporal: state.durableReady === undefined ? 'not used' : temporalError === null ? 'connected' : `unreachable: ${temporalError}`,
      // Routing never waits on the entity, so it does not gate readiness; Temporal being unreachable does.
      shared_health: state.sharedHealth === undefined
        ? 'off'
        : { router: state.sharedHealth.routerName, entity: state.sharedHealth.available() ? 'read' : 'not read yet or unreachable' },
    };
    return reply.code(body.status === 'ready' ? 200 : 503).send(body);
  });

  app.get('/metrics', async (_request, reply) => reply.type(state.metrics.contentType).send(await state.metrics.render()));
}
