import { ConfigError, isConfigError, parseConfigObject, parseConfigText, type ConfigIssue } from '../../../src/config';

type Json = Record<string, unknown>;

/** A small valid config each case breaks in one place. */
function base(): Json {
  return {
    model_list: [
      { model_name: 'primary', litellm_params: { model: 'openai/gpt-4o', api_key: 'os.environ/OPENAI_API_KEY' }, model_info: { id: 'p1' } },
      { model_name: 'primary', litellm_params: { model: 'anthropic/claude-3-5-sonnet-20241022', api_key: 'os.environ/ANTHROPIC_API_KEY' }, model_info: { id: 'p2' } },
      { model_name: 'secondary', litellm_params: { model: 'gpt-4o-mini' }, model_info: { id: 's1' } },
    ],
    router_settings: { routing_strategy: 'simple-shuffle', fallbacks: [{ primary: ['secondary'] }] },
  };
}

function entry(config: Json, i: number): Json {
  return (config.model_list as Json[])[i] as Json;
}
function params(config: Json, i: number): Json {
  return entry(config, i).litellm_params as Json;
}
function settings(config: Json): Json {
  return config.router_settings as Json;
}

function errorsOf(run: () => unknown): ConfigIssue[] {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error.issues.filter((i) => i.severity === 'error');
    throw error;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}

interface Case {
  name: string;
  mutate: (c: Json) => void;
  path: string;
  message: RegExp;
}

