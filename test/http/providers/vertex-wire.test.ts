import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProviderRegistry } from '../../../src/providers';
import type { ChatChunk } from '../../../src/providers/types';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { collect, deploymentOn } from './helpers';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
let fake: FakeProviderServer;
let dir: string;
let keyFile: string;
let env: Record<string, string>;

function serviceAccount(privateKey = keys.privateKey): Record<string, string> {
  return {
    type: 'service_account',
    project_id: 'key-project',
    private_key_id: 'key-1',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: 'router@key-project.iam.gserviceaccount.com',
    token_uri: fake.googleTokenUri('oauth'),
  };
}

beforeAll(async () => {
  fake = await startFakeProviderServer({ googleServiceAccountPublicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  dir = mkdtempSync(join(tmpdir(), 'vertex-key-'));
  keyFile = join(dir, 'sa.json');
  writeFileSync(keyFile, JSON.stringify(serviceAccount()));
  env = { FAKE_VERTEX_KEY: keyFile };
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

const GEMINI = 'vertex_ai/gemini-2.5-flash';
const CLAUDE = 'vertex_ai/claude-3-5-sonnet-v2@20241022';

describe('vertex ai: service-account credentials', () => {
  it('exchanges a signed JWT at the key file\'s token_uri and calls Gemini with the token, under project and location', async () => {
    const registry = createProviderRegistry({ env });
    const response = await registry.complete(deploymentOn(fake, 'gem', GEMINI, { vertex: { location: 'europe-west4', credentials: 'os.environ/FAKE_VERTEX_KEY' } }), {
      messages: [{ role: 'user', content: 'hello vertex' }],
    });
    expect(response.choices[0]?.message.content).toBe('Hello from fake deployment "gem". You said: hello vertex');
    const [grant] = fake.requests('oauth');
    expect(grant?.body).toMatchObject({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' });
    expect(grant?.auth).toEqual({ issuer: 'router@key-project.iam.gserviceaccount.com', scope: 'https://www.googleapis.com/auth/cloud-platform', signatureValid: true });
    const request = fake.requests('gem')[0];
    // The project comes from the key, the location from vertex_location.
    expect(request?.path).toBe('/gem/v1beta1/projects/key-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent');
    expect(request?.auth).toMatchObject({ scheme: 'Bearer', token: 'ya29.fake-oauth-1' });
    expect(response.routing).toMatchObject({ provider: 'vertex_ai', model: 'gemini-2.5-flash' });
    expect(response.routing?.costUsd).toBeGreaterThan(0);
  });

  it('reuses the token across calls, and takes the key JSON itself from the environment', async () => {
    const registry = createProviderRegistry({ env: { KEY_JSON: JSON.stringify(serviceAccount()) } });
    const deployment = deploymentOn(fake, 'reuse', GEMINI, { vertex: { project: 'explicit-project', credentials: 'os.environ/KEY_JSON' } });
    await registry.complete(deployment, { messages: [{ role: 'user', content: 'one' }] });
    await registry.complete(deployment, { messages: [{ role: 'user', content: 'two' }] });
    expect(fake.count('oauth')).toBe(1);
    expect(fake.requests('reuse').map((r) => r.path)).toEqual([
      '/reuse/v1beta1/projects/explicit-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent',
      '/reuse/v1beta1/projects/explicit-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent',
    ]);
  });

  it('fails with AuthenticationError when the token endpoint refuses the key, and never calls the model', async () => {
    const registry = createProviderRegistry({ env: { KEY_JSON: JSON.stringify(serviceAccount(otherKeys.privateKey)) } });
    fake.script('oauth', [{ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } }]);
    await expect(registry.complete(deploymentOn(fake, 'refused', GEMINI, { vertex: { credentials: 'os.environ/KEY_JSON' } }), { messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      name: 'AuthenticationError',
      retryable: false,
    });
    expect(fake.requests('oauth')[0]?.auth).toMatchObject({ signatureValid: false });
    expect(fake.count('refused')).toBe(0);
  });

  it('names the missing variable or unreadable file before any request', async () => {
    const registry = createProviderRegistry({ env: {} });
    await expect(registry.complete(deploymentOn(fake, 'nokey', GEMINI), { messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      name: 'AuthenticationError',
      message: expect.stringContaining('FAKE_VERTEX_KEY') as unknown,
    });
    await expect(
      registry.complete(deploymentOn(fake, 'nokey', GEMINI, { vertex: { credentials: join(dir, 'missing.json') } }), { messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ name: 'AuthenticationError', message: expect.stringContaining('missing.json') as unknown });
    expect(fake.count('nokey')).toBe(0);
    expect(fake.count('oauth')).toBe(0);
  });
});

describe('vertex ai: Claude through @anthropic-ai/vertex-sdk', () => {
  // A key file path written directly in vertex_credentials.
  const claude = (route: string) => deploymentOn(fake, route, CLAUDE, { vertex: { project: 'claude-project', location: 'us-east5', credentials: keyFile } });

  it('posts the Anthropic body to :rawPredict, model in the path, with cache_control and a structured system prompt', async () => {
    const response = await createProviderRegistry({ env }).complete(claude('claude'), {
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Long reference text.', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: 'Question?', cache_control: { type: 'ephemeral', ttl: '1h' } },
      ],
      thinking: { type: 'enabled', budget_tokens: 2000 },
    });
    expect(response.choices[0]?.message.content).toBe('Hello from fake deployment "claude". You said: Question?');
    const request = fake.requests('claude')[0];
    expect(request?.path).toBe('/claude/v1/projects/claude-project/locations/us-east5/publishers/anthropic/models/claude-3-5-sonnet-v2@20241022:rawPredict');
    expect(request?.auth).toMatchObject({ scheme: 'Bearer' });
    const body = request?.body as Record<string, unknown>;
    expect(body.model).toBeUndefined();
    expect(typeof body.anthropic_version).toBe('string');
    expect(body.system).toEqual([
      { type: 'text', text: 'Long reference text.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Be brief.' },
    ]);
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Question?', cache_control: { type: 'ephemeral', ttl: '1h' } }] }]);
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 2000 });
    expect(body.max_tokens).toBe(4096 + 2000);
    // Claude 3.5 Sonnet v2 on Vertex: $3 / $15 per million.
    const u = response.usage;
    expect(response.routing?.costUsd).toBeCloseTo((u?.prompt_tokens ?? 0) * 3e-6 + (u?.completion_tokens ?? 0) * 15e-6, 12);
  });

  it('closes the stream when the consumer stops early', async () => {
    fake.script('claude-early', [{ chunkDelayMs: 20 }]);
    let count = 0;
    for await (const _chunk of createProviderRegistry({ env }).stream(claude('claude-early'), { messages: [{ role: 'user', content: 'a long answer please' }] })) {
      count += 1;
      if (count === 2) break;
    }
    await expect(fake.responseEnd('claude-early')).resolves.toBe('closed-by-client');
  });

  it('streams through :streamRawPredict', async () => {
    const chunks = await collect(createProviderRegistry({ env }).stream(claude('claude-stream'), { messages: [{ role: 'user', content: 'stream me' }] }));
    expect(fake.requests('claude-stream')[0]?.path).toMatch(/:streamRawPredict$/);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello from fake deployment "claude-stream". You said: stream me');
    expect((chunks[chunks.length - 1] as ChatChunk).usage?.completion_tokens).toBeGreaterThan(0);
  });
});

describe('vertex ai: tools and JSON mode', () => {
  const LOOKUP = {
    type: 'function' as const,
    function: { name: 'lookup_order', parameters: { type: 'object', properties: { order_id: { type: 'string' } } } },
  };

  it.each([
    ['Gemini', GEMINI],
    ['Claude', CLAUDE],
  ])('%s: a tool call comes back as OpenAI tool_calls, and a json_schema answer as JSON text', async (label, model) => {
    const registry = createProviderRegistry({ env });
    const route = `vtools-${label.toLowerCase()}`;
    const deployment = deploymentOn(fake, route, model);
    const tool = await registry.complete(deployment, { messages: [{ role: 'user', content: 'order 5?' }], tools: [LOOKUP], tool_choice: 'required' });
    expect(tool.choices[0]?.finish_reason).toBe('tool_calls');
    expect(tool.choices[0]?.message.tool_calls?.[0]?.function).toEqual({ name: 'lookup_order', arguments: JSON.stringify({ order_id: 'fake' }) });
    const json = await registry.complete(deployment, {
      messages: [{ role: 'user', content: 'A book.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'b', schema: { type: 'object', properties: { title: { type: 'string' } } } } },
    });
    expect(JSON.parse(json.choices[0]?.message.content ?? '')).toEqual({ title: 'fake' });
    expect(fake.count(route)).toBe(2);
  });
});

describe('vertex ai: Gemini streaming and embeddings', () => {
  it('streams Gemini over Vertex with alt=sse', async () => {
    const chunks = await collect(createProviderRegistry({ env }).stream(deploymentOn(fake, 'vstream', GEMINI), { messages: [{ role: 'user', content: 'go' }] }));
    expect(fake.requests('vstream')[0]?.path).toMatch(/\/projects\/fake-project\/locations\/us-east5\/publishers\/google\/models\/gemini-2\.5-flash:streamGenerateContent$/);
    expect(fake.requests('vstream')[0]?.query.alt).toBe('sse');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello from fake deployment "vstream". You said: go');
  });

  it('embeds text-embedding models through :predict, with the token counts Vertex reports', async () => {
    const response = await createProviderRegistry({ env }).embed(deploymentOn(fake, 'vembed', 'vertex_ai/text-embedding-005'), { input: ['alpha beta', 'gamma'], dimensions: 16 });
    expect(fake.requests('vembed')[0]?.path).toMatch(/models\/text-embedding-005:predict$/);
    expect(fake.requests('vembed')[0]?.body).toEqual({ instances: [{ content: 'alpha beta' }, { content: 'gamma' }], parameters: { outputDimensionality: 16 } });
    expect(response.data.map((d) => d.embedding.length)).toEqual([16, 16]);
    expect(response.usage.prompt_tokens).toBe(3 + 2);
  });
});
