import { resolve } from 'node:path';
import { forkTs } from './child';
import type { ForwardingProxyReady } from './forwarding-proxy-process';

export interface ForwardingProxy {
  /** Same paths as the upstream: `${url}/<route>/v1` reaches the fake's route. */
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts the bare forwarding proxy (see forwarding-proxy-process.ts) in front of `upstreamOrigin`. */
export async function startForwardingProxy(upstreamOrigin: string): Promise<ForwardingProxy> {
  const child = forkTs<{ type: 'hello' }>(resolve(__dirname, 'forwarding-proxy-process.ts'), [upstreamOrigin]);
  const ready = await child.request<ForwardingProxyReady>({ type: 'hello' }, 60_000);
  return { url: ready.url, pid: child.pid, stop: () => child.stop() };
}
