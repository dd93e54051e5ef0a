import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { ask, counts, deployment, loadTestConfig, makeRouter } from './helpers';

describe('complexity router tiers', () => {
  let fake: FakeProviderServer;
  beforeAll(async () => {
    fake = await startFakeProviderServer();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const ROUTES = ['small', 'medium', 'large', 'thinker'];
  const config = () =>
    loadTestConfig([
      deployment(fake, 'fast', 'small', 'openai/gpt-4o-mini'),
      deployment(fake, 'balanced', 'medium', 'openai/gpt-4o'),
      deployment(fake, 'strong', 'large', 'anthropic/claude-3-5-sonnet-20241022'),
      deployment(fake, 'deep', 'thinker', 'anthropic/claude-3-7-sonnet-20250219'),
      {
        model_name: 'smart',
        litellm_params: {
          model: 'auto_router/complexity_router',
          complexity_router_config: { tiers: { SIMPLE: 'fast', MEDIUM: 'balanced', COMPLEX: 'strong', REASONING: 'deep' } },
          complexity_router_default_model: 'balanced',
        },
      },
    ]);

  const prompts = {
    SIMPLE: 'What is the capital of France?',
    MEDIUM: 'Explain how an API endpoint works.',
    COMPLEX: 'Write the python class and async function for the api endpoint of a distributed scalable database with encryption, concurrency control and a cache for throughput',
    REASONING:
      'Think through this step by step: prove that the algorithm is correct, analyze the trade-offs of the distributed consensus architecture and derive the latency bound from first principles.',
  } as const;

  it.each([
    ['SIMPLE', 'fast', 'small'],
    ['MEDIUM', 'balanced', 'medium'],
    ['COMPLEX', 'strong', 'large'],
    ['REASONING', 'deep', 'thinker'],
  ] as const)('sends a %s prompt to the "%s" group', async (tier, group, route) => {
    const router = makeRouter(config());
    const response = await router.completion(ask('smart', prompts[tier]));
    expect(response.routing).toMatchObject({ requestedGroup: 'smart', group, deployment: route });
    expect(response.routing.complexity).toMatchObject({ tier, targetGroup: group });
    expect(response.routing.complexity?.score).toEqual(expect.any(Number));
    const expected = Object.fromEntries(ROUTES.map((r) => [r, r === route ? 1 : 0]));
    expect(counts(fake, ROUTES)).toEqual(expected);
  });

  it('scores only the last user message, so a long history of hard questions does not lift a greeting', async () => {
    const router = makeRouter(config());
    const response = await router.completion({
      model: 'smart',
      messages: [
        { role: 'user', content: prompts.REASONING },
        { role: 'assistant', content: 'Here is the proof ...' },
        { role: 'user', content: 'Thanks! What is the capital of France?' },
      ],
    });
    expect(response.routing.complexity?.tier).toBe('SIMPLE');
    expect(counts(fake, ROUTES)).toEqual({ small: 1, medium: 0, large: 0, thinker: 0 });
  });

  it('falls back from a failing tier group through the usual fallbacks', async () => {
    fake.script('thinker', [{ status: 529 }]);
    const cfg = loadTestConfig(
      [
        deployment(fake, 'strong', 'large', 'anthropic/claude-3-5-sonnet-20241022'),
        deployment(fake, 'deep', 'thinker', 'anthropic/claude-3-7-sonnet-20250219'),
        {
          model_name: 'smart',
          litellm_params: { model: 'auto_router/complexity_router', complexity_router_config: { tiers: { SIMPLE: 'strong', MEDIUM: 'strong', COMPLEX: 'strong', REASONING: 'deep' } } },
        },
      ],
      { num_retries: 0, fallbacks: [{ deep: ['strong'] }] },
    );
    const response = await makeRouter(cfg).completion(ask('smart', prompts.REASONING));
    expect(response.routing).toMatchObject({ group: 'strong', fallbackPath: ['deep', 'strong'] });
    expect(response.routing.complexity?.tier).toBe('REASONING');
    expect(counts(fake, ['large', 'thinker'])).toEqual({ large: 1, thinker: 1 });
  });
});
