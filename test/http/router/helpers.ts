import { parseConfigObject, type LoadedRouterConfig } from '../../../src/config';
import { Router, type RouterOptions } from '../../../src/router';
import type { FakeProviderServer } from '../../../src/testing';

export const TEST_ENV = { FAKE_KEY: 'sk-fake-router-test' };

type Json = Record<string, unknown>;

/** A model_list entry for `model` pointed at a fake route; the route doubles as the deployment id. */
export function deployment(fake: FakeProviderServer, group: string, route: string, model: string, extra: Json = {}): Json {
  const provider = model.slice(0, model.indexOf('/'));
  const apiBase = provider === 'anthropic' ? fake.anthropicBaseUrl(route) : fake.openaiBaseUrl(route);
  return {
    model_name: group,
    litellm_params: { model, api_base: apiBase, api_key: 'os.environ/FAKE_KEY', ...extra },
    model_info: { id: route },
  };
}

export function loadTestConfig(modelList: Json[], routerSettings: Json = {}): LoadedRouterConfig {
  // Prices only where a test sets them, so cost routing sees exactly the test's numbers.
  return parseConfigObject({ model_list: modelList, router_settings: routerSettings }, { pricing: null });
}

/** Backoff and cooldown waits are recorded, not slept, so tests never wait on timers. */
export function recordingSleep(): { sleeps: number[]; sleep: NonNullable<RouterOptions['sleep']> } {
  const sleeps: number[] = [];
  return {
    sleeps,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
}

/** A clock tests move by hand; the router and the provider registry both read it. */
export function manualClock(start = 1_800_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** Deterministic [0, 1) sequence (mulberry32), so weighted picks repeat run to run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeRouter(config: LoadedRouterConfig, options: RouterOptions = {}): Router {
  return new Router(config, { env: TEST_ENV, random: seededRandom(7), ...options });
}

export function counts(fake: FakeProviderServer, routes: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of routes) out[r] = fake.count(r);
  return out;
}

export const ask = (model: string, content = 'Say hello.') => ({ model, messages: [{ role: 'user' as const, content }] });

export async function collectText(stream: AsyncIterable<{ choices: Array<{ delta: { content?: string | null } }> }>): Promise<string> {
  let text = '';
  for await (const chunk of stream) for (const c of chunk.choices) text += c.delta.content ?? '';
  return text;
}
