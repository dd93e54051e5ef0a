// The Router's shared-health seam (RouterOptions.sharedHealth), with a source
// scripted by the test and the real SDKs against the fake provider: what the
// view says is cooling is skipped, and every finished call is reported at once.
import type { SharedHealthView } from '../../../src/core/shared-state';
import type { AttemptResult } from '../../../src/core/types';
import type { SharedHealthSource } from '../../../src/router';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { deployment, loadTestConfig, makeRouter, manualClock } from './helpers';

interface Report {
  deploymentId: string;
  result: AttemptResult;
}

/** A source with a settable view; the first view is a promise, as a first read is. */
function scriptedSource(initial: SharedHealthView): SharedHealthSource & { reports: Report[]; set(view: SharedHealthView): void; views: number } {
  let view = initial;
  let first = true;
  const source = {
    reports: [] as Report[],
    views: 0,
    set(next: SharedHealthView) {
      view = next;
    },
    view() {
      source.views++;
      if (first) {
        first = false;
        return new Promise<SharedHealthView>((resolve) => setTimeout(() => resolve(view), 5));
      }
      return view;
    },
    report(deploymentId: string, result: AttemptResult) {
      source.reports.push({ deploymentId, result });
    },
  };
  return source;
}

describe('Router with shared health', () => {
  let fake: FakeProviderServer;
  beforeAll(async () => {
    fake = await startFakeProviderServer();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const config = () => loadTestConfig([deployment(fake, 'chat', 'a', 'openai/gpt-4o-mini'), deployment(fake, 'chat', 'b', 'openai/gpt-4o-mini')], { num_retries: 1, retry_after: 0 });
  const ask = { model: 'chat', messages: [{ role: 'user' as const, content: 'hi' }] };

  test('a deployment the shared view says is cooling gets no call, from the first request on', async () => {
    const clock = manualClock();
    const until = clock.now() + 60_000;
    const source = scriptedSource({ a: { cooldownUntil: until, cooldownReason: { errorClass: 'ServiceUnavailableError', status: 503, rule: 'allowed-fails' } } });
    const router = makeRouter(config(), { sharedHealth: source, now: clock.now });
    for (let i = 0; i < 12; i++) expect((await router.completion(ask)).routing.deployment).toBe('b');
    expect(fake.count('a')).toBe(0);
    expect(router.getState().deployments.a?.cooldownUntil).toBe(until);
    // The cooldown ends, and the fleet knows nothing more of it: the router calls it again.
    source.set({});
    clock.advance(60_001);
    const served = new Set<string>();
    for (let i = 0; i < 12; i++) served.add((await router.completion(ask)).routing.deployment);
    expect(served).toEqual(new Set(['a', 'b']));
    expect(source.views).toBeGreaterThanOrEqual(24);
  });

  test('every finished call is reported, failures with their class and status, before the retry', async () => {
    fake.script('a', [{ status: 503, errorMessage: 'down' }], { after: { status: 200 } });
    const source = scriptedSource({});
    const router = makeRouter(config(), { sharedHealth: source, random: () => 0 });
    const routed = await router.completion(ask);
    const ids = routed.routing.attemptLog.map((a) => a.deploymentId);
    expect(source.reports.map((r) => r.deploymentId)).toEqual(ids);
    const failed = source.reports.find((r) => !r.result.ok);
    expect(failed).toBeDefined();
    expect(failed?.result).toMatchObject({ ok: false, status: 503 });
    expect(typeof (failed?.result as { errorClass?: unknown }).errorClass).toBe('string');
    expect(source.reports[source.reports.length - 1]?.result.ok).toBe(true);
  });

  test('a stream reports its call once it has ended', async () => {
    const source = scriptedSource({});
    const router = makeRouter(config(), { sharedHealth: source });
    let text = '';
    for await (const chunk of router.stream({ ...ask, stream: true })) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toMatch(/fake deployment/);
    expect(source.reports).toHaveLength(1);
    expect(source.reports[0]?.result).toMatchObject({ ok: true, stream: true });
  });

  test('a call the caller cancels is reported to nobody', async () => {
    const gate = fake.gate();
    fake.script('a', [{ gate }]);
    fake.script('b', [{ gate }]);
    const source = scriptedSource({});
    const router = makeRouter(config(), { sharedHealth: source });
    const abort = new AbortController();
    const call = router.completion(ask, { signal: abort.signal });
    await gate.arrived;
    abort.abort();
    await expect(call).rejects.toThrow();
    gate.release();
    expect(source.reports).toEqual([]);
  });
});
