/**
 * Graceful shutdown: stop accepting (readiness fails, new requests get a 503,
 * the listener closes), let in-flight requests and streams finish, then
 * close. Connections still open after the grace period are cut, so a stuck
 * client cannot hold the process forever.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { GatewayState } from './state';

export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
/** How often connections without a request in flight are closed while draining (a finished stream leaves its connection idle). */
const IDLE_REAP_INTERVAL_MS = 50;

/**
 * Requests in flight per connection. Node's own closeIdleConnections() skips
 * a connection that has not sent a request yet (clients open spare ones), so
 * draining would wait for the grace period on a connection nobody uses.
 */
export class ConnectionTracker {
  private readonly active = new Map<Socket, number>();

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.active.set(socket, 0);
      socket.once('close', () => this.active.delete(socket));
    });
    server.on('request', (req, res) => {
      const socket = req.socket;
      this.active.set(socket, (this.active.get(socket) ?? 0) + 1);
      res.once('close', () => {
        const n = this.active.get(socket);
        if (n !== undefined) this.active.set(socket, n - 1);
      });
    });
  }

  /** Ends (FIN after what was written) every connection with nothing in flight. */
  closeIdle(): void {
    for (const [socket, n] of this.active) {
      if (n <= 0 && !socket.writableEnded) socket.end();
    }
  }
}

export async function drain(app: FastifyInstance, state: GatewayState, connections: ConnectionTracker, graceMs: number): Promise<void> {
  state.draining = true;
  const server = app.server;
  const reaper = setInterval(() => connections.closeIdle(), IDLE_REAP_INTERVAL_MS);
  const cut = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    connections.closeIdle();
    await app.close();
  } finally {
    clearInterval(reaper);
    clearTimeout(cut);
  }
}
