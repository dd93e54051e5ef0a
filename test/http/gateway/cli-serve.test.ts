// `llm-router serve`: the real binary, started the way a LiteLLM proxy user
// starts theirs, with their config.yaml (master key included) unchanged.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { errorLines, runCli, startCli } from '../cli/run-cli';
import { rejection } from './helpers';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'config', 'litellm-proxy-config.yaml');
const dir = mkdtempSync(join(tmpdir(), 'llm-router-serve-'));

/** A config as LiteLLM's proxy docs write it; only the api_base points at the fake provider. */
function litellmProxyYaml(fake: FakeProviderServer): string {
  return [
    'model_list:',
    '  - model_name: gpt-4o-mini',
    '    litellm_params:',
    '      model: openai/gpt-4o-mini',
    `      api_base: ${fake.openaiBaseUrl('primary')}`,
    '      api_key: os.environ/OPENAI_API_KEY',
    '      rpm: 600',
    '  - model_name: gpt-4o-mini',
    '    litellm_params:',
    '      model: openai/gpt-4o-mini',
    `      api_base: ${fake.openaiBaseUrl('secondary')}`,
    '      api_key: os.environ/OPENAI_API_KEY',
    'litellm_settings:',
    '  drop_params: true',
    '  success_callback: ["langfuse"]',
    'router_settings:',
    '  routing_strategy: simple-shuffle',
    '  num_retries: 2',
    '  retry_after: 0',
    '  redis_host: localhost',
    'general_settings:',
    '  master_key: sk-gateway-test-1234',
    '  database_url: os.environ/DATABASE_URL',
    '',
  ].join('\n');
}

let fake: FakeProviderServer;
beforeAll(async () => {
  fake = await startFakeProviderServer();
});
afterAll(() => fake.close());

async function serve(args: string[], env: NodeJS.ProcessEnv = {}) {
  const server = startCli(['serve', '--port', '0', '--json', ...args], { env: { OPENAI_API_KEY: 'sk-fake-provider-serve', ...env } });
  await server.waitFor(/"url":"http:\/\/127\.0\.0\.1:\d+"/);
  const info = JSON.parse(server.stdout().split('\n').find((l) => l.startsWith('{')) ?? '{}') as { url: string; modelGroups: string[] };
  return { server, info };
}

test('serves a LiteLLM proxy config.yaml unchanged: its master key, its groups, failover, and a clean exit on SIGTERM', async () => {
  const file = join(dir, 'config.yaml');
  writeFileSync(file, litellmProxyYaml(fake));
  fake.script('primary', [], { after: { status: 503 } });
  const { server, info } = await serve(['--config', file]);
  try {
    expect(info.modelGroups).toEqual(['gpt-4o-mini']);
    // The three lines that move an OpenAI app onto the gateway: base URL, the gateway key, a group name.
    const client = new OpenAI({ baseURL: `${info.url}/v1`, apiKey: 'sk-gateway-test-1234', maxRetries: 0 });
    for (let i = 0; i < 3; i++) {
      const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `hello ${i}` }] });
      expect(r.choices[0]?.message.content).toBe(`Hello from fake deployment "secondary". You said: hello ${i}`);
    }
    expect(fake.count('secondary')).toBe(3);
    expect(fake.requests('secondary')[0]?.headers.authorization).toBe('Bearer sk-fake-provider-serve');
    const denied = await rejection(new OpenAI({ baseURL: `${info.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 }).models.list());
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
    // The keys only LiteLLM's proxy reads are named, by path and line, as ignored.
    expect(server.stderr()).toMatch(/warning: .*config\.yaml:\d+:\d+ general_settings\.database_url: ignored/);
    expect(server.stderr()).toMatch(/router_settings\.redis_host: ignored/);
    expect(server.stderr() + server.stdout()).not.toContain('sk-gateway-test-1234');
  } finally {
    server.child.kill('SIGTERM');
  }
  const run = await server.done;
  expect(run.code).toBe(0);
});

test('serves the repository\'s LiteLLM proxy fixture as it is, behind its master key', async () => {
  const { server, info } = await serve(['--config', FIXTURE]);
  try {
    expect(info.modelGroups.sort()).toEqual(['claude-sonnet', 'gpt-4o', 'gpt-4o-long', 'gpt-4o-mini', 'local-llama', 'smart-router']);
    const models = await new OpenAI({ baseURL: `${info.url}/v1`, apiKey: 'sk-1234', maxRetries: 0 }).models.list();
    expect(models.data.map((m) => m.id).sort()).toEqual(info.modelGroups.sort());
  } finally {
    server.child.kill('SIGINT');
  }
  expect((await server.done).code).toBe(0);
});

test('a key variable that is not set, or durable groups without --temporal, stop it at start with one line and exit 2', async () => {
  const file = join(dir, 'keys.yaml');
  writeFileSync(
    file,
    ['model_list:', '  - model_name: chat', `    litellm_params: { model: openai/gpt-4o-mini, api_base: "${fake.openaiBaseUrl('x')}" }`, 'keys:', '  - key: os.environ/TLR_TEST_UNSET_TEAM_KEY', ''].join('\n'),
  );
  const missing = await runCli(['serve', '--config', file, '--port', '0']);
  expect(missing.code).toBe(2);
  expect(errorLines(missing)).toEqual([`llm-router: ${file}: keys[0].key: environment variable TLR_TEST_UNSET_TEAM_KEY (os.environ/TLR_TEST_UNSET_TEAM_KEY) is not set`]);

  const durable = join(dir, 'durable.yaml');
  writeFileSync(durable, ['model_list:', '  - model_name: chat', '    litellm_params: { model: openai/gpt-4o-mini }', 'gateway_settings:', '  durable_groups: [chat]', ''].join('\n'));
  const noTemporal = await runCli(['serve', '--config', durable, '--port', '0']);
  expect(noTemporal.code).toBe(2);
  expect(errorLines(noTemporal)).toEqual([`llm-router: ${durable}: gateway_settings.durable_groups (chat) need Temporal: start the gateway with --temporal`]);

  const bad = await runCli(['serve', '--config', durable, '--port', '70000']);
  expect(bad.code).toBe(2);
});
