import type { RouterOptions } from '../../router';
import { formatIssue, type LoadedRouterConfig } from '../../config';
import { createGateway, GatewayConfigError, type Gateway, type GatewayOptions } from '../../gateway';
import { CliError, EXIT } from '../exit-codes';
import { configPath, loadCliConfig } from '../config-file';
import type { ConnectionFlags } from '../connection-options';
import { writeJson } from '../output';
import { sharedHealthRouterName } from '../shared-health';

export interface ServeFlags extends ConnectionFlags {
  config?: string;
  port: number;
  host: string;
  temporal?: boolean;
  taskQueue?: string;
  router?: string;
  /** `--no-shared-health`: with --temporal, keep the in-process routing state to this replica. */
  sharedHealth: boolean;
  healthPollMs?: number;
  maxRequestSizeMb?: number;
  shutdownGrace: number;
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  json?: boolean;
}

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];
/** How long `serve` waits for the first read of the routerHealth entity before it listens anyway. */
const FIRST_READ_WAIT_MS = 3_000;

/** With --temporal, every replica reads and reports health through this routerHealth entity, as durable jobs do. */
interface SharedHealthLink {
  routerName: string;
  options: RouterOptions;
  status: NonNullable<GatewayOptions['sharedHealth']>;
  close(): Promise<void>;
}

interface Durable {
  options: NonNullable<GatewayOptions['durable']>;
  address: string;
  shared: SharedHealthLink | undefined;
  close(): Promise<void>;
}

/**
 * The options the gateway builds its in-process Router with: shared health
 * when Temporal is there (one place, so every replica gets the same), else
 * none and the replica routes on its own state.
 */
export function gatewayRouterOptions(durable: Pick<Durable, 'shared'> | undefined): RouterOptions {
  return durable?.shared?.options ?? {};
}

async function connectDurable(flags: ServeFlags, config: LoadedRouterConfig): Promise<Durable> {
  // Loaded only with --temporal: the in-process gateway never loads the Temporal client.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { connectClient } = require('../connection') as typeof import('../connection');
  const { DurableRouter } = require('../../temporal/client') as typeof import('../../temporal/client');
  const health = require('../../temporal/health') as typeof import('../../temporal/health');
  const { HealthAgent } = require('../../temporal/health/agent') as typeof import('../../temporal/health/agent');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const routerName = sharedHealthRouterName(flags.router);
  const { client, target, close } = await connectClient(flags);
  let router;
  try {
    router = new DurableRouter({
      client,
      config,
      ...(flags.taskQueue ? { taskQueue: flags.taskQueue } : {}),
      ...(routerName === undefined ? {} : { options: { sharedHealth: { routerName } } }),
    });
  } catch (err) {
    await close();
    // A literal api_key would be written to workflow history: the durable path refuses it by path.
    throw new CliError(err instanceof Error ? err.message.split('\n')[0] ?? err.message : String(err), EXIT.USAGE);
  }
  let shared: SharedHealthLink | undefined;
  const name = router.sharedHealthName;
  if (flags.sharedHealth && name !== undefined) {
    // The entity exists before the first request, so this replica's first failures already count fleet-wide.
    try {
      await health.ensureRouterHealth(client, { routerName: name, config: router.config.routing, taskQueue: router.taskQueue });
    } catch (err) {
      process.stderr.write(`warning: could not start the routerHealth entity "${name}" (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); routing on this replica's own state until it answers\n`);
    }
    const agent = new HealthAgent({ client, routerName: name, ...(flags.healthPollMs === undefined ? {} : { pollIntervalMs: flags.healthPollMs }) });
    // The first read before listening: the first requests see what the fleet knows, and readiness says whether the entity answers.
    await agent.ready(FIRST_READ_WAIT_MS);
    shared = {
      routerName: name,
      options: { sharedHealth: health.healthAgentSource(agent) },
      status: { routerName: name, available: () => agent.available },
      close: () => agent.close(),
    };
  }
  return {
    options: { router, ready: async () => void (await client.connection.workflowService.getSystemInfo({})) },
    address: `${target.address} (namespace ${target.namespace})`,
    shared,
    async close() {
      await shared?.close().catch(() => undefined);
      await close();
    },
  };
}

