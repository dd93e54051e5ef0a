import { isConfigError, parseConfigObject, parseConfigText, type ConfigIssue } from '../../../src/config';

type Json = Record<string, unknown>;

function base(extra: Json = {}): Json {
  return {
    model_list: [
      { model_name: 'chat', litellm_params: { model: 'openai/gpt-4o-mini', api_key: 'os.environ/OPENAI_API_KEY' }, model_info: { id: 'c1' } },
      { model_name: 'summarizer', litellm_params: { model: 'openai/gpt-4o', api_key: 'os.environ/OPENAI_API_KEY' }, model_info: { id: 's1' } },
    ],
    ...extra,
  };
}

function errorsOf(value: Json): string[] {
  try {
    parseConfigObject(value);
  } catch (error) {
    if (isConfigError(error)) return error.issues.filter((i: ConfigIssue) => i.severity === 'error').map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}

describe('gateway sections of a config', () => {
  it('reads general_settings.master_key and max_request_size_mb, and warns about the proxy keys it ignores', () => {
    const loaded = parseConfigObject(base({ general_settings: { master_key: 'os.environ/LITELLM_MASTER_KEY', max_request_size_mb: 2, database_url: 'os.environ/DATABASE_URL' } }));
    expect(loaded.gateway).toEqual({ masterKey: 'os.environ/LITELLM_MASTER_KEY', maxRequestBytes: 2 * 1024 * 1024, keys: [], durableGroups: [] });
    expect(loaded.warnings.map((w) => `${w.path}: ${w.message}`)).toContain('general_settings.database_url: ignored: LiteLLM proxy setting not used by this gateway');
  });

  it('reads the keys list with its limits, naming unnamed keys by path', () => {
    const loaded = parseConfigObject(
      base({
        keys: [
          { key: 'os.environ/TEAM_A_KEY', name: 'team-a', models: ['chat'], rpm_limit: 60, monthly_budget: 25 },
          { key: 'literal-key-for-tests' },
        ],
        gateway_settings: { durable_groups: ['summarizer'] },
      }),
    );
    expect(loaded.gateway?.keys).toEqual([
      { key: 'os.environ/TEAM_A_KEY', name: 'team-a', models: ['chat'], rpmLimit: 60, monthlyBudgetUsd: 25, path: 'keys[0]' },
      { key: 'literal-key-for-tests', name: 'keys[1]', path: 'keys[1]' },
    ]);
    expect(loaded.gateway?.durableGroups).toEqual(['summarizer']);
  });

  it('names the path of every problem, and never prints a key', () => {
    const errors = errorsOf(
      base({
        general_settings: { master_keys: 'x', max_request_size_mb: -1 },
        keys: [
          { key: 'same-secret-value', models: ['chat', 'nope'], rpm_limit: 0 },
          { key: 'same-secret-value', name: 'keys[0]' },
          { key: 'os.environ/not a name', monthly_budgett: 3 },
          { models: ['chat'] },
        ],
        gateway_settings: { durable_groups: ['missing'], durable: true },
      }),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        'general_settings.max_request_size_mb: must be > 0, got -1',
        'keys[0].models[1]: no model group "nope" (groups: chat, summarizer)',
        'keys[0].rpm_limit: must be > 0, got 0',
        'keys[1].key: the same key as keys[0].key',
        'keys[1].name: "keys[0]" is also the name of keys[0]',
        'keys[2].key: "os.environ/not a name" is not a valid environment variable name',
        'keys[2].monthly_budgett: unknown key; did you mean "monthly_budget"?',
        'keys[3].key: is required (a string)',
        'gateway_settings.durable_groups[0]: no model group "missing" (groups: chat, summarizer)',
        'gateway_settings.durable: unknown key; expected one of: durable_groups',
      ]),
    );
    expect(errors.join('\n')).not.toContain('same-secret-value');
  });

  it('reports a near-miss of master_key as an error, so a typo never leaves the gateway open', () => {
    expect(errorsOf(base({ general_settings: { master_kye: 'sk-1234' } }))).toContain('general_settings.master_kye: unknown key; did you mean "master_key"?');
  });

  it('places gateway problems on their YAML line', () => {
    const text = ['model_list:', '  - model_name: chat', '    litellm_params: { model: openai/gpt-4o-mini }', 'keys:', '  - key: k1', '    models: [chta]', ''].join('\n');
    try {
      parseConfigText(text, { source: 'router.yaml' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      if (!isConfigError(error)) throw error;
      const issue = error.issues.find((i) => i.path === 'keys[0].models[0]');
      expect(issue?.line).toBe(6);
      expect(issue?.message).toBe('no model group "chta" (groups: chat)');
    }
  });

  it('leaves a config without gateway sections with no keys and no durable groups', () => {
    expect(parseConfigObject(base()).gateway).toEqual({ keys: [], durableGroups: [] });
  });
});
