import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { assertNoLiteralSecrets, isConfigError, loadConfigFile, parseConfigObject, type ConfigIssue } from '../../../src/config';
import { IGNORED_LITELLM_PARAMS } from '../../../src/config/model-list-schema';
import { IGNORED_LITELLM_SETTINGS, IGNORED_ROUTER_SETTINGS } from '../../../src/config/router-settings-schema';
import { IGNORED_TOP_LEVEL } from '../../../src/config/file-schema';
import { suggest } from '../../../src/config/suggest';

type Json = Record<string, unknown>;

function base(extra: Json = {}, params: Json = {}): Json {
  return {
    model_list: [
      { model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o', api_key: 'os.environ/OPENAI_API_KEY', ...params } },
      { model_name: 'claude', litellm_params: { model: 'anthropic/claude-3-5-haiku-latest', api_key: 'os.environ/ANTHROPIC_API_KEY' } },
    ],
    ...extra,
  };
}

function issuesOf(config: Json): { errors: ConfigIssue[]; warnings: ConfigIssue[] } {
  try {
    const loaded = parseConfigObject(config, { pricing: null });
    return { errors: [], warnings: [...loaded.warnings] };
  } catch (error) {
    if (!isConfigError(error)) throw error;
    return { errors: error.issues.filter((i) => i.severity === 'error'), warnings: error.issues.filter((i) => i.severity === 'warning') };
  }
}

describe('unknown keys are errors in every section the router reads', () => {
  const cases: Array<[string, Json, string, RegExp]> = [
    ['router_settings typo', base({ router_settings: { num_retry: 2 } }), 'router_settings.num_retry', /unknown key; did you mean "num_retries"\?/],
    ['router_settings typo of an ours-only key', base({ router_settings: { max_attempt: 3 } }), 'router_settings.max_attempt', /did you mean "max_attempts"/],
    ['router_settings key with no near miss', base({ router_settings: { frobnicate: true } }), 'router_settings.frobnicate', /unknown router setting; see docs\/config.md/],
    ['litellm_settings typo', base({ litellm_settings: { num_retires: 2 } }), 'litellm_settings.num_retires', /did you mean "num_retries"/],
    ['litellm_settings unknown key', base({ litellm_settings: { something_else: 1 } }), 'litellm_settings.something_else', /unknown litellm setting/],
    ['routing_strategy_args typo', base({ router_settings: { routing_strategy_args: { ttll: 5 } } }), 'router_settings.routing_strategy_args.ttll', /did you mean "ttl"/],
    ['litellm_params typo', base({}, { api_bse: 'https://x.example' }), 'model_list[0].litellm_params.api_bse', /did you mean "api_base"/],
    ['litellm_params unknown key', base({}, { favourite_colour: 'blue' }), 'model_list[0].litellm_params.favourite_colour', /unknown litellm_params key/],
    ['deployment entry typo', { model_list: [{ model_name: 'a', litellm_params: { model: 'openai/gpt-4o' }, model_inf: {} }] }, 'model_list[0].model_inf', /did you mean "model_info"/],
    ['top-level typo', base({ router_setting: {} }), 'router_setting', /did you mean "router_settings"/],
    ['top-level unknown section', base({ widgets: {} }), 'widgets', /unknown section; expected one of: model_list/],
  ];
  it.each(cases)('%s', (_name, config, path, message) => {
    const { errors } = issuesOf(config);
    expect(errors.map((e) => e.path)).toContain(path);
    expect(errors.find((e) => e.path === path)?.message).toMatch(message);
  });

  it('model_info stays free-form metadata, but a near miss of a key it reads is an error', () => {
    const config = base();
    const entry = (config.model_list as Json[])[0] as Json;
    entry.model_info = { description: 'free text', supports_vision: true };
    expect(issuesOf(config).errors).toEqual([]);
    entry.model_info = { bsae_model: 'openai/gpt-4o' };
    expect(issuesOf(config).errors.map((e) => `${e.path}: ${e.message}`)).toEqual(['model_list[0].model_info.bsae_model: unknown key; did you mean "base_model"?']);
  });

  it('the documented proxy-only keys load with a warning that says they are ignored', () => {
    const { errors, warnings } = issuesOf(base({
      router_settings: { redis_host: 'localhost', cache_responses: true },
      litellm_settings: { success_callback: ['langfuse'], callbacks: ['x'] },
      general_settings: { database_url: 'postgres://x' },
      guardrails: [],
    }, { organization: 'org-1' }));
    expect(errors).toEqual([]);
    const text = warnings.map((w) => `${w.path}: ${w.message}`);
    expect(text).toEqual(expect.arrayContaining([
      'router_settings.redis_host: ignored: LiteLLM proxy-only setting (see docs/config.md)',
      'litellm_settings.callbacks: ignored: LiteLLM proxy-only setting (logging, caching, budgets of keys) (see docs/config.md)',
      'model_list[0].litellm_params.organization: ignored: LiteLLM proxy-only parameter (see docs/config.md)',
      'guardrails: ignored: LiteLLM proxy-only section (see docs/config.md)',
    ]));
  });

  it('docs/config.md lists every ignored key', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/config.md'), 'utf8');
    for (const key of [...IGNORED_ROUTER_SETTINGS, ...IGNORED_LITELLM_SETTINGS, ...IGNORED_LITELLM_PARAMS, ...IGNORED_TOP_LEVEL]) {
      expect({ key, listed: doc.includes(`\`${key}\``) }).toEqual({ key, listed: true });
    }
  });
});

