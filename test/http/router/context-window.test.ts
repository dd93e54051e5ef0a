import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { ask, counts, deployment, loadTestConfig, makeRouter } from './helpers';

const OVERFLOW = {
  status: 400,
  body: {
    error: {
      message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
      type: 'invalid_request_error',
      param: 'messages',
      code: 'context_length_exceeded',
    },
  },
};

describe('context-window fallback to a larger model', () => {
  let fake: FakeProviderServer;
  beforeAll(async () => {
    fake = await startFakeProviderServer();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const ROUTES = ['short', 'tiny', 'long', 'other'];
  const config = () =>
    loadTestConfig(
      [
        deployment(fake, 'chat', 'short', 'openai/gpt-4', { max_input_tokens: 8192 }),
        deployment(fake, 'chat-tiny', 'tiny', 'openai/gpt-3.5-turbo', { max_input_tokens: 4096 }),
        deployment(fake, 'chat-long', 'long', 'anthropic/claude-3-5-sonnet-20241022', { max_input_tokens: 200000 }),
        deployment(fake, 'chat-other', 'other', 'openai/gpt-4o-mini', { max_input_tokens: 128000 }),
      ],
      {
        num_retries: 2,
        // A window no larger than the one that overflowed is skipped, even when listed first.
        context_window_fallbacks: [{ chat: ['chat-tiny', 'chat-long'] }],
        fallbacks: [{ chat: ['chat-other'] }],
      },
    );

  it('skips retries and smaller windows, and answers from the larger model', async () => {
    fake.script('short', [OVERFLOW]);
    const router = makeRouter(config());
    const response = await router.completion(ask('chat', 'a very long document ...'));
    expect(counts(fake, ROUTES)).toEqual({ short: 1, tiny: 0, long: 1, other: 0 });
    expect(response.routing).toMatchObject({ group: 'chat-long', deployment: 'long', provider: 'anthropic' });
    expect(response.routing.attemptLog[0]?.errorClass).toBe('ContextWindowExceededError');
  });

  it('recognises the Anthropic wording of the same error', async () => {
    fake.script('short', [{ status: 400, errorMessage: 'prompt is too long: 210000 tokens > 200000 maximum' }]);
    const router = makeRouter(config());
    const response = await router.completion(ask('chat'));
    expect(response.routing.attemptLog[0]?.errorClass).toBe('ContextWindowExceededError');
    expect(response.routing.deployment).toBe('long');
  });

  it('does not cool the deployment: the prompt, not the deployment, was at fault', async () => {
    fake.script('short', [OVERFLOW, OVERFLOW, OVERFLOW, OVERFLOW]);
    const router = makeRouter(config());
    for (let i = 0; i < 4; i++) await router.completion(ask('chat'));
    expect(router.getState().deployments.short?.cooldownUntil ?? 0).toBe(0);
    expect(counts(fake, ROUTES)).toEqual({ short: 4, tiny: 0, long: 4, other: 0 });
  });
});
