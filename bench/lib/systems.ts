// The systems compared, each behind the same `call(seq)`: a direct SDK call,
// our in-process Router, our durable routedCompletion, and the Portkey gateway.
// All of them use one OpenAI-shaped request against the same fake provider.
import OpenAI from 'openai';
import { parseConfigObject, type LoadedRouterConfig } from '../../src/config';
import type { ChatRequest } from '../../src/providers/types';
import { Router } from '../../src/router';
import { ensureRouterHealth } from '../../src/temporal/health';
import { DURABLE_WORKFLOW, DurableInputs } from './durable-input';
import type { DurabilityMode } from '../../workflows';
import type { FakeProvider } from './fake-provider';
import type { Call } from './load';
import { portkeyHeaders, type PortkeyConfig, type PortkeyGateway } from './portkey';
import { BENCH_KEY_ENV, type TemporalStack } from './temporal-stack';

export type SystemName = 'direct' | 'router' | 'durable' | 'portkey';
export const SYSTEM_LABELS: Record<string, string> = {
  direct: 'direct SDK',
  router: 'our Router (in-process)',
  durable: 'our durable routedCompletion',
  portkey: 'Portkey gateway',
  'portkey-no-retry': 'Portkey gateway (fallback, no retry)',
  'forwarding-proxy': 'bare forwarding proxy (the floor of a gateway)',
  gateway: 'our gateway (llm-router serve)',
  'gateway-2x': 'our gateway, 2 replicas sharing health (--temporal)',
  'gateway-2x-unshared': 'our gateway, 2 replicas, health not shared',
  'litellm-proxy': "LiteLLM's proxy",
  'litellm-proxy-2x': "LiteLLM's proxy, 2 replicas",
  'python-direct': 'direct Python SDK',
  'litellm-router': "LiteLLM's Router (in-process)",
};

export const BENCH_MODEL = 'gpt-4o-mini';
/** The request's messages with its sequence number, so the fake provider can tell which deployments one request touched. */
export function messagesFor(seq: number): ChatRequest['messages'] {
  return [
    { role: 'system', content: 'You are a concise assistant.' },
    { role: 'user', content: `Give me a one-line answer about routing requests across model deployments. [#${seq}]` },
  ];
}
const bodyFor = (seq: number) => ({ model: BENCH_MODEL, messages: messagesFor(seq) as OpenAI.Chat.ChatCompletionMessageParam[], max_tokens: 64 });

export interface System {
  name: string;
  call: Call;
  /** Processes whose CPU counts against this system (this process is always included). */
  pids: number[];
  /** The process that hosts the system, for its RSS. */
  hostPid: number;
  /** Bounds for open-loop load, when this system needs tighter ones than the defaults. */
  maxInFlight?: number;
  timeoutMs?: number;
}

/** A workflow the server gives up on before the load generator does, so no run is still open when a phase ends. */
export const DURABLE_EXECUTION_TIMEOUT_MS = 20_000;
export const DURABLE_CLIENT_TIMEOUT_MS = 25_000;
/** Open workflows the load generator allows at once; more would only queue on the server and spill into the next phase. */
export const DURABLE_MAX_IN_FLIGHT = 32;

/** A LiteLLM-shaped config whose deployments are fake-provider routes (deployment id = route). */
export interface BenchTopology {
  groups: Record<string, string[]>;
  fallbacks?: Record<string, string[]>;
  routerSettings?: Record<string, unknown>;
}

export function litellmConfig(fake: FakeProvider, topology: BenchTopology): object {
  return {
    model_list: Object.entries(topology.groups).flatMap(([group, routes]) =>
      routes.map((route) => ({
        model_name: group,
        litellm_params: { model: `openai/${BENCH_MODEL}`, api_base: fake.openaiBaseUrl(route), api_key: `os.environ/${BENCH_KEY_ENV}` },
        model_info: { id: route },
      })),
    ),
    router_settings: {
      ...(topology.fallbacks ? { fallbacks: Object.entries(topology.fallbacks).map(([g, to]) => ({ [g]: to })) } : {}),
      ...topology.routerSettings,
    },
  };
}

export function loadBenchConfig(fake: FakeProvider, topology: BenchTopology): LoadedRouterConfig {
  return parseConfigObject(litellmConfig(fake, topology));
}

const env = { [BENCH_KEY_ENV]: 'sk-bench-fake' };

export function directSystem(fake: FakeProvider, route: string): System {
  const client = new OpenAI({ apiKey: 'sk-bench-fake', baseURL: fake.openaiBaseUrl(route), maxRetries: 0 });
  return { name: 'direct', call: (seq) => client.chat.completions.create(bodyFor(seq)), pids: [process.pid], hostPid: process.pid };
}

export function routerSystem(config: LoadedRouterConfig, group: string): { system: System; router: Router } {
  const router = new Router(config, { env });
  return {
    router,
    system: {
      name: 'router',
      call: (seq) => router.completion({ model: group, messages: messagesFor(seq), max_tokens: 64 }),
      pids: [process.pid],
      hostPid: process.pid,
    },
  };
}

export interface DurableSystemOptions {
  group: string;
  taskQueue: string;
  workerPids: number[];
  runId: string;
  /** Pass the routing state of the latest finished run to the next request. */
  chainState?: boolean;
  /** How hops run (default standard). */
  durability?: DurabilityMode;
}

export function durableSystem(stack: TemporalStack, config: LoadedRouterConfig, options: DurableSystemOptions): System {
  const { group, taskQueue, workerPids, runId } = options;
  const inputs = new DurableInputs(config, options.chainState ?? false, taskQueue, options.durability);
  const shared = inputs.options.sharedHealth;
  // As DurableRouter does: the first request keeps the config and starts the routerHealth entity.
  let ensured: Promise<unknown> | undefined;
  return {
    name: 'durable',
    call: async (seq) => {
      ensured ??= Promise.all([
        inputs.prepare(stack.client),
        shared ? ensureRouterHealth(stack.client, { routerName: shared.routerName, config: inputs.config.routing, taskQueue }) : undefined,
      ]);
      await ensured;
      const result: unknown = await stack.client.workflow.execute(DURABLE_WORKFLOW, {
        taskQueue,
        workflowId: `bench-${runId}-${seq}`,
        args: [inputs.input(group, { messages: messagesFor(seq), max_tokens: 64 })],
        workflowExecutionTimeout: DURABLE_EXECUTION_TIMEOUT_MS,
      });
      inputs.observe(result);
      return result;
    },
    pids: [process.pid, ...workerPids, ...(stack.server.pid ? [stack.server.pid] : [])],
    hostPid: workerPids[0] ?? process.pid,
    maxInFlight: DURABLE_MAX_IN_FLIGHT,
    timeoutMs: DURABLE_CLIENT_TIMEOUT_MS,
  };
}

export function portkeySystem(gateway: PortkeyGateway, config: PortkeyConfig, name = 'portkey'): System {
  const client = new OpenAI({ apiKey: 'sk-bench-fake', baseURL: gateway.baseURL, maxRetries: 0, defaultHeaders: portkeyHeaders(config) });
  return { name, call: (seq) => client.chat.completions.create(bodyFor(seq)), pids: [process.pid, gateway.pid], hostPid: gateway.pid };
}

export function portkeyTarget(fake: FakeProvider, route: string): PortkeyConfig {
  return { provider: 'openai', api_key: 'sk-bench-fake', custom_host: fake.openaiBaseUrl(route) };
}
