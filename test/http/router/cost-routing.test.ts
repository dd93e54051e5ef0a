import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { ask, counts, deployment, loadTestConfig, makeRouter } from './helpers';

describe('cost-based routing', () => {
  let fake: FakeProviderServer;
  beforeAll(async () => {
    fake = await startFakeProviderServer();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const config = () =>
    loadTestConfig(
      [
        deployment(fake, 'chat', 'pricey', 'openai/gpt-4o', { input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001 }),
        deployment(fake, 'chat', 'cheap', 'anthropic/claude-3-5-haiku-20241022', { input_cost_per_token: 0.0000008, output_cost_per_token: 0.000004 }),
        deployment(fake, 'chat', 'mid', 'openai/gpt-4o-mini', { input_cost_per_token: 0.000002, output_cost_per_token: 0.000006 }),
        // No price known: cost routing treats it as the most expensive.
        deployment(fake, 'chat', 'unpriced', 'openai/some-private-model'),
      ],
      { routing_strategy: 'cost-based-routing' },
    );
  const ROUTES = ['pricey', 'cheap', 'mid', 'unpriced'];

  it('sends every request to the cheapest deployment and reports its cost', async () => {
    const router = makeRouter(config());
    for (let i = 0; i < 6; i++) {
      const response = await router.completion(ask('chat'));
      expect(response.routing.decision.strategy).toBe('cost-based-routing');
      expect(response.routing.costUsd).toBeCloseTo(
        (response.usage?.prompt_tokens ?? 0) * 0.0000008 + (response.usage?.completion_tokens ?? 0) * 0.000004,
        12,
      );
    }
    expect(counts(fake, ROUTES)).toEqual({ pricey: 0, cheap: 6, mid: 0, unpriced: 0 });
  });

  it('moves to the next cheapest while the cheapest is cooling down', async () => {
    fake.script('cheap', [{ status: 429, headers: { 'retry-after': '60' } }]);
    const router = makeRouter(config());
    for (let i = 0; i < 4; i++) await router.completion(ask('chat'));
    expect(counts(fake, ROUTES)).toEqual({ pricey: 0, cheap: 1, mid: 4, unpriced: 0 });
  });
});
