import { join } from 'node:path';
import { assertNoLiteralSecrets, isConfigError, loadConfig, parseConfigObject, parseConfigText } from '../../../src/config';

const FIXTURES = join(__dirname, '../../fixtures/config');

describe('a LiteLLM proxy config.yaml loads unchanged', () => {
  const loaded = loadConfig(join(FIXTURES, 'litellm-proxy-config.yaml'), { pricing: null });
  const { deployments, groups, settings } = loaded.routing;

  it('keeps every deployment in its model group, in config order', () => {
    expect(Object.keys(groups)).toEqual(['gpt-4o', 'gpt-4o-mini', 'claude-sonnet', 'gpt-4o-long', 'local-llama', 'smart-router']);
    expect(groups['gpt-4o']?.slice(0, 2)).toEqual(['azure-gpt-4o-eu', 'azure-gpt-4o-ca']);
    expect(groups['gpt-4o']).toHaveLength(3);
  });

  it('normalises litellm_params: provider prefix, seconds to ms, limits and prices', () => {
    expect(deployments['azure-gpt-4o-eu']).toEqual({
      id: 'azure-gpt-4o-eu',
      group: 'gpt-4o',
      model: 'azure/gpt-4o-eu',
      provider: 'azure',
      rpm: 900,
      tpm: 150000,
      timeoutMs: 30000,
      streamTimeoutMs: 10000,
    });
    const mini = deployments[groups['gpt-4o-mini']?.[0] ?? ''];
    expect(mini).toMatchObject({ model: 'openai/gpt-4o-mini', provider: 'openai', weight: 3 });
    const claude = deployments[groups['claude-sonnet']?.[0] ?? ''];
    expect(claude).toMatchObject({ provider: 'anthropic', cooldownTimeSec: 30, inputCostPerToken: 0.000003, outputCostPerToken: 0.000015 });
    const ordered = deployments[groups['gpt-4o']?.[2] ?? ''];
    expect(ordered).toMatchObject({ model: 'openai/gpt-4o', order: 2 });
  });

  it('keeps keys as environment references in the call params, never resolved', () => {
    expect(loaded.params['azure-gpt-4o-eu']).toEqual({
      id: 'azure-gpt-4o-eu',
      model: 'azure/gpt-4o-eu',
      apiKey: 'os.environ/AZURE_API_KEY_EU',
      apiBase: 'https://my-endpoint-europe.openai.azure.com/',
      apiVersion: '2024-08-01-preview',
      timeoutMs: 30000,
      dropParams: true,
    });
    expect(loaded.literalSecrets).toEqual([]);
    expect(() => assertNoLiteralSecrets(loaded)).not.toThrow();
  });

  it('reads the complexity router as a deployment carrying its tiers, with no call params', () => {
    const id = groups['smart-router']?.[0] ?? '';
    expect(deployments[id]?.complexityRouterConfig).toEqual({
      tiers: { SIMPLE: 'gpt-4o-mini', MEDIUM: 'gpt-4o', COMPLEX: 'claude-sonnet', REASONING: 'claude-sonnet' },
      defaultGroup: 'gpt-4o',
      boundaries: { simpleMedium: 0.15, mediumComplex: 0.35, complexReasoning: 0.6 },
    });
    expect(loaded.params[id]).toBeUndefined();
  });

  it('maps router_settings onto the core settings, LiteLLM names to ours', () => {
    expect(settings).toMatchObject({
      routingStrategy: 'latency-based-routing',
      numRetries: 2,
      timeoutMs: 30000,
      allowedFails: 3,
      cooldownTimeSec: 60,
      enablePreCallChecks: true,
      retryPolicy: { AuthenticationError: 0, Timeout: 3, RateLimitError: 3, ContentPolicyViolationError: 0, InternalServerError: 2 },
      allowedFailsPolicy: { RateLimitError: 100, Timeout: 5 },
      fallbacks: { 'gpt-4o': ['claude-sonnet'], 'gpt-4o-mini': ['gpt-4o'] },
      contentPolicyFallbacks: { 'gpt-4o': ['claude-sonnet'] },
      defaultFallbacks: ['gpt-4o-mini'],
    });
    expect(settings.routingStrategyArgs.latency).toMatchObject({ ttlMs: 60000, lowestLatencyBuffer: 0.5 });
  });

  it('takes router settings from litellm_settings when router_settings lacks them', () => {
    expect(settings.contextWindowFallbacks).toEqual({ 'gpt-4o': ['gpt-4o-long'] });
  });

  it('lets router_settings win over litellm_settings, with a warning naming the ignored key', () => {
    const paths = loaded.warnings.map((w) => `${w.path}: ${w.message}`);
    expect(paths).toContain('litellm_settings.num_retries: ignored: router_settings.num_retries is also set and takes precedence');
    expect(paths).toContain('litellm_settings.request_timeout: ignored: router_settings.timeout is also set and takes precedence');
  });

  it('warns about proxy-only keys instead of failing, with the line they sit on', () => {
    const redis = loaded.warnings.find((w) => w.path === 'router_settings.redis_host');
    expect(redis?.message).toMatch(/ignored/);
    expect(redis?.line).toBeGreaterThan(1);
    expect(loaded.warnings.map((w) => w.path)).toEqual(
      expect.arrayContaining(['general_settings.database_url', 'litellm_settings.success_callback']),
    );
  });

  it('keeps litellm_params sampling settings as request defaults, not as ignored keys', () => {
    expect(loaded.warnings.map((w) => w.path)).not.toContain('model_list[6].litellm_params.temperature');
    const llama = loaded.params[groups['local-llama']?.[0] ?? ''];
    expect(llama?.defaults).toEqual({ temperature: 0.2 });
  });

  it('survives a JSON round trip unchanged (it may travel through workflow history)', () => {
    expect(JSON.parse(JSON.stringify(loaded))).toEqual(loaded);
  });
});

