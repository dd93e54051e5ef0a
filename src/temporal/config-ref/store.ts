// Where a config a request refers to is kept: the input of its routerConfig
// workflow (workflows/router-config.ts), written once per config version by
// the client and read once per worker process and version.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type PayloadCodec } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { ROUTER_CONFIG_WORKFLOW_TYPE, routerConfigWorkflowId, type RouterConfigInput } from '../../../workflows/router-config';
import type { DurableRouterConfig } from '../../../workflows/types';
import { configRefOf } from './hash';

/** Starts the config's workflow unless one runs already; resolves to its hash. Idempotent. */
export async function storeConfig(client: Client, taskQueue: string, config: DurableRouterConfig): Promise<string> {
  const hash = configRefOf(config);
  await client.workflow.start(ROUTER_CONFIG_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: routerConfigWorkflowId(hash),
    args: [{ hash, config } satisfies RouterConfigInput],
    workflowIdConflictPolicy: 'USE_EXISTING',
    staticSummary: `Routing config ${hash}: ${Object.keys(config.routing.groups).length} group(s), ${Object.keys(config.routing.deployments).length} deployment(s)`,
  });
  return hash;
}

export class ConfigNotFoundError extends Error {
  constructor(readonly hash: string, reason: string) {
    super(`routing config ${hash} (workflow ${routerConfigWorkflowId(hash)}) cannot be read: ${reason}`);
    this.name = 'ConfigNotFoundError';
  }
}

/** A worker's read side: each version fetched once per process, checked against its hash, then served from memory. */
export class ConfigSource {
  private readonly cache = new Map<string, Promise<DurableRouterConfig>>();

  /**
   * @param codecs the worker's other payload codecs (encryption), which the
   * config workflow's input went through too; outermost last, as in a data converter.
   */
  constructor(private readonly client: Client, private readonly codecs: readonly PayloadCodec[] = []) {}

  /** A config the process already has (e.g. the one the worker was started with) needs no read. */
  add(config: DurableRouterConfig): string {
    const hash = configRefOf(config);
    this.cache.set(hash, Promise.resolve(config));
    return hash;
  }

  get(hash: string): Promise<DurableRouterConfig> {
    let found = this.cache.get(hash);
    if (found === undefined) {
      found = this.read(hash);
      // A failed read (server away) is tried again by the next workflow task, not remembered.
      found.catch(() => this.cache.delete(hash));
      this.cache.set(hash, found);
    }
    return found;
  }

  private async read(hash: string): Promise<DurableRouterConfig> {
    let history: temporal.api.history.v1.IHistory;
    try {
      history = await this.client.workflow.getHandle(routerConfigWorkflowId(hash)).fetchHistory();
    } catch (err) {
      throw new ConfigNotFoundError(hash, (err as Error).message);
    }
    let payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    for (const codec of [...this.codecs].reverse()) payloads = await codec.decode(payloads);
    const first = payloads[0];
    if (first === undefined) throw new ConfigNotFoundError(hash, 'its workflow has no input');
    const input = defaultPayloadConverter.fromPayload<RouterConfigInput>(first);
    if (configRefOf(input.config) !== hash) throw new ConfigNotFoundError(hash, 'its content does not match the hash');
    return input.config;
  }
}
