// healthAgentSource: when the Router's shared view costs a read of the
// routerHealth entity and when it does not. The agent here is a stand-in with
// the agent's read side (state, config, ready, poll); the real agent against a
// real entity is in test/integration/gateway/shared-health-replicas.test.ts.
import { buildRouterConfig } from '../../../src/core';
import { emptyRouterState } from '../../../src/core/state';
import type { DeploymentState, RouterConfig, RouterState } from '../../../src/core/types';
import type { HealthAgent } from '../../../src/temporal/health/agent';
import { healthAgentSource } from '../../../src/temporal/health/router-source';

const T0 = 1_800_000_000_000;
const config = buildRouterConfig(
  [
    { id: 'a', group: 'chat', model: 'openai/gpt-4o-mini', provider: 'openai' },
    { id: 'b', group: 'chat', model: 'openai/gpt-4.1-mini', provider: 'openai' },
  ],
  { cooldownTimeSec: 60 },
);

function deployment(over: Partial<DeploymentState>): DeploymentState {
  return { window: 0, successes: 0, failures: 0, failuresByClass: {}, rpmUsed: 0, tpmUsed: 0, inFlight: 0, cooldownUntil: 0, cooldownReason: null, latency: [], ttft: [], ...over };
}

/** The read side of a HealthAgent; `poll()` installs `next` as the entity's state after `pollDelayMs` (never, with Infinity). */
function standIn(initial: RouterState, pollDelayMs = 0) {
  let state = initial;
  let routing: RouterConfig | null = config;
  const agent = {
    polls: 0,
    next: initial,
    reports: [] as string[],
    unread() {
      routing = null;
    },
    routingConfig: () => routing,
    state: () => state,
    ready: () => Promise.resolve(),
    poll() {
      agent.polls++;
      // Infinity: a read that never answers.
      if (pollDelayMs === Infinity) return new Promise<void>(() => undefined);
      return new Promise<void>((resolve) => setTimeout(() => {
        state = agent.next;
        routing = config;
        resolve();
      }, pollDelayMs));
    },
    report(id: string) {
      agent.reports.push(id);
    },
  };
  return agent;
}

const asAgent = (s: ReturnType<typeof standIn>) => s as unknown as HealthAgent;

test('the first view waits for the first read; later views of a healthy fleet are plain values, and nothing is read per pick', async () => {
  const agent = standIn(emptyRouterState());
  const source = healthAgentSource(asAgent(agent), { now: () => T0 });
  const first = source.view();
  expect(first).toBeInstanceOf(Promise);
  expect(await first).toEqual({});
  for (let i = 0; i < 5; i++) expect(source.view()).toEqual({});
  expect(agent.polls).toBe(0);
});

test('a cooling deployment is in the view and costs no read', async () => {
  const agent = standIn({ deployments: { a: deployment({ failures: 4, cooldownUntil: T0 + 60_000, cooldownReason: { errorClass: 'ServiceUnavailable', status: 503, rule: 'allowed-fails' } }) } });
  const source = healthAgentSource(asAgent(agent), { now: () => T0 });
  await source.view();
  const view = source.view();
  expect(view).toEqual({ a: { cooldownUntil: T0 + 60_000, cooldownReason: { errorClass: 'ServiceUnavailable', status: 503, rule: 'allowed-fails' } } });
  expect(agent.polls).toBe(0);
});

test('a deployment that failed somewhere and is not cooling yet makes each pick read the entity first, one read for every pick waiting on it', async () => {
  const agent = standIn({ deployments: { a: deployment({ failures: 1, suspect: true }) } }, 20);
  const source = healthAgentSource(asAgent(agent), { now: () => T0 });
  await source.view();
  // Meanwhile the entity cooled it (another replica's failure).
  agent.next = { deployments: { a: deployment({ failures: 2, suspect: true, cooldownUntil: T0 + 60_000, cooldownReason: { errorClass: 'ServiceUnavailable', status: 503, rule: 'allowed-fails' } }) } };
  const picks = [source.view(), source.view(), source.view()];
  for (const p of picks) expect(p).toBeInstanceOf(Promise);
  const views = await Promise.all(picks);
  expect(agent.polls).toBe(1);
  for (const v of views) expect(v.a?.cooldownUntil).toBe(T0 + 60_000);
  // Cooling now: no more reads.
  expect(source.view()).toEqual(views[0]);
  expect(agent.polls).toBe(1);
});

test('a read that does not answer holds a pick up for freshReadWaitMs at most', async () => {
  const agent = standIn({ deployments: { a: deployment({ failures: 1, suspect: true }) } }, Infinity);
  const source = healthAgentSource(asAgent(agent), { now: () => T0, freshReadWaitMs: 30 });
  await source.view();
  const started = Date.now();
  const view = await source.view();
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(view.a?.suspect).toBe(true);
});

test('before the entity was read, the view is empty (the router has its own outcomes); reports go to the agent', async () => {
  const agent = standIn({ deployments: { a: deployment({ failures: 1, suspect: true }) } });
  agent.unread();
  const source = healthAgentSource(asAgent(agent), { now: () => T0 });
  expect(await source.view()).toEqual({});
  source.report('a', { ok: false, errorClass: 'ServiceUnavailable', status: 503, latencyMs: 3 }, T0);
  expect(agent.reports).toEqual(['a']);
});
