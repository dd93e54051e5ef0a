// The fake provider in its own process, so its CPU never competes with the
// system under test on one event loop. The parent sets each route's behaviour
// by message; the child keeps every request's arrival time per route.
import { startFakeProviderServer, type FakeProviderServer, type FakeStep, type RecordedRequest } from '../../src/testing';
import { serveParent } from './child';

export type FakeProviderMessage =
  | { type: 'set'; route: string; step: FakeStep }
  | { type: 'arrivals'; routes: string[] }
  | { type: 'reset' };

export interface FakeProviderReady {
  url: string;
}

// `script()` forgets a route's recorded requests, so arrivals are archived first.
const archive = new Map<string, Arrival[]>();

/** When a request arrived and the load generator's sequence tag (`[#n]` in its messages), if any. */
export type Arrival = [receivedAt: number, tag: number | null];

const TAG = /\[#(\d+)\]/;

function toArrival(r: RecordedRequest): Arrival {
  const messages = (r.body as { messages?: unknown } | undefined)?.messages;
  const match = TAG.exec(JSON.stringify(messages ?? ''));
  return [r.receivedAt, match ? Number(match[1]) : null];
}

function archiveRoute(fake: FakeProviderServer, route: string): void {
  const arrivals = archive.get(route) ?? [];
  for (const r of fake.requests(route)) arrivals.push(toArrival(r));
  archive.set(route, arrivals);
}

// Listen before the server is up: a message that arrives with no listener is lost.
const ready = startFakeProviderServer();
serveParent<FakeProviderMessage | { type: 'hello' }>(async (message) => {
    const fake = await ready;
    switch (message.type) {
      case 'hello':
        return { url: fake.url } satisfies FakeProviderReady;
      case 'set':
        archiveRoute(fake, message.route);
        fake.script(message.route, [], { after: message.step });
        return null;
      case 'arrivals': {
        const out: Record<string, Arrival[]> = {};
        for (const route of message.routes) out[route] = [...(archive.get(route) ?? []), ...fake.requests(route).map(toArrival)];
        return out;
      }
      case 'reset':
        archive.clear();
        fake.reset();
        return null;
    }
});
process.once('SIGTERM', () => {
  void ready.then((fake) => fake.close()).then(() => process.exit(0));
});