const cases: Case[] = [
  { name: 'fallback to an unknown group', mutate: (c) => { settings(c).fallbacks = [{ primary: ['secondary', 'tertiary'] }]; }, path: 'router_settings.fallbacks[0].primary[1]', message: /no model group "tertiary"/ },
  { name: 'fallback from an unknown group', mutate: (c) => { settings(c).fallbacks = [{ primray: ['secondary'] }]; }, path: 'router_settings.fallbacks[0].primray', message: /no model group "primray"/ },
  { name: 'fallback cycle', mutate: (c) => { settings(c).fallbacks = [{ primary: ['secondary'] }, { secondary: ['primary'] }]; }, path: 'router_settings.fallbacks', message: /fallback cycle: primary -> secondary -> primary/ },
  { name: 'group falling back to itself', mutate: (c) => { settings(c).fallbacks = [{ primary: ['primary'] }]; }, path: 'router_settings.fallbacks[0].primary[0]', message: /cannot fall back to itself/ },
  { name: 'fallbacks given twice for one group', mutate: (c) => { settings(c).fallbacks = [{ primary: ['secondary'] }, { primary: ['secondary'] }]; }, path: 'router_settings.fallbacks[1].primary', message: /already given at fallbacks\[0\]/ },
  { name: 'unknown context-window fallback group', mutate: (c) => { settings(c).context_window_fallbacks = [{ primary: ['big'] }]; }, path: 'router_settings.context_window_fallbacks[0].primary[0]', message: /no model group "big"/ },
  { name: 'unknown default fallback group', mutate: (c) => { settings(c).default_fallbacks = ['secondary', 'nope']; }, path: 'router_settings.default_fallbacks[1]', message: /no model group "nope"/ },
  { name: 'fallbacks not a list of mappings', mutate: (c) => { settings(c).fallbacks = { primary: ['secondary'] }; }, path: 'router_settings.fallbacks', message: /expected a list, got a mapping/ },
  { name: 'duplicate deployment id', mutate: (c) => { (entry(c, 2).model_info as Json).id = 'p1'; }, path: 'model_list[2].model_info.id', message: /duplicate deployment id "p1" \(also model_list\[0\]\)/ },
  { name: 'unknown routing strategy', mutate: (c) => { settings(c).routing_strategy = 'lowest-latency'; }, path: 'router_settings.routing_strategy', message: /unknown value "lowest-latency".*expected one of: simple-shuffle/ },
  { name: 'misspelt routing strategy', mutate: (c) => { settings(c).routing_strategy = 'least-bussy'; }, path: 'router_settings.routing_strategy', message: /did you mean "least-busy"/ },
  { name: 'negative rpm', mutate: (c) => { params(c, 0).rpm = -5; }, path: 'model_list[0].litellm_params.rpm', message: /must be >= 0, got -5/ },
  { name: 'NaN weight', mutate: (c) => { params(c, 1).weight = NaN; }, path: 'model_list[1].litellm_params.weight', message: /finite number, got NaN/ },
  { name: 'infinite tpm', mutate: (c) => { params(c, 1).tpm = Infinity; }, path: 'model_list[1].litellm_params.tpm', message: /finite number, got Infinity/ },
  { name: 'zero timeout', mutate: (c) => { params(c, 0).timeout = 0; }, path: 'model_list[0].litellm_params.timeout', message: /must be > 0, got 0/ },
  { name: 'fractional num_retries', mutate: (c) => { settings(c).num_retries = 1.5; }, path: 'router_settings.num_retries', message: /whole number, got 1.5/ },
  { name: 'negative cooldown_time', mutate: (c) => { settings(c).cooldown_time = -1; }, path: 'router_settings.cooldown_time', message: /must be >= 0, got -1/ },
  { name: 'rpm given as text', mutate: (c) => { params(c, 2).rpm = 'lots'; }, path: 'model_list[2].litellm_params.rpm', message: /expected a number, got "lots"/ },
  { name: 'missing model', mutate: (c) => { delete params(c, 1).model; }, path: 'model_list[1].litellm_params.model', message: /is required/ },
  { name: 'missing model_name', mutate: (c) => { delete entry(c, 2).model_name; }, path: 'model_list[2].model_name', message: /is required/ },
  { name: 'missing litellm_params', mutate: (c) => { delete entry(c, 2).litellm_params; }, path: 'model_list[2].litellm_params', message: /is required \(a mapping\)/ },
  { name: 'unknown provider prefix', mutate: (c) => { params(c, 0).model = 'openia/gpt-4o'; }, path: 'model_list[0].litellm_params.model', message: /unknown provider "openia"/ },
  { name: 'openai_compatible without api_base', mutate: (c) => { params(c, 2).model = 'openai_compatible/my-model'; }, path: 'model_list[2].litellm_params.api_base', message: /required for provider "openai_compatible"/ },
  { name: 'semantic auto router', mutate: (c) => { params(c, 2).model = 'auto_router/my_router'; }, path: 'model_list[2].litellm_params.model', message: /not supported/ },
  { name: 'misspelt litellm_params key', mutate: (c) => { params(c, 0).api_bsae = 'https://example.test'; }, path: 'model_list[0].litellm_params.api_bsae', message: /did you mean "api_base"/ },
  { name: 'misspelt router setting', mutate: (c) => { settings(c).num_retires = 3; }, path: 'router_settings.num_retires', message: /did you mean "num_retries"/ },
  { name: 'misspelt top-level section', mutate: (c) => { c.router_setting = {}; }, path: 'router_setting', message: /did you mean "router_settings"/ },
  { name: 'unknown retry_policy class', mutate: (c) => { settings(c).retry_policy = { RateLimitErrorRetries: 2, GatewayErrorRetries: 1 }; }, path: 'router_settings.retry_policy.GatewayErrorRetries', message: /unknown key; expected one of: BadRequestErrorRetries/ },
  { name: 'negative retry_policy value', mutate: (c) => { settings(c).retry_policy = { TimeoutErrorRetries: -1 }; }, path: 'router_settings.retry_policy.TimeoutErrorRetries', message: /must be >= 0/ },
  { name: 'misspelt allowed_fails_policy class', mutate: (c) => { settings(c).allowed_fails_policy = { RateLimitErrorAllowedFail: 3 }; }, path: 'router_settings.allowed_fails_policy.RateLimitErrorAllowedFail', message: /did you mean "RateLimitErrorAllowedFails"/ },
  { name: 'invalid env reference', mutate: (c) => { params(c, 0).api_key = 'os.environ/OPENAI-KEY'; }, path: 'model_list[0].litellm_params.api_key', message: /not a valid environment variable name/ },
  { name: 'empty model_list', mutate: (c) => { c.model_list = []; }, path: 'model_list', message: /at least 1 item/ },
  { name: 'missing model_list', mutate: (c) => { delete c.model_list; }, path: 'model_list', message: /is required \(a list\)/ },
  { name: 'model_list entry not a mapping', mutate: (c) => { (c.model_list as unknown[]).push('gpt-4o'); }, path: 'model_list[3]', message: /expected a mapping/ },
  { name: 'complexity tier to an unknown group', mutate: (c) => { (c.model_list as Json[]).push({ model_name: 'auto', litellm_params: { model: 'auto_router/complexity_router', complexity_router_config: { tiers: { SIMPLE: 'secondary', MEDIUM: 'primary', COMPLEX: 'primary', REASONING: 'o1' } } } }); }, path: 'model_list[3].litellm_params.complexity_router_config.tiers.REASONING', message: /no model group "o1"/ },
  { name: 'complexity router without config', mutate: (c) => { (c.model_list as Json[]).push({ model_name: 'auto', litellm_params: { model: 'auto_router/complexity_router' } }); }, path: 'model_list[3].litellm_params.complexity_router_config', message: /is required/ },
  { name: 'complexity tier misspelt', mutate: (c) => { (c.model_list as Json[]).push({ model_name: 'auto', litellm_params: { model: 'auto_router/complexity_router', complexity_router_default_model: 'primary', complexity_router_config: { tiers: { SIMPEL: 'secondary' } } } }); }, path: 'model_list[3].litellm_params.complexity_router_config.tiers.SIMPEL', message: /did you mean "SIMPLE"/ },
  { name: 'complexity boundaries out of order', mutate: (c) => { (c.model_list as Json[]).push({ model_name: 'auto', litellm_params: { model: 'auto_router/complexity_router', complexity_router_default_model: 'primary', complexity_router_config: { tiers: { SIMPLE: 'secondary' }, tier_boundaries: { simple_medium: 0.5, medium_complex: 0.3 } } } }); }, path: 'model_list[3].litellm_params.complexity_router_config.tier_boundaries', message: /must not decrease/ },
  { name: 'complexity tiers missing without a default', mutate: (c) => { (c.model_list as Json[]).push({ model_name: 'auto', litellm_params: { model: 'auto_router/complexity_router', complexity_router_config: { tiers: { SIMPLE: 'secondary' } } } }); }, path: 'model_list[3].litellm_params.complexity_router_config.tiers', message: /MEDIUM, COMPLEX, REASONING have no model group/ },
  { name: 'complexity router mixed into a provider group', mutate: (c) => { (c.model_list as Json[]).push({ model_name: 'primary', litellm_params: { model: 'auto_router/complexity_router', complexity_router_default_model: 'secondary', complexity_router_config: { tiers: {} } } }); }, path: 'model_list[3].model_name', message: /mixes a complexity router/ },
  { name: 'wildcard in a context-window list', mutate: (c) => { settings(c).context_window_fallbacks = [{ '*': ['secondary'] }]; }, path: 'router_settings.context_window_fallbacks[0]["*"]', message: /only allowed in fallbacks/ },
  { name: 'include is not supported', mutate: (c) => { c.include = ['models.yaml']; }, path: 'include', message: /not supported/ },
  { name: 'router_settings not a mapping', mutate: (c) => { c.router_settings = ['simple-shuffle']; }, path: 'router_settings', message: /expected a mapping/ },
  { name: 'disable_cooldowns not a boolean', mutate: (c) => { settings(c).disable_cooldowns = 'yes'; }, path: 'router_settings.disable_cooldowns', message: /expected true or false, got "yes"/ },
  { name: 'gemini/ at the OpenAI-compatible endpoint', mutate: (c) => { params(c, 2).model = 'gemini/gemini-2.5-flash'; params(c, 2).api_base = 'https://generativelanguage.googleapis.com/v1beta/openai'; }, path: 'model_list[2].litellm_params.api_base', message: /openai_compatible\/<model>/ },
  { name: 'invalid vertex_credentials reference', mutate: (c) => { params(c, 2).model = 'vertex_ai/gemini-2.5-pro'; params(c, 2).vertex_credentials = 'os.environ/VERTEX-KEY'; }, path: 'model_list[2].litellm_params.vertex_credentials', message: /not a valid environment variable name/ },
  { name: 'temperature out of range', mutate: (c) => { params(c, 0).temperature = 3; }, path: 'model_list[0].litellm_params.temperature', message: /<= 2/ },
  { name: 'unknown reasoning_effort', mutate: (c) => { params(c, 0).reasoning_effort = 'extreme'; }, path: 'model_list[0].litellm_params.reasoning_effort', message: /extreme/ },
  { name: 'lowest_latency_buffer negative', mutate: (c) => { settings(c).routing_strategy_args = { lowest_latency_buffer: -0.1 }; }, path: 'router_settings.routing_strategy_args.lowest_latency_buffer', message: /must be >= 0/ },
];

