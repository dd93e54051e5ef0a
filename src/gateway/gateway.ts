/**
 * `createGateway()`: an OpenAI- and Anthropic-compatible HTTP gateway over
 * the in-process Router, and optionally over a DurableRouter for requests
 * that ask for the durable path. `llm-router serve` is this plus flags.
 */
import { listedModels } from '../core/model-names';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { LoadedRouterConfig } from '../config';
import type { Env } from '../providers/resolve';
import { Router, type RouterConfigInput, type RouterOptions } from '../router';
import { inProcessBackend } from './backend';
import { durableBackend, type DurableBackendOptions } from './durable';
import { GatewayKeyError, GatewayKeys } from './keys';
import { GatewayMetrics } from './metrics';
import { buildServer } from './server';
import { ConnectionTracker, DEFAULT_SHUTDOWN_GRACE_MS, drain } from './shutdown';
import type { GatewayState } from './state';

/** Request bodies up to this size are read when the config sets no `general_settings.max_request_size_mb` (images travel inline). */
export const DEFAULT_MAX_REQUEST_BYTES = 10 * 1024 * 1024;
export const DEFAULT_GATEWAY_PORT = 4000;
export const DEFAULT_GATEWAY_HOST = '127.0.0.1';

export interface GatewayOptions {
  /** A LiteLLM `config.yaml` path, a LiteLLM-shaped object or a loaded config (ignored when `router` is given). */
  config?: RouterConfigInput;
  /**
   * How the gateway builds its Router: `new Router(config, routerOptions)`. This is where options that
   * change routing for every replica (such as shared health, once the Router takes it) are passed in.
   */
  routerOptions?: RouterOptions;
  /** A Router built by the caller, instead of `config` + `routerOptions`. */
  router?: Router;
  /**
   * The shared health the Router was built with (`routerOptions.sharedHealth`), for readiness to show:
   * the routerHealth entity's name and whether its last read succeeded.
   */
  sharedHealth?: SharedHealthStatus;
  /** Serve `x-llm-router-durable: true` requests and `gateway_settings.durable_groups` through this DurableRouter. */
  durable?: DurableBackendOptions;
  /** Where `os.environ/NAME` gateway keys are read (default `process.env`). */
  env?: Env;
  /** Largest request body (default: `general_settings.max_request_size_mb`, else 10 MiB). */
  maxRequestBytes?: number;
  /** How long `close()` lets in-flight requests finish before cutting them (default 30 s). */
  shutdownGraceMs?: number;
  /** Fastify's logger (pino); off by default. Its request lines never hold headers, so never a key. */
  logger?: FastifyServerOptions['logger'];
  /** Epoch milliseconds (default `Date.now`): rpm windows, budgets' months, cooldown gauges. */
  now?: () => number;
  /** Node process metrics (event loop lag, heap, GC) on /metrics (default true). */
  processMetrics?: boolean;
}

export interface SharedHealthStatus {
  routerName: string;
  /** False while the entity cannot be read; the replica then routes on what it last knew and its own calls. */
  available(): boolean;
}

export interface Gateway {
  readonly app: FastifyInstance;
  readonly router: Router;
  readonly config: LoadedRouterConfig;
  readonly metrics: GatewayMetrics;
  /** Set once `listen()` resolved, e.g. `http://127.0.0.1:4000`. */
  readonly url: string | undefined;
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** Graceful: stops accepting, lets in-flight requests and streams finish (up to the grace period), then closes. */
  close(): Promise<void>;
}

/** A config problem only the gateway sees (a key variable not set, durable groups without Temporal). */
export class GatewayConfigError extends Error {
  override readonly name = 'GatewayConfigError';
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  let router = options.router;
  if (router === undefined) {
    if (options.config === undefined) throw new GatewayConfigError('createGateway needs a config (or a router)');
    router = new Router(options.config, options.routerOptions ?? {});
  }
  const config = router.config;
  const gatewayConfig = config.gateway ?? { keys: [], durableGroups: [] };
  let keys: GatewayKeys;
  try {
    keys = GatewayKeys.fromConfig(gatewayConfig, options.env ?? process.env);
  } catch (error) {
    if (error instanceof GatewayKeyError) throw new GatewayConfigError(error.message);
    throw error;
  }
  if (gatewayConfig.durableGroups.length > 0 && options.durable === undefined) {
    throw new GatewayConfigError(`gateway_settings.durable_groups (${gatewayConfig.durableGroups.join(', ')}) need Temporal: start the gateway with --temporal`);
  }
  const now = options.now ?? Date.now;
  const metrics = new GatewayMetrics(keys, now, options.processMetrics ?? true);
  const detach = metrics.attach(router);
  const state: GatewayState = {
    config,
    router,
    // Model lists show groups and visible aliases; wildcards and hidden aliases route without being listed.
    groups: new Set(listedModels(config.routing)),
    keys,
    metrics,
    inProcess: inProcessBackend(router),
    durable: options.durable === undefined ? undefined : durableBackend(options.durable),
    durableGroups: new Set(gatewayConfig.durableGroups),
    durableReady: options.durable?.ready,
    sharedHealth: options.sharedHealth,
    now,
    startedAt: Math.floor(now() / 1000),
    draining: false,
  };
  const bodyLimit = options.maxRequestBytes ?? gatewayConfig.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const app = buildServer(state, { bodyLimit, logger: options.logger });
  const connections = new ConnectionTracker(app.server);
  await app.ready();
  let url: string | undefined;
  let closing: Promise<void> | undefined;
  return {
    app,
    router,
    config,
    metrics,
    get url() {
      return url;
    },
    async listen(listen = {}) {
      await app.listen({ port: listen.port ?? DEFAULT_GATEWAY_PORT, host: listen.host ?? DEFAULT_GATEWAY_HOST });
      const address = app.server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      url = `http://${host}:${address.port}`;
      return url;
    },
    close() {
      closing ??= drain(app, state, connections, options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS).finally(detach);
      return closing;
    },
  };
}
