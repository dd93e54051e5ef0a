// Wildcards, aliases and tags through the gateway, driven by the real `openai` package.
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { deployment, rejection, startTestGateway, type TestGateway } from './helpers';

let fake: FakeProviderServer;
let gw: TestGateway;

beforeAll(async () => {
  fake = await startFakeProviderServer();
  gw = await startTestGateway({
    model_list: [
      deployment(fake, 'openai/*', 'wild', 'openai/*'),
      deployment(fake, 'chat', 'free', 'openai/gpt-4o-mini', { tags: ['free'] }),
      deployment(fake, 'chat', 'paid', 'openai/gpt-4o', { tags: ['paid'] }),
    ],
    router_settings: { enable_tag_filtering: true, model_group_alias: { 'gpt-3.5-turbo': 'chat', 'legacy-chat': { model: 'chat', hidden: true } } },
  });
});
afterAll(async () => {
  await gw.close();
  await fake.close();
});
beforeEach(() => fake.reset());

it('/v1/models lists groups and visible aliases, not wildcards or hidden aliases; all of them route', async () => {
  const listed = (await gw.openai().models.list()).data.map((m) => m.id).sort();
  expect(listed).toEqual(['chat', 'gpt-3.5-turbo']);
  const client = gw.openai();
  const wild = await client.chat.completions.create({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
  expect(wild.response.headers.get('x-llm-router-deployment')).toBe('wild|openai/gpt-4.1-mini');
  expect((fake.requests('wild')[0]?.body as { model?: string }).model).toBe('gpt-4.1-mini');
  // Tags as LiteLLM's proxy takes them: metadata.tags, or tags at the top level.
  const hidden = await client.chat.completions.create({ model: 'legacy-chat', messages: [{ role: 'user', content: 'hi' }], metadata: { tags: ['paid'] } } as never).withResponse();
  expect(hidden.response.headers.get('x-llm-router-deployment')).toBe('paid');
  const top = await client.chat.completions.create({ model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'hi' }], tags: ['free'] } as never).withResponse();
  expect(top.response.headers.get('x-llm-router-deployment')).toBe('free');
  expect((fake.requests('free')[0]?.body as Record<string, unknown>).tags).toBeUndefined();
  const none = await rejection(client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], tags: ['gold'] } as never));
  expect(none.message).toContain('No deployment of model group "chat" matches the request\'s tags ["gold"]');
  const unknown = await rejection(client.chat.completions.create({ model: 'mistral/large', messages: [{ role: 'user', content: 'hi' }] }));
  expect(unknown.status).toBe(400);
});