describe('other sources', () => {
  it('loads a JSON file of the same shape', () => {
    const loaded = loadConfig(join(FIXTURES, 'litellm-config.json'), { pricing: null });
    expect(loaded.routing.groups.chat).toEqual(['chat-openai', 'chat-anthropic']);
    expect(loaded.routing.settings.routingStrategy).toBe('usage-based-routing-v2');
    expect(loaded.source).toContain('litellm-config.json');
  });

  it('loads an object written in code', () => {
    const loaded = parseConfigObject(
      { model_list: [{ model_name: 'chat', litellm_params: { model: 'gpt-4o-mini', timeout: 2.5 } }] },
      { pricing: null },
    );
    const [id] = loaded.routing.groups.chat ?? [];
    expect(loaded.routing.deployments[id ?? '']).toMatchObject({ model: 'openai/gpt-4o-mini', timeoutMs: 2500 });
  });

  it('reports a missing file by path', () => {
    try {
      loadConfig(join(FIXTURES, 'does-not-exist.yaml'));
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toMatch(/does-not-exist\.yaml: file not found/);
    }
  });

  it('reads the deprecated usage-based-routing as v2, with a warning', () => {
    const loaded = parseConfigText('model_list: [{model_name: a, litellm_params: {model: gpt-4o}}]\nrouter_settings: {routing_strategy: usage-based-routing}', { pricing: null });
    expect(loaded.routing.settings.routingStrategy).toBe('usage-based-routing-v2');
    expect(loaded.warnings.map((w) => w.path)).toContain('router_settings.routing_strategy');
  });

  it('accepts YAML anchors and merge keys, which LiteLLM configs use to share params', () => {
    const text = [
      'x-shared: &shared',
      '  api_key: os.environ/OPENAI_API_KEY',
      '  timeout: 10',
      'model_list:',
      '  - model_name: a',
      '    litellm_params:',
      '      <<: *shared',
      '      model: openai/gpt-4o',
    ].join('\n');
    const loaded = parseConfigText(text, { pricing: null });
    const [id] = loaded.routing.groups.a ?? [];
    expect(loaded.params[id ?? '']).toMatchObject({ apiKey: 'os.environ/OPENAI_API_KEY', timeoutMs: 10000 });
  });
});

