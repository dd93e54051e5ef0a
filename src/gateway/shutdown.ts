/**
 * Graceful shutdown: stop accepting (readiness fails, new requests get a 503,
 * the listener closes), let in-flight requests and streams finish, then
 * close. Connections still open after the grace period are cut, so a stuck
 * client cannot hold the process forever.
 */
import type { FastifyInstance } from 'fastify';
import type { GatewayState } from './state';

export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
/** How often idle keep-alive connections are reaped while draining (a finished stream leaves its connection idle). */
const IDLE_REAP_INTERVAL_MS = 100;

export async function drain(app: FastifyInstance, state: GatewayState, graceMs: number): Promise<void> {
  state.draining = true;
  const server = app.server;
  const reaper = setInterval(() => server.closeIdleConnections(), IDLE_REAP_INTERVAL_MS);
  const cut = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearInterval(reaper);
    clearTimeout(cut);
  }
}
