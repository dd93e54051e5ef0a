// The real `llm-router` binary, spawned as a user runs it, for every command
// that needs no Temporal server, and for bad input on the ones that do.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../src/dev-server';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { errorLines, runCli } from './run-cli';

let fake: FakeProviderServer;
let dir: string;
let configFile: string;
const env = { CLI_TEST_KEY: 'sk-cli-test-secret' };

beforeAll(async () => {
  fake = await startFakeProviderServer();
  dir = mkdtempSync(join(tmpdir(), 'llm-router-cli-'));
  configFile = join(dir, 'router.yaml');
  writeFileSync(
    configFile,
    [
      'model_list:',
      '  - model_name: summarizer',
      `    litellm_params: { model: openai/gpt-4o-mini, api_base: "${fake.openaiBaseUrl('primary')}", api_key: os.environ/CLI_TEST_KEY, order: 1 }`,
      '    model_info: { id: primary }',
      '  - model_name: summarizer',
      `    litellm_params: { model: anthropic/claude-3-5-haiku-latest, api_base: "${fake.anthropicBaseUrl('secondary')}", api_key: os.environ/CLI_TEST_KEY, order: 2 }`,
      '    model_info: { id: secondary }',
      'router_settings:',
      '  num_retries: 1',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => fake.reset());

describe('config validate', () => {
  test('a valid config lists its groups and exits 0', async () => {
    const run = await runCli(['config', 'validate', configFile]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('valid, 2 deployment(s) in 1 group(s): summarizer');
  });

  test('--json reports the groups and deployment count', async () => {
    const run = await runCli(['config', 'validate', configFile, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: true, groups: ['summarizer'], deployments: 2 });
  });

  test('an invalid config exits 2 with one line naming the path and line', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'model_list:\n  - model_name: a\n    litellm_params: { model: openai/x, rpm: -5 }\n');
    const run = await runCli(['config', 'validate', bad]);
    expect(run.code).toBe(2);
    expect(errorLines(run)).toEqual([`llm-router: ${bad}:3:45 model_list[0].litellm_params.rpm: must be >= 0, got -5`]);
  });

  test('--json on an invalid config prints every issue and still exits 2', async () => {
    const bad = join(dir, 'bad-fallback.yaml');
    writeFileSync(bad, 'model_list:\n  - model_name: a\n    litellm_params: { model: openai/x }\nrouter_settings:\n  fallbacks: [{ a: [tertiary] }]\n');
    const run = await runCli(['config', 'validate', bad, '--json']);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout.split('\n')[0] ?? '') as { valid: boolean; issues: Array<{ path: string; message: string }> };
    expect(report.valid).toBe(false);
    expect(report.issues).toEqual([expect.objectContaining({ path: 'router_settings.fallbacks[0].a[0]', message: expect.stringContaining('no model group "tertiary"') })]);
  });

  test('a router_settings typo exits 2 with a "did you mean", not a proxy-setting warning', async () => {
    const bad = join(dir, 'typo.yaml');
    writeFileSync(bad, 'model_list:\n  - model_name: a\n    litellm_params: { model: openai/x }\nrouter_settings:\n  num_retry: 2\n');
    const run = await runCli(['config', 'validate', bad]);
    expect(run.code).toBe(2);
    expect(errorLines(run)).toEqual([`llm-router: ${bad}:5:14 router_settings.num_retry: unknown key; did you mean "num_retries"?`]);
    expect(run.stdout).not.toContain('proxy');
  });

  test('durable commands refuse a literal key with exit 2, naming the deployment as written, before connecting', async () => {
    const literal = join(dir, 'literal.yaml');
    writeFileSync(literal, [
      'model_list:',
      '  - model_name: summarizer',
      '    litellm_params: { model: openai/gpt-4o-mini, api_key: os.environ/CLI_TEST_KEY }',
      '  - model_name: gpt-4o',
      '    litellm_params: { model: openai/gpt-4o, api_key: sk-literal-in-config }',
      '',
    ].join('\n'));
    // Port 1 has no server: reaching it would fail differently (exit 1), so exit 2 means the refusal came first.
    const address = ['--address', '127.0.0.1:1'];
    const expected = `llm-router: ${literal}: model_list[1].litellm_params.api_key: literal secret in model_list[1] (model_name "gpt-4o") would be written to workflow history; use "os.environ/NAME"`;
    for (const args of [
      ['complete', '--config', literal, '--model', 'summarizer', 'hi'],
      ['batch', 'start', dir, '--config', literal, '--model', 'summarizer', '--out', join(dir, 'out.jsonl')],
      ['worker', '--config', literal],
    ]) {
      const run = await runCli([...args, ...address]);
      expect({ args, code: run.code, lines: errorLines(run) }).toEqual({ args, code: 2, lines: [expected] });
      expect(run.stderr).not.toContain('sk-literal-in-config');
    }
    // In-process use is allowed, with a warning.
    const validate = await runCli(['config', 'validate', literal]);
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain('literal API key in model_list[1] (model_name "gpt-4o")');
  });

  test('a missing file exits 2 with one line naming it', async () => {
    const missing = join(dir, 'nope.yaml');
    const run = await runCli(['config', 'validate', missing]);
    expect(run.code).toBe(2);
    expect(errorLines(run)).toEqual([`llm-router: ${missing}: file not found`]);
  });
});

describe('complete --direct (the in-process Router, no Temporal)', () => {
  test('answers from the first deployment and reports which one served', async () => {
    const run = await runCli(['complete', '--direct', '--config', configFile, '--model', 'summarizer', 'Say hi'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout.trim().length).toBeGreaterThan(0);
    expect(run.stderr).toContain('served by primary');
    expect([fake.count('primary'), fake.count('secondary')]).toEqual([1, 0]);
  });

  test('fails over to the Anthropic deployment when the first answers 503', async () => {
    fake.script('primary', [], { after: { status: 503, errorMessage: 'down' } });
    const run = await runCli(['complete', '--direct', '--config', configFile, '--model', 'summarizer', '--json', 'Say hi'], { env });
    expect(run.code).toBe(0);
    const response = JSON.parse(run.stdout) as { routing: { deployment: string; attempts: number } };
    expect(response.routing).toMatchObject({ deployment: 'secondary', attempts: 2 });
    expect([fake.count('primary'), fake.count('secondary')]).toEqual([1, 1]);
  });

  test('a missing API key variable fails with one line naming it', async () => {
    const run = await runCli(['complete', '--direct', '--config', configFile, '--model', 'summarizer', 'Say hi'], { env: { CLI_TEST_KEY: '' } });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toHaveLength(1);
    expect(run.stderr).toContain('CLI_TEST_KEY');
    expect(fake.count('primary') + fake.count('secondary')).toBe(0);
  });

  test('an unknown model group exits 2 and lists the groups', async () => {
    const run = await runCli(['complete', '--direct', '--config', configFile, '--model', 'nope', 'Say hi'], { env });
    expect(run.code).toBe(2);
    expect(errorLines(run)).toEqual([`llm-router: --model "nope": no such model group in ${configFile} (groups: summarizer)`]);
  });

  test('no config anywhere exits 2 and says how to give one', async () => {
    const run = await runCli(['complete', '--direct', '--model', 'summarizer', 'Say hi'], { cwd: dir, env: { LLM_ROUTER_CONFIG: '' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no router config: pass --config <file>');
  });
});

describe('bad input and an unreachable server', () => {
  test('--version prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await runCli([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`llm-router ${version}\n`);
      expect(run.stderr).toBe('');
    }
  });

  test('flag errors are one llm-router: line each with exit 2: unknown option, missing argument, missing required option, bad value, unknown command', async () => {
    const cases: Array<[string[], string]> = [
      [['batch', 'status', 'x', '--frobnicate'], "llm-router: unknown option '--frobnicate' (llm-router --help for usage)"],
      [['batch', 'status'], "llm-router: missing required argument 'id' (llm-router --help for usage)"],
      [['complete', 'hi'], "llm-router: required option '--model <group>' not specified (llm-router --help for usage)"],
      [['complete', 'hi', '--model'], "llm-router: option '--model <group>' argument missing (llm-router --help for usage)"],
      [['complete', 'hi', '--model', 'm', '--max-tokens', 'x'], `llm-router: option '--max-tokens <n>' argument 'x' is invalid. --max-tokens "x" is not a positive integer. (llm-router --help for usage)`],
      [['summarise'], "llm-router: unknown command 'summarise' (llm-router --help for usage)"],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args)));
    for (const [i, run] of runs.entries()) {
      expect({ args: cases[i]?.[0], code: run.code, lines: errorLines(run) }).toEqual({ args: cases[i]?.[0], code: 2, lines: [cases[i]?.[1]] });
      expect(run.stdout).toBe('');
    }
  });

  test('a bad port exits 2 naming the value', async () => {
    const run = await runCli(['dev-server', '--port', '99999']);
    expect(run.code).toBe(2);
    expect(errorLines(run)).toEqual([expect.stringContaining('"99999" is not a TCP port')]);
  });

  test('batch start on a missing directory exits 2 before contacting anything', async () => {
    const run = await runCli(['batch', 'start', join(dir, 'no-such-dir'), '--model', 'summarizer', '--out', join(dir, 'o.jsonl'), '--config', configFile]);
    expect(run.code).toBe(2);
    expect(errorLines(run)).toEqual([`llm-router: ${join(dir, 'no-such-dir')}: no such file or directory (expected a directory, a .jsonl file, a glob or an s3:// URL)`]);
  });

  test('provider-batch flags: a bad mode, a batch flag without the mode, a deployment with no batch endpoint each exit 2 naming it', async () => {
    const docs = join(dir, 'provider-batch-docs');
    mkdirSync(docs, { recursive: true });
    writeFileSync(join(docs, 'a.txt'), 'A document to summarise.');
    const start = ['batch', 'start', docs, '--model', 'summarizer', '--out', join(dir, 'pb.jsonl'), '--config', configFile];
    const badMode = await runCli([...start, '--mode', 'overnight']);
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toContain('"overnight" is not a batch mode (router, provider-batch)');
    const noMode = await runCli([...start, '--batch-size', '50']);
    expect(noMode.code).toBe(2);
    expect(errorLines(noMode)).toEqual(['llm-router: --batch-size needs --mode provider-batch']);
    const stranger = await runCli([...start, '--mode', 'provider-batch', '--batch-deployment', 'nobody']);
    expect(stranger.code).toBe(2);
    expect(errorLines(stranger)).toEqual(['llm-router: --mode provider-batch: "nobody" is not a deployment of model group "summarizer" (its deployments: primary, secondary)']);
    const badPoll = await runCli([...start, '--mode', 'provider-batch', '--batch-poll', 'soon']);
    expect(badPoll.code).toBe(2);
    expect(badPoll.stderr).toContain('--batch-poll');
  });

  test('--dry-run with --mode provider-batch prices the batch deployment at its batch prices: its own, else half its list prices', async () => {
    const docs = join(dir, 'provider-batch-dry');
    mkdirSync(docs, { recursive: true });
    for (let i = 0; i < 3; i++) writeFileSync(join(docs, `d${i}.txt`), `Document ${i}: a few sentences on routing and durable batches to summarise. `.repeat(20));
    type Estimate = { costUsd: { low: number; high: number }; prices: string; pricedDeployments: string[]; providerCalls: number; outputTokensPerCall: number };
    const dry = async (config: string, ...extra: string[]) => {
      const run = await runCli(['batch', 'start', docs, '--model', 'summarizer', '--out', join(dir, 'pb-dry.jsonl'), '--config', config, '--dry-run', '--json', ...extra]);
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout) as Estimate;
    };
    const routed = await dry(configFile);
    const batched = await dry(configFile, '--mode', 'provider-batch');
    expect(routed.prices).toBe('list');
    expect(batched).toMatchObject({ prices: 'batch', pricedDeployments: ['primary'] });
    // gpt-4o-mini is the group's cheaper deployment: the batch costs half of its list-price estimate.
    expect(batched.costUsd.low).toBeCloseTo(routed.costUsd.low / 2, 12);
    const text = await runCli(['batch', 'start', docs, '--model', 'summarizer', '--out', join(dir, 'pb-dry.jsonl'), '--config', configFile, '--dry-run', '--mode', 'provider-batch']);
    expect(text.stdout).toMatch(/estimated cost: \$[\d.]+ at batch prices \(primary; \d+ output tokens a call, an upper bound\); documents the provider batch does not answer are routed at list prices on top/);

    // The deployment's own batch prices win: input free, output $0.001 a token.
    const priced = join(dir, 'batch-priced.yaml');
    writeFileSync(priced, readFileSync(configFile, 'utf8').replace('order: 1 }', 'order: 1, input_cost_per_token_batches: 0, output_cost_per_token_batches: 0.001 }'));
    const own = await dry(priced, '--mode', 'provider-batch');
    expect(own.costUsd.low).toBeCloseTo(own.providerCalls * own.outputTokensPerCall * 0.001, 12);
  });

  test('a bad --concurrency exits 2 naming the option', async () => {
    const run = await runCli(['batch', 'start', dir, '--model', 'summarizer', '--out', 'o.jsonl', '--concurrency', 'lots']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--concurrency "lots" is not a positive integer');
  });

  test('every server command against an unreachable server exits 1 with one line naming the address', async () => {
    const port = await freePort();
    const address = ['--address', `127.0.0.1:${port}`];
    // A source with a document: an empty one is refused (exit 2) before any connection.
    const docs = join(dir, 'unreachable-docs');
    mkdirSync(docs, { recursive: true });
    writeFileSync(join(docs, 'a.txt'), 'A document to summarise.');
    const commands = [
      ['batch', 'status', 'some-batch'],
      ['batch', 'result', 'some-batch'],
      ['batch', 'cancel', 'some-batch'],
      ['batch', 'start', docs, '--model', 'summarizer', '--out', join(dir, 'o.jsonl'), '--config', configFile],
      ['complete', '--model', 'summarizer', '--config', configFile, 'hi'],
    ];
    // Concurrently: each waits out the connect timeout.
    const runs = await Promise.all(commands.map((args) => runCli([...args, ...address], { env })));
    for (const run of runs) {
      expect(run.code).toBe(1);
      expect(errorLines(run)).toEqual([expect.stringContaining(`llm-router: cannot reach the Temporal server at 127.0.0.1:${port}`)]);
    }
  });

  test('a malformed --address exits 2', async () => {
    const run = await runCli(['batch', 'status', 'x', '--address', 'not an address']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not host:port');
  });
});
