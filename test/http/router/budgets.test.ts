// Provider and deployment budgets on the in-process Router: cost recorded from
// each response (price data), a spent budget takes its deployments out of
// rotation until the window ends, through the real SDKs against the fakes.
import { NoDeploymentsAvailableError } from '../../../src/core/errors';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { ask, deployment, loadTestConfig, makeRouter, manualClock } from './helpers';

describe('budgets', () => {
  let fake: FakeProviderServer;
  beforeAll(async () => {
    fake = await startFakeProviderServer();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const price = { input_cost_per_token: 0.0001, output_cost_per_token: 0.0001 };

  it('a provider budget of $0.01/hour moves traffic to the other provider once spent, and back in the next hour', async () => {
    const clock = manualClock(Date.UTC(2026, 11, 1, 10, 0, 0));
    const config = loadTestConfig(
      [deployment(fake, 'chat', 'oa', 'openai/gpt-4o-mini', { ...price, order: 1 }), deployment(fake, 'chat', 'an', 'anthropic/claude-3-5-haiku-latest', { ...price, order: 2 })],
      { provider_budget_config: { openai: { budget_limit: 0.01, time_period: '1h' } } },
    );
    const router = makeRouter(config, { now: clock.now });
    let spent = 0;
    let callsWhileUnder = 0;
    const servedBy: string[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await router.completion(ask('chat'));
      servedBy.push(response.routing.deployment);
      if (response.routing.deployment === 'oa') {
        expect(spent).toBeLessThan(0.01);
        callsWhileUnder++;
        spent += response.routing.costUsd ?? 0;
      }
      clock.advance(1_000);
    }
    expect(spent).toBeGreaterThanOrEqual(0.01);
    // Every OpenAI call started under the budget; after that, all went to Anthropic.
    expect(fake.count('oa')).toBe(callsWhileUnder);
    expect(servedBy.slice(callsWhileUnder)).toEqual(Array(12 - callsWhileUnder).fill('an'));
    expect(callsWhileUnder).toBeGreaterThan(1);
    clock.advance(3_600_000);
    expect((await router.completion(ask('chat'))).routing.deployment).toBe('oa');
  });

  it('a deployment budget spent with no other deployment left is a NoDeploymentsAvailableError naming the budget', async () => {
    const config = loadTestConfig([deployment(fake, 'solo', 'only', 'openai/gpt-4o-mini', { ...price, max_budget: 0.000001, budget_duration: '1d' })]);
    const router = makeRouter(config);
    await router.completion(ask('solo'));
    const error = await router.completion(ask('solo')).catch((e: unknown) => e);
    expect(NoDeploymentsAvailableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/No deployments available for model group "solo" \(earliest back at .*\): only: budget/);
    expect(fake.count('only')).toBe(1);
  });

  it('bad budget entries are config errors naming their path', () => {
    expect(() => loadTestConfig([deployment(fake, 'a', 'a', 'openai/gpt-4o')], { provider_budget_config: { opnai: { budget_limit: 1, time_period: '1h' } } })).toThrow('router_settings.provider_budget_config.opnai: unknown provider "opnai" (did you mean "openai"?)');
    expect(() => loadTestConfig([deployment(fake, 'a', 'a', 'openai/gpt-4o')], { provider_budget_config: { openai: { budget_limit: 1, time_period: 'hourly' } } })).toThrow('router_settings.provider_budget_config.openai.time_period: expected a period such as "30m", "1h", "1d" or "1mo", got "hourly"');
    expect(() => loadTestConfig([deployment(fake, 'a', 'a', 'openai/gpt-4o', { max_budget: 5 })])).toThrow('model_list[0].litellm_params.budget_duration: max_budget and budget_duration go together');
  });
});
