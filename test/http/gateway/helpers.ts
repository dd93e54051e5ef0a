import { Writable } from 'node:stream';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { parseConfigObject } from '../../../src/config';
import { createGateway, type Gateway, type GatewayOptions } from '../../../src/gateway';
import { Router } from '../../../src/router';
import { seededRandom, TEST_ENV } from '../router/helpers';

export { deployment } from '../router/helpers';

/** Gateway keys of the tests: fake values that look like no real provider key. */
export const MASTER_KEY = 'gw-master-test-3f1c';
export const TEAM_KEY = 'gw-team-test-9a7e';

type Json = Record<string, unknown>;

export interface TestGateway {
  gateway: Gateway;
  url: string;
  /** Everything the gateway logged (pino JSON lines), when started with `log: true`. */
  log: string[];
  openai(key?: string, options?: Partial<ConstructorParameters<typeof OpenAI>[0]>): OpenAI;
  anthropic(key?: string): Anthropic;
  close(): Promise<void>;
}

export interface StartOptions extends Omit<GatewayOptions, 'config' | 'router'> {
  /** Capture the gateway's request log at info level. */
  log?: boolean;
}

/** A gateway on a free loopback port over a LiteLLM-shaped config; clients run with retries off, like the router. */
export async function startTestGateway(config: Json, options: StartOptions = {}): Promise<TestGateway> {
  const { log: capture, ...rest } = options;
  const loaded = parseConfigObject(config, { pricing: null });
  const router = new Router(loaded, { env: TEST_ENV, random: seededRandom(7) });
  const log: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log.push(chunk.toString());
      done();
    },
  });
  const gateway = await createGateway({
    router,
    processMetrics: false,
    ...(capture ? { logger: { level: 'info', stream } } : {}),
    ...rest,
  });
  const url = await gateway.listen({ port: 0, host: '127.0.0.1' });
  return {
    gateway,
    url,
    log,
    openai: (key = MASTER_KEY, extra = {}) => new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0, ...extra }),
    anthropic: (key = MASTER_KEY) => new Anthropic({ apiKey: key, baseURL: url, maxRetries: 0 }),
    close: () => gateway.close(),
  };
}

export function withKeys(config: Json, keys: Json[] = []): Json {
  return { ...config, general_settings: { master_key: MASTER_KEY }, ...(keys.length > 0 ? { keys } : {}) };
}

/** The body of an error an SDK raised (`error.error` in both SDKs). */
export function errorBodyOf(error: unknown): Record<string, unknown> {
  return ((error as { error?: unknown }).error ?? {}) as Record<string, unknown>;
}

export async function rejection(promise: Promise<unknown>): Promise<Error & { status?: number; headers?: Headers }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { status?: number; headers?: Headers };
  }
  throw new Error('expected the call to fail');
}
