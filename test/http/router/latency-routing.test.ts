import type { Router } from '../../../src/router';
import { startFakeProviderServer, type FakeGate, type FakeProviderServer } from '../../../src/testing';
import { ask, deployment, loadTestConfig, makeRouter, manualClock } from './helpers';

/**
 * Latency is measured with the router's injected clock, and the slow
 * deployment's "slowness" is the test moving that clock while the fake server
 * holds the response at a gate. No real waiting, and the same decisions every run.
 */
describe('latency-based routing', () => {
  let fake: FakeProviderServer;
  beforeAll(async () => {
    fake = await startFakeProviderServer();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const SLOW_MS = 4000;

  function slowSteps(n: number): FakeGate[] {
    const gates = Array.from({ length: n }, () => fake.gate());
    fake.script('b', gates.map((gate) => ({ gate })));
    return gates;
  }

  /** Sends one request; if it reaches the slow deployment, that call "takes" SLOW_MS of clock time. */
  async function send(router: Router, clock: { advance(ms: number): void }, gates: readonly FakeGate[]): Promise<string> {
    const gate = gates[fake.count('b')];
    const pending = router.completion(ask('chat'));
    if (gate !== undefined) {
      const first = await Promise.race([pending.then(() => 'done' as const), gate.arrived.then(() => 'slow' as const)]);
      if (first === 'slow') {
        clock.advance(SLOW_MS);
        gate.release();
      }
    }
    return (await pending).routing.deployment;
  }

  it('shifts traffic away from a deployment that slows down, and back once its slow samples age out', async () => {
    const clock = manualClock();
    const router = makeRouter(
      loadTestConfig(
        [deployment(fake, 'chat', 'a', 'openai/gpt-4o-mini'), deployment(fake, 'chat', 'b', 'anthropic/claude-3-5-haiku-20241022')],
        { routing_strategy: 'latency-based-routing', routing_strategy_args: { ttl: 60 } },
      ),
      { now: clock.now },
    );

    // Phase 1: both fast. New deployments score 0, so both get explored.
    const phase1: string[] = [];
    for (let i = 0; i < 6; i++) phase1.push(await send(router, clock, []));
    expect(new Set(phase1)).toEqual(new Set(['a', 'b']));

    // Phase 2: b slows down. One slow sample is enough for a to take the traffic.
    fake.script('a', []);
    const gates = slowSteps(10);
    const phase2: string[] = [];
    for (let i = 0; i < 10; i++) phase2.push(await send(router, clock, gates));
    expect(fake.count('b')).toBeLessThanOrEqual(1);
    expect(fake.count('a')).toBeGreaterThanOrEqual(9);
    expect(phase2.filter((d) => d === 'a').length).toBe(fake.count('a'));

    // Phase 3: b is fast again; once its slow sample is older than the ttl it is explored again.
    fake.script('a', []);
    fake.script('b', []);
    clock.advance(61_000);
    for (let i = 0; i < 8; i++) await send(router, clock, []);
    expect(fake.count('b')).toBeGreaterThanOrEqual(1);
    expect(fake.count('a') + fake.count('b')).toBe(8);
  });

  it('records latency per output token with the injected clock', async () => {
    const clock = manualClock();
    const router = makeRouter(
      loadTestConfig([deployment(fake, 'chat', 'b', 'anthropic/claude-3-5-haiku-20241022')], { routing_strategy: 'latency-based-routing' }),
      { now: clock.now },
    );
    const gates = slowSteps(1);
    await send(router, clock, gates);
    const samples = router.getState().deployments.b?.latency ?? [];
    expect(samples).toHaveLength(1);
    expect(samples[0]?.value).toBeGreaterThan(0);
    expect(samples[0]?.value).toBeLessThanOrEqual(SLOW_MS);
  });
});
