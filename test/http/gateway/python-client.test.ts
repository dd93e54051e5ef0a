// The gateway driven by the official Python `openai` package, from a venv the
// setup builds from pinned requirements and caches outside the clone
// (test/support/python-venv.ts). One Python process runs every check
// (python/client_checks.py); each test below asserts on one of them.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { ensurePythonVenv } from '../../support/python-venv';
import { deployment, MASTER_KEY, startTestGateway, withKeys, type TestGateway } from './helpers';

const run = promisify(execFile);
const PYTHON_DIR = join(__dirname, 'python');

type Results = Record<string, Record<string, unknown>>;

let fake: FakeProviderServer;
let gw: TestGateway;
let results: Results;

beforeAll(async () => {
  // First run on a machine: a venv with pinned wheels from PyPI (a minute or two); later runs reuse it.
  const venv = await ensurePythonVenv('gateway-tests', join(PYTHON_DIR, 'requirements.txt'), (line) => process.stderr.write(`${line}\n`));
  fake = await startFakeProviderServer();
  gw = await startTestGateway(
    withKeys({
      model_list: [
        deployment(fake, 'chat', 'py-chat', 'openai/gpt-4o-mini'),
        deployment(fake, 'claude', 'py-claude', 'anthropic/claude-3-5-haiku-20241022'),
        deployment(fake, 'flaky', 'py-down', 'openai/gpt-4o-mini'),
        deployment(fake, 'flaky', 'py-up', 'openai/gpt-4o-mini'),
        deployment(fake, 'dead', 'py-dead', 'openai/gpt-4o-mini'),
        deployment(fake, 'slow', 'py-slow', 'anthropic/claude-3-5-haiku-20241022'),
      ],
      router_settings: { num_retries: 1, retry_after: 0, allowed_fails: 1, cooldown_time: 30 },
    }),
  );
  fake.script('py-down', [], { after: { status: 503 } });
  fake.script('py-dead', [], { after: { status: 500 } });
  fake.script('py-slow', [], { after: { chunkDelayMs: 200 } });
  const args = JSON.stringify({ base_url: `${gw.url}/v1`, key: MASTER_KEY, wrong_key: 'gw-python-wrong-0000' });
  const { stdout } = await run(venv.python, [join(PYTHON_DIR, 'client_checks.py'), args], { timeout: 60_000 });
  results = JSON.parse(stdout) as Results;
}, 15 * 60_000);

afterAll(async () => {
  await gw?.close();
  await fake?.close();
});

test('the pinned openai package is the one that ran', () => {
  expect(results.openai_version).toBe('3.57.0');
});

test('a completion, with the routing headers read through with_raw_response', () => {
  expect(results.completion).toEqual({ content: 'Hello from fake deployment "py-chat". You said: hi from python', deployment: 'py-chat', attempts: '1' });
});

test('a stream with include_usage, served by an Anthropic deployment', () => {
  expect(results.stream).toEqual({ text: 'Hello from fake deployment "py-claude". You said: stream from python', total_tokens: expect.any(Number) });
});

test('a tool call and its result, round trip', () => {
  expect(results.tools).toEqual({ finish_reason: 'tool_calls', name: 'get_weather', arguments: { city: 'fake' }, answer: 'Tool result received: sunny' });
});

test('a wrong key is openai.AuthenticationError (401)', () => {
  expect(results.wrong_key).toEqual({ status: 401, code: 'invalid_api_key', type: 'AuthenticationError' });
});

test('during an outage of one deployment every request succeeds on the other', () => {
  expect(results.failover).toEqual({ served: ['py-up', 'py-up', 'py-up', 'py-up'] });
  // allowed_fails 1: cooled on its second failure, so at most two calls went to the dead deployment.
  expect(fake.count('py-down')).toBeLessThanOrEqual(2);
});

test('a request that failed everywhere is a 503 whose body lists the attempts', () => {
  expect(results.exhausted).toEqual({ status: 503, code: 'fallbacks_exhausted', attempts: 2 });
});

test('a bad field is openai.BadRequestError naming it', () => {
  expect(results.bad_request).toMatchObject({ status: 400, param: 'temperature' });
});

test('closing a stream mid-way aborts the provider call at the fake', async () => {
  expect(results.disconnect).toEqual({ chunks: 2 });
  await expect(fake.responseEnd('py-slow', 1)).resolves.toBe('closed-by-client');
});
