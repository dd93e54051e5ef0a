import { buildRouterConfig } from '../../../src/core';
import {
  applyOutcome,
  applyProbe,
  configFingerprint,
  cooldownViews,
  emptyHealth,
  healthViews,
  keepConfigured,
  manualCooldown,
  probeBackoffMs,
  pruneReporters,
} from '../../../workflows/router-health-state';

const config = buildRouterConfig(
  [
    { id: 'a', group: 'chat', model: 'openai/gpt-4o-mini', provider: 'openai' },
    { id: 'b', group: 'chat', model: 'openai/gpt-4.1-mini', provider: 'openai' },
  ],
  { cooldownTimeSec: 60 },
);
const T0 = 1_800_000_000_000;
const fail429 = (seq: number, reporter = 'r1') => ({ reporter, seq, deploymentId: 'a', at: T0, result: { ok: false as const, errorClass: 'RateLimitError', status: 429 } });

test('an outcome applies once per reporter sequence number', () => {
  let h = applyOutcome(config, emptyHealth(), fail429(1), T0).health;
  const again = applyOutcome(config, h, fail429(1), T0 + 1);
  expect(again.health).toBe(h);
  expect(again.cooldown).toBeNull();
  h = applyOutcome(config, h, { ...fail429(1, 'r2'), deploymentId: 'b', result: { ok: true, latencyMs: 100 } }, T0).health;
  expect(h.reporters).toEqual({ r1: { seq: 1, at: T0 }, r2: { seq: 1, at: T0 } });
  expect(h.state.deployments.a?.cooldownUntil).toBe(T0 + 60_000);
  expect(h.state.deployments.a?.inFlight).toBe(0);
  expect(h.state.deployments.b?.successes).toBe(1);
});

test('a successful probe ends the cooldown at once with a clean slate', () => {
  const cooled = applyOutcome(config, emptyHealth(), fail429(1), T0).health;
  const h = applyProbe(config, cooled, { deploymentId: 'a', ok: true }, T0 + 2_000);
  expect(h.state.deployments.a).toMatchObject({ cooldownUntil: 0, cooldownReason: null, failures: 0 });
  expect(healthViews(config, h, T0 + 2_000)[0]?.lastProbe).toEqual({ at: T0 + 2_000, ok: true, restored: true });
  expect(cooldownViews(config, h, T0 + 2_000)).toEqual([]);
});

test('failed probes extend the cooldown with doubling backoff, capped, and never shorten it', () => {
  const backoff = { baseMs: 40_000, maxMs: 100_000 };
  let h = applyOutcome(config, emptyHealth(), fail429(1), T0).health;
  h = applyProbe(config, h, { deploymentId: 'a', ok: false, errorClass: 'ServiceUnavailableError' }, T0 + 30_000, backoff);
  expect(h.state.deployments.a?.cooldownUntil).toBe(T0 + 70_000); // 30 s + 40 s beats the original 60 s
  h = applyProbe(config, h, { deploymentId: 'a', ok: false }, T0 + 31_000, backoff);
  expect(h.state.deployments.a?.cooldownUntil).toBe(T0 + 111_000); // + 80 s
  h = applyProbe(config, h, { deploymentId: 'a', ok: false }, T0 + 32_000, backoff);
  expect(h.state.deployments.a?.cooldownUntil).toBe(T0 + 132_000); // + 100 s cap
  expect(h.probeFailures.a).toBe(3);
  // A short backoff never pulls an existing later end earlier.
  const short = applyProbe(config, applyOutcome(config, emptyHealth(), fail429(1), T0).health, { deploymentId: 'a', ok: false }, T0 + 1_000, { baseMs: 1_000 });
  expect(short.state.deployments.a?.cooldownUntil).toBe(T0 + 60_000);
  expect(probeBackoffMs(1)).toBe(5_000);
  expect(probeBackoffMs(4)).toBe(40_000);
  expect(probeBackoffMs(30)).toBe(300_000);
});

test('a probe of a deployment that is no longer cooling changes only the last-probe mark', () => {
  const h = emptyHealth();
  const after = applyProbe(config, h, { deploymentId: 'a', ok: false, errorClass: 'Timeout' }, T0);
  expect(after.state).toBe(h.state);
  expect(after.lastProbe).toEqual({ a: { at: T0, ok: false, restored: false, errorClass: 'Timeout' } });
});

test('manual cooldown shows as manual; reloading a config forgets removed deployments only', () => {
  const h = manualCooldown(config, emptyHealth(), 'b', 10_000, { action: 'cooldown', at: T0, by: 'ops' }, T0);
  expect(cooldownViews(config, h, T0)).toEqual([expect.objectContaining({ deploymentId: 'b', manual: true, remainingMs: 10_000 })]);
  expect(healthViews(config, h, T0).map((v) => v.status)).toEqual(['healthy', 'cooling']);
  const smaller = buildRouterConfig([{ id: 'a', group: 'chat', model: 'openai/gpt-4o-mini', provider: 'openai' }]);
  expect(Object.keys(keepConfigured(smaller, h).state.deployments)).toEqual([]);
  expect(Object.keys(keepConfigured(config, h).state.deployments)).toEqual(['b']);
});

test('reporters idle longer than the ttl are pruned; the fingerprint follows the config', () => {
  let h = applyOutcome(config, emptyHealth(), fail429(1, 'old'), T0).health;
  h = applyOutcome(config, h, fail429(1, 'new'), T0 + 50_000).health;
  expect(Object.keys(pruneReporters(h, T0 + 60_000, 30_000).reporters)).toEqual(['new']);
  expect(configFingerprint(config)).toBe(configFingerprint(buildRouterConfig(Object.values(config.deployments), { cooldownTimeSec: 60 })));
  expect(configFingerprint(config)).not.toBe(configFingerprint(buildRouterConfig(Object.values(config.deployments), { cooldownTimeSec: 61 })));
});