describe('suggest', () => {
  it('finds near misses of long keys and prefers the shared prefix', () => {
    expect(suggest('num_retry', ['max_retries', 'num_retries'])).toBe('num_retries');
    expect(suggest('apiBase', ['api_base', 'api_key'])).toBe('api_base');
    expect(suggest('GatewayErrorRetries', ['RateLimitErrorRetries', 'TimeoutErrorRetries'])).toBeUndefined();
    expect(suggest('ab', ['abc'])).toBeUndefined();
  });
});

describe('endpoints', () => {
  it.each([
    ['not a url', /must be an http\(s\) URL such as https:\/\/api.example.com\/v1, got "not a url"/],
    ['ftp://files.example.com/v1', /must be an http\(s\) URL, got the ftp: scheme/],
    ['localhost:8000/v1', /must be an http\(s\) URL/],
  ])('api_base %j is refused', (value, message) => {
    const { errors } = issuesOf(base({}, { api_base: value }));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('model_list[0].litellm_params.api_base');
    expect(errors[0]?.message).toMatch(message);
  });

  it('accepts http and https URLs and os.environ references', () => {
    for (const value of ['http://127.0.0.1:8000/v1', 'https://api.example.com', 'os.environ/MY_BASE']) {
      expect(issuesOf(base({}, { api_base: value })).errors).toEqual([]);
    }
    expect(issuesOf(base({}, { api_base: 'os.environ/1BAD' })).errors[0]?.message).toMatch(/not a valid environment variable name/);
  });

  it('azure/ needs api_base and api_version, naming the deployment as written', () => {
    const config = { model_list: [
      { model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o' } },
      { model_name: 'gpt-4o', litellm_params: { model: 'azure/gpt-4o-eu', api_key: 'os.environ/AZURE_API_KEY' } },
    ] };
    const { errors } = issuesOf(config);
    expect(errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'model_list[1].litellm_params.api_base: is required for azure/ deployments (model_list[1] (model_name "gpt-4o")): the resource endpoint, e.g. https://<resource>.openai.azure.com, or "os.environ/NAME"',
      'model_list[1].litellm_params.api_version: is required for azure/ deployments (model_list[1] (model_name "gpt-4o")), e.g. "2024-10-21", or "os.environ/NAME"',
    ]);
    const params = (config.model_list[1] as Json).litellm_params as Json;
    params.api_base = 'https://acme.openai.azure.com';
    params.api_version = '2024-10-21';
    expect(issuesOf(config).errors).toEqual([]);
  });
});

describe('literal keys refused on the durable path', () => {
  it('name the deployment by list index and model_name, not its derived id', () => {
    const config = base();
    ((config.model_list as Json[])[1] as Json).litellm_params = { model: 'anthropic/claude-3-5-haiku-latest', api_key: 'sk-ant-literal' };
    const loaded = parseConfigObject(config, { pricing: null });
    try {
      assertNoLiteralSecrets(loaded);
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(isConfigError(error)).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain('model_list[1].litellm_params.api_key: literal secret in model_list[1] (model_name "claude")');
      expect(message).not.toContain('#');
      expect(message).not.toContain('sk-ant-literal');
    }
  });
});

describe('shipped configs still load', () => {
  const dirs = [join(__dirname, '../../fixtures/litellm-configs'), join(__dirname, '../../fixtures/config')];
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => join(d, f)));
  it('has the 16 corpus configs and the proxy example', () => {
    expect(files.length).toBeGreaterThanOrEqual(17);
  });
  it.each(files)('%s', (file) => {
    const loaded = loadConfigFile(file, { pricing: null });
    expect(Object.keys(loaded.routing.deployments).length).toBeGreaterThan(0);
  });
});
