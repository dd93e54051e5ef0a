// Part "gateway-outage": the outage run of part 2 (bench/outage) for the
// gateways, each behind two replicas that the client alternates between, as a
// load balancer would: ours (`llm-router serve` x2) sharing health through the
// routerHealth entity (`--temporal`, a worker on the task queue answers the
// entity), ours again with no sharing (the control), LiteLLM's proxy (x2, no
// Redis), plus Portkey's gateway (it keeps no routing state, so a second
// replica would change nothing).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { DEFAULT_ALLOWED_FAILS, DEFAULT_COOLDOWN_SECONDS, DEFAULT_NUM_RETRIES } from '../../src/core/defaults';
import type { BenchContext } from '../lib/context';
import { startGatewayProcess, type GatewayProcess } from '../lib/gateway-process';
import { startLitellmProxy, type LitellmProxy } from '../lib/litellm';
import type { PortkeyConfig } from '../lib/portkey';
import { BENCH_MODEL, litellmConfig, messagesFor, portkeySystem, portkeyTarget, type System } from '../lib/systems';
import { BENCH_KEY_ENV } from '../lib/temporal-stack';
import { measureOutage, outageSettings, type OutageResult, type OutageSystemResult, type Plan } from '../outage/outage';

const MASTER_KEY = 'sk-bench-gateway-master';
const RETRYABLE_STATUSES = [429, 500, 502, 503, 504];

/** The task queue of the worker that hosts the routerHealth entity the shared replicas use. */
const SHARED_TASK_QUEUE = 'bench-gateway-outage';

/**
 * The `llm-router serve` arguments that make both replicas share routing
 * health, plus any in BENCH_GATEWAY_SHARED_HEALTH_ARGS (e.g. `--health-poll-ms 100`).
 */