function describe(gateway: Gateway, url: string, flags: ServeFlags, durable: Durable | undefined): string {
  const g = gateway.config.gateway;
  const keyCount = g?.keys.length ?? 0;
  const auth = g?.masterKey === undefined && keyCount === 0 ? 'no gateway keys (open to anyone who can reach it)' : `${g?.masterKey === undefined ? '' : 'master key'}${g?.masterKey !== undefined && keyCount > 0 ? ' + ' : ''}${keyCount > 0 ? `${keyCount} key(s)` : ''}`;
  const groups = Object.keys(gateway.config.routing.groups);
  return [
    `llm-router gateway listening on ${url}`,
    `  config:   ${gateway.config.source ?? flags.config ?? ''} (${groups.length} model group(s): ${groups.join(', ')})`,
    `  auth:     ${auth}`,
    `  durable:  ${durable === undefined ? 'off (start with --temporal to serve x-llm-router-durable requests)' : `on, Temporal at ${durable.address}`}`,
    `  health:   ${durable?.shared === undefined ? 'this replica\'s own (start with --temporal to share cooldowns with every replica and job)' : `shared through routerHealth "${durable.shared.routerName}"`}`,
    `  OpenAI:   base_url ${url}/v1      Anthropic: base_url ${url}`,
    'Press Ctrl-C to stop (in-flight requests finish first).',
    '',
  ].join('\n');
}

/** Runs the gateway until SIGINT or SIGTERM, then drains it: in-flight requests and streams finish, then the process exits 0. */
export async function runServe(flags: ServeFlags): Promise<void> {
  const file = configPath(flags.config);
  const config = loadCliConfig(file);
  for (const w of config.warnings) process.stderr.write(`warning: ${formatIssue(w, file)}\n`);
  const durable = flags.temporal ? await connectDurable(flags, config) : undefined;
  let gateway: Gateway;
  try {
    gateway = await createGateway({
      config,
      routerOptions: gatewayRouterOptions(durable),
      ...(durable === undefined ? {} : { durable: durable.options }),
      ...(durable?.shared === undefined ? {} : { sharedHealth: durable.shared.status }),
      ...(flags.maxRequestSizeMb === undefined ? {} : { maxRequestBytes: Math.round(flags.maxRequestSizeMb * 1024 * 1024) }),
      shutdownGraceMs: flags.shutdownGrace * 1000,
      logger: flags.logLevel === 'silent' ? false : { level: flags.logLevel },
    });
  } catch (err) {
    await durable?.close();
    if (err instanceof GatewayConfigError) throw new CliError(`${file}: ${err.message}`, EXIT.USAGE);
    throw err;
  }
  let url: string;
  try {
    url = await gateway.listen({ port: flags.port, host: flags.host });
  } catch (err) {
    await durable?.close();
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot listen on ${flags.host}:${flags.port} (${code ?? (err instanceof Error ? err.message : String(err))})`, EXIT.FAILURE);
  }
  const g = gateway.config.gateway;
  if (g?.masterKey === undefined && (g?.keys.length ?? 0) === 0 && !LOOPBACK.includes(flags.host)) {
    process.stderr.write(`warning: the gateway listens on ${flags.host} without gateway keys; set general_settings.master_key or a keys: list\n`);
  }
  if (flags.json) writeJson({ url, port: Number(new URL(url).port), durable: durable !== undefined, sharedHealth: durable?.shared?.routerName ?? null, modelGroups: Object.keys(gateway.config.routing.groups) });
  else process.stdout.write(describe(gateway, url, flags, durable));
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      // A second signal cuts whatever is still in flight.
      const force = () => gateway.app.server.closeAllConnections();
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      void gateway
        .close()
        .then(() => durable?.close())
        .finally(() => {
          process.removeListener('SIGINT', force);
          process.removeListener('SIGTERM', force);
          resolve();
        });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