describe('deployment ids', () => {
  const entry = (model: string, apiBase?: string) => ({ model_name: 'g', litellm_params: { model, ...(apiBase ? { api_base: apiBase } : {}) } });

  it('derives the same id whatever the position in model_list, and whatever the key', () => {
    const a = parseConfigObject({ model_list: [entry('gpt-4o'), entry('gpt-4o-mini')] }, { pricing: null });
    const b = parseConfigObject({ model_list: [entry('gpt-4o-mini'), { ...entry('gpt-4o'), litellm_params: { model: 'gpt-4o', api_key: 'os.environ/OTHER' } }] }, { pricing: null });
    expect(new Set(a.routing.groups.g)).toEqual(new Set(b.routing.groups.g));
    expect(a.routing.groups.g?.[0]).toMatch(/^g@openai\/gpt-4o#[0-9a-f]{8}$/);
  });

  it('keeps identical entries apart with a suffix', () => {
    const loaded = parseConfigObject({ model_list: [entry('gpt-4o'), entry('gpt-4o')] }, { pricing: null });
    const [first, second] = loaded.routing.groups.g ?? [];
    expect(second).toBe(`${first}-2`);
  });

  it('tells deployments apart by endpoint', () => {
    const loaded = parseConfigObject({ model_list: [entry('hosted_vllm/llama', 'http://a:8000/v1'), entry('hosted_vllm/llama', 'http://b:8000/v1')] }, { pricing: null });
    const [first, second] = loaded.routing.groups.g ?? [];
    expect(first).not.toBe(second);
    expect(second?.endsWith('-2')).toBe(false);
  });
});

describe('secrets', () => {
  const config = {
    model_list: [
      { model_name: 'g', litellm_params: { model: 'gpt-4o', api_key: 'sk-live-123' }, model_info: { id: 'literal' } },
      { model_name: 'g', litellm_params: { model: 'gpt-4o-mini', api_key: 'os.environ/OPENAI_API_KEY', headers: { Authorization: 'Bearer abc' } }, model_info: { id: 'header' } },
    ],
  };

  it('records where literal secrets sit, never the secret itself', () => {
    const loaded = parseConfigObject(config, { pricing: null });
    expect(loaded.literalSecrets).toEqual([
      { deploymentId: 'literal', deployment: 'model_list[0] (model_name "g")', path: 'model_list[0].litellm_params.api_key', field: 'apiKey' },
      { deploymentId: 'header', deployment: 'model_list[1] (model_name "g")', path: 'model_list[1].litellm_params.headers.Authorization', field: 'headers' },
    ]);
    expect(JSON.stringify(loaded.warnings)).not.toContain('sk-live-123');
  });

  it('lets the durable path refuse a config with literal secrets', () => {
    const loaded = parseConfigObject(config, { pricing: null });
    expect(() => assertNoLiteralSecrets(loaded)).toThrow('model_list[0].litellm_params.api_key: literal secret in model_list[0] (model_name "g") would be written to workflow history');
    // The derived or written id is not how the user finds the entry.
    expect(() => assertNoLiteralSecrets(loaded)).not.toThrow(/"literal"/);
  });

  it('can make literal keys a load error', () => {
    try {
      parseConfigObject(config, { pricing: null, allowLiteralSecrets: false });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toContain('model_list[0].litellm_params.api_key: literal API key in model_list[0] (model_name "g") is not allowed');
      expect((error as Error).message).not.toContain('sk-live-123');
    }
  });
});

describe('prices and context windows', () => {
  it('come from the bundled price data when the config gives none', () => {
    const loaded = loadConfig(join(FIXTURES, 'litellm-proxy-config.yaml'));
    const mini = loaded.routing.deployments[loaded.routing.groups['gpt-4o-mini']?.[0] ?? ''];
    expect(mini?.inputCostPerToken).toBeGreaterThan(0);
    expect(mini?.outputCostPerToken).toBeGreaterThan(mini?.inputCostPerToken ?? Infinity);
    expect(mini?.maxInputTokens).toBeGreaterThan(0);
    // base_model prices an Azure deployment whose own name means nothing to the price list.
    expect(loaded.routing.deployments['azure-gpt-4o-eu']?.inputCostPerToken).toBeGreaterThan(0);
  });

  it('config values win over the price data, litellm_params over model_info', () => {
    const loaded = parseConfigObject({
      model_list: [
        {
          model_name: 'g',
          litellm_params: { model: 'gpt-4o-mini', input_cost_per_token: 0.5, max_input_tokens: 1000 },
          model_info: { id: 'x', input_cost_per_token: 0.25, output_cost_per_token: 0.75 },
        },
      ],
    });
    expect(loaded.routing.deployments.x).toMatchObject({ inputCostPerToken: 0.5, outputCostPerToken: 0.75, maxInputTokens: 1000 });
    expect(loaded.params.x).toMatchObject({ inputCostPerToken: 0.5, outputCostPerToken: 0.75, maxInputTokens: 1000 });
  });

  it('batch prices (input_cost_per_token_batches, output_cost_per_token_batches) reach the deployment, litellm_params over model_info; a negative one is a path-naming error', () => {
    const loaded = parseConfigObject({
      model_list: [
        { model_name: 'g', litellm_params: { model: 'gpt-4o-mini', input_cost_per_token_batches: 0.1 }, model_info: { id: 'x', input_cost_per_token_batches: 0.2, output_cost_per_token_batches: 0.3 } },
        { model_name: 'g', litellm_params: { model: 'gpt-4o-mini' }, model_info: { id: 'y' } },
      ],
    });
    expect(loaded.params.x).toMatchObject({ inputCostPerTokenBatches: 0.1, outputCostPerTokenBatches: 0.3 });
    expect(loaded.params.y).not.toHaveProperty('inputCostPerTokenBatches');
    expect(() => parseConfigObject({ model_list: [{ model_name: 'g', litellm_params: { model: 'gpt-4o-mini', output_cost_per_token_batches: -1 } }] }))
      .toThrow('model_list[0].litellm_params.output_cost_per_token_batches');
  });

  it('warns when a context-window fallback cannot hold more than its source', () => {
    const loaded = parseConfigObject({
      model_list: [
        { model_name: 'big', litellm_params: { model: 'gpt-4o', max_input_tokens: 128000 } },
        { model_name: 'small', litellm_params: { model: 'gpt-4o-mini', max_input_tokens: 16000 } },
      ],
      router_settings: { context_window_fallbacks: [{ big: ['small'] }] },
    });
    expect(loaded.warnings).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'router_settings.context_window_fallbacks[0].big[0]', message: expect.stringMatching(/at most 16000/) })]),
    );
  });
});