export function sharedHealthArgs(temporal: { address: string; namespace: string }): string[] {
  const extra = (process.env.BENCH_GATEWAY_SHARED_HEALTH_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
  return ['--temporal', '--address', temporal.address, '--namespace', temporal.namespace, '--task-queue', SHARED_TASK_QUEUE, ...extra];
}

export interface GatewayOutageResult extends OutageResult {
  replicas: Record<string, number>;
  /** `allowed_fails + in flight + 1`: the issue's bound on calls to the dead deployment across replicas. */
  bound: { allowedFails: number; inFlight: number; value: number };
  sharedHealthArgs: string[];
}

/** Alternates requests between replicas by sequence number: a round-robin load balancer. */
function replicated(name: string, baseURLs: string[], apiKey: string, pids: number[]): System {
  const clients = baseURLs.map((baseURL) => new OpenAI({ apiKey, baseURL, maxRetries: 0 }));
  return {
    name,
    call: (seq) =>
      (clients[seq % clients.length] as OpenAI).chat.completions.create({ model: 'chat', messages: messagesFor(seq) as OpenAI.Chat.ChatCompletionMessageParam[], max_tokens: 64 }),
    pids: [process.pid, ...pids],
    hostPid: pids[0] ?? process.pid,
  };
}

export async function runGatewayOutage(ctx: BenchContext): Promise<GatewayOutageResult> {
  const settings = outageSettings(ctx.scale);
  const { fake } = ctx;
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-outage-'));
  const routesFor = (name: string) => ({ a: `${name}-a`, b: `${name}-b`, backup: `${name}-backup` });
  const stops: Array<() => Promise<void>> = [];
  const plans: Plan[] = [];
  try {
    const stack = await ctx.temporal();
    await stack.startWorker('router', SHARED_TASK_QUEUE);
    const extraArgs = sharedHealthArgs({ address: stack.server.address, namespace: stack.server.namespace });
    for (const shared of [true, false]) {
      const name = shared ? 'gateway-2x' : 'gateway-2x-unshared';
      const r = routesFor(`gwo-${name}`);
      const config = { ...litellmConfig(fake, { groups: { chat: [r.a, r.b], 'chat-backup': [r.backup] }, fallbacks: { chat: ['chat-backup'] }, routerSettings: { num_retries: DEFAULT_NUM_RETRIES } }), general_settings: { master_key: MASTER_KEY } };
      const replicas: GatewayProcess[] = [];
      for (const i of [1, 2]) replicas.push(await startGatewayProcess(config, dir, `${name}-replica-${i}`, shared ? extraArgs : []));
      stops.push(...replicas.map((g) => () => g.stop()));
      plans.push({
        system: replicated(name, replicas.map((g) => `${g.baseURL}/v1`), MASTER_KEY, replicas.map((g) => g.pid)),
        routes: r,
        config: {
          replicas: 2,
          router_settings: { num_retries: DEFAULT_NUM_RETRIES, fallbacks: [{ chat: ['chat-backup'] }] },
          note: `cooldown defaults: allowed_fails ${DEFAULT_ALLOWED_FAILS}, cooldown_time ${DEFAULT_COOLDOWN_SECONDS} s; ${shared ? `shared health: ${extraArgs.join(' ')}` : 'no shared health'}`,
        },
      });
    }
    {
      const r = routesFor('gwo-litellm');
      const deployment = (group: string, route: string) => ({ model_name: group, litellm_params: { model: `openai/${BENCH_MODEL}`, api_base: fake.openaiBaseUrl(route), api_key: process.env[BENCH_KEY_ENV] ?? 'sk-bench-fake' } });
      const config = {
        model_list: [deployment('chat', r.a), deployment('chat', r.b), deployment('chat-backup', r.backup)],
        router_settings: { num_retries: DEFAULT_NUM_RETRIES, fallbacks: [{ chat: ['chat-backup'] }] },
        general_settings: { master_key: MASTER_KEY },
        litellm_settings: { telemetry: false },
      };
      const replicas: LitellmProxy[] = [];
      for (const i of [1, 2]) replicas.push(await startLitellmProxy(config, dir, ctx.log, `litellm-replica-${i}`));
      stops.push(...replicas.map((p) => () => p.stop()));
      plans.push({
        system: replicated('litellm-proxy-2x', replicas.map((p) => `${p.baseURL}/v1`), MASTER_KEY, replicas.map((p) => p.pid)),
        routes: r,
        config: { replicas: 2, router_settings: config.router_settings, note: 'LiteLLM cooldown defaults; no Redis, so each replica keeps its own cooldowns' },
      });
    }
    const portkey = await ctx.portkey();
    for (const retry of [true, false]) {
      const name = retry ? 'portkey' : 'portkey-no-retry';
      const r = routesFor(`gwo-${name}`);
      const leaf = (route: string) => ({ ...portkeyTarget(fake, route), ...(retry ? { retry: { attempts: 2, on_status_codes: RETRYABLE_STATUSES } } : {}) }) as PortkeyConfig;
      const config: PortkeyConfig = {
        strategy: { mode: 'fallback', on_status_codes: RETRYABLE_STATUSES },
        targets: [{ strategy: { mode: 'loadbalance' }, targets: [leaf(r.a), leaf(r.b)] }, portkeyTarget(fake, r.backup)],
      };
      plans.push({ system: portkeySystem(portkey, config, name), routes: r, config });
    }

    const systems: Record<string, OutageSystemResult> = {};
    let outageStartedAtMs = 0;
    let outageEndedAtMs = 0;
    for (const plan of plans) {
      const measured = await measureOutage(ctx, settings, plan);
      systems[plan.system.name] = measured.result;
      outageStartedAtMs = measured.outageStartedAtMs;
      outageEndedAtMs = measured.outageEndedAtMs;
    }
    // At 5 rps and a 20 ms provider, about one request is in flight at a time.
    const inFlight = Math.max(1, Math.ceil((settings.rate * (settings.providerLatencyMs + 5)) / 1000));
    return {
      settings,
      outageStartedAtMs,
      outageEndedAtMs,
      systems,
      replicas: { 'gateway-2x': 2, 'gateway-2x-unshared': 2, 'litellm-proxy-2x': 2, portkey: 1, 'portkey-no-retry': 1 },
      bound: { allowedFails: DEFAULT_ALLOWED_FAILS, inFlight, value: DEFAULT_ALLOWED_FAILS + inFlight + 1 },
      sharedHealthArgs: extraArgs,
    };
  } finally {
    await Promise.allSettled(stops.map((stop) => stop()));
  }
}