describe('invalid configs: each error names its path and reason', () => {
  it('has at least 20 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('$name -> $path', ({ mutate, path, message }) => {
    const config = base();
    mutate(config);
    const errors = errorsOf(() => parseConfigObject(config, { pricing: null }));
    const match = errors.find((e) => e.path === path);
    if (match === undefined) throw new Error(`no error at ${path}; got:\n${errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
    expect(match.message).toMatch(message);
  });

  it('the base config itself is valid', () => {
    const loaded = parseConfigObject(base(), { pricing: null });
    expect(Object.keys(loaded.routing.deployments)).toEqual(['p1', 'p2', 's1']);
  });

  it('collects every problem, not just the first', () => {
    const config = base();
    params(config, 0).rpm = -1;
    params(config, 1).model = 'nope/x';
    settings(config).routing_strategy = 'fastest';
    settings(config).fallbacks = [{ primary: ['ghost'] }];
    const errors = errorsOf(() => parseConfigObject(config, { pricing: null }));
    expect(errors.map((e) => e.path).sort()).toEqual(
      ['model_list[0].litellm_params.rpm', 'model_list[1].litellm_params.model', 'router_settings.fallbacks[0].primary[0]', 'router_settings.routing_strategy'].sort(),
    );
  });

  it('one broken deployment does not cascade into "no model group" errors for its group', () => {
    const config = base();
    params(config, 2).rpm = -1;
    const errors = errorsOf(() => parseConfigObject(config, { pricing: null }));
    expect(errors.map((e) => e.path)).toEqual(['model_list[2].litellm_params.rpm']);
  });

  it('the error message lists every problem with its path', () => {
    const config = base();
    params(config, 0).rpm = -1;
    settings(config).routing_strategy = 'fastest';
    try {
      parseConfigObject(config, { pricing: null });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain('2 problems');
      expect(message).toContain('model_list[0].litellm_params.rpm: must be >= 0, got -1');
      expect(message).toContain('router_settings.routing_strategy: unknown value "fastest"');
    }
  });
});

describe('literal cloud credentials', () => {
  const config = (): Json => {
    const c = base();
    params(c, 2).model = 'bedrock/amazon.nova-lite-v1:0';
    params(c, 2).aws_region_name = 'us-east-1';
    params(c, 2).aws_access_key_id = 'AKIAIOSFODNN7EXAMPLE';
    params(c, 2).aws_secret_access_key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    return c;
  };

  it('are listed like a literal api_key, and refused where literal secrets are', () => {
    const loaded = parseConfigObject(config());
    expect(loaded.literalSecrets.map((l) => l.path)).toEqual(['model_list[2].litellm_params.aws_access_key_id', 'model_list[2].litellm_params.aws_secret_access_key']);
    expect(errorsOf(() => parseConfigObject(config(), { allowLiteralSecrets: false })).map((i) => i.path)).toEqual([
      'model_list[2].litellm_params.aws_access_key_id',
      'model_list[2].litellm_params.aws_secret_access_key',
    ]);
  });

  it('a vertex_credentials file path is not a secret; the key JSON inline is', () => {
    const c = base();
    params(c, 2).model = 'vertex_ai/gemini-2.5-pro';
    params(c, 2).vertex_credentials = '/etc/keys/sa.json';
    expect(parseConfigObject(c).literalSecrets).toEqual([]);
    params(c, 2).vertex_credentials = '{"type": "service_account"}';
    expect(parseConfigObject(c).literalSecrets.map((l) => l.field)).toEqual(['vertexCredentials']);
  });
});

describe('YAML sources', () => {
  it('places schema errors on their line', () => {
    const text = [
      'model_list:',
      '  - model_name: a',
      '    litellm_params:',
      '      model: openai/gpt-4o',
      '      rpm: -3',
      'router_settings:',
      '  fallbacks: [{"a": ["b"]}]',
    ].join('\n');
    const errors = errorsOf(() => parseConfigText(text, { source: 'config.yaml', pricing: null }));
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'model_list[0].litellm_params.rpm', line: 5 }),
        expect.objectContaining({ path: 'router_settings.fallbacks[0].a[0]', line: 7, message: expect.stringMatching(/no model group "b"/) }),
      ]),
    );
  });

  it('reports malformed YAML with its line number', () => {
    const text = ['model_list:', '  - model_name: a', '    litellm_params: {model: openai/gpt-4o', 'router_settings:', '  num_retries: 2'].join('\n');
    const errors = errorsOf(() => parseConfigText(text, { source: 'broken.yaml' }));
    expect(errors[0]?.path).toBe('(syntax)');
    expect(errors[0]?.message).toMatch(/malformed YAML/);
    expect(errors[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('reports duplicate keys, which YAML parsers otherwise resolve silently', () => {
    const text = ['model_list:', '  - model_name: a', '    litellm_params:', '      model: openai/gpt-4o', '      model: openai/gpt-4o-mini'].join('\n');
    const errors = errorsOf(() => parseConfigText(text));
    expect(errors[0]?.line).toBe(5);
    expect(errors[0]?.message).toMatch(/unique/i);
  });

  it('reports malformed JSON with its line number', () => {
    const text = '{\n  "model_list": [\n    {"model_name": "a",}\n  ]\n}';
    const errors = errorsOf(() => parseConfigText(text, { format: 'json' }));
    expect(errors[0]?.message).toMatch(/malformed JSON/);
    expect(errors[0]?.line).toBe(3);
  });
});
