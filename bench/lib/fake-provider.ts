import { resolve } from 'node:path';
import type { FakeStep } from '../../src/testing';
import { forkTs, type ChildHandle } from './child';
import type { Arrival, FakeProviderMessage, FakeProviderReady } from './fake-provider-process';

export type { Arrival };

/** Parent-side handle on the fake provider process. */
export interface FakeProvider {
  readonly url: string;
  readonly pid: number;
  openaiBaseUrl(route: string): string;
  set(route: string, step: FakeStep): Promise<void>;
  /** Every request per route since the last reset: arrival time (epoch ms) and sequence tag. */
  arrivals(routes: string[]): Promise<Record<string, Arrival[]>>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFakeProvider(): Promise<FakeProvider> {
  const child: ChildHandle<FakeProviderMessage | { type: 'hello' }> = forkTs(resolve(__dirname, 'fake-provider-process.ts'));
  const { url } = await child.request<FakeProviderReady>({ type: 'hello' }, 60_000);
  return {
    url,
    pid: child.pid,
    openaiBaseUrl: (route) => `${url}/${route}/v1`,
    set: (route, step) => child.request({ type: 'set', route, step }),
    arrivals: (routes) => child.request({ type: 'arrivals', routes }),
    reset: () => child.request({ type: 'reset' }),
    stop: () => child.stop(),
  };
}
