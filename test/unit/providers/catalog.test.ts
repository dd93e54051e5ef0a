import { getProviderSpec, parseModelString, PROVIDER_IDS, resolveDeployment } from '../../../src/providers';

describe('parseModelString', () => {
  it('treats a bare name as OpenAI and splits at the first slash only', () => {
    expect(parseModelString('gpt-4o-mini')).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(parseModelString('openrouter/anthropic/claude-3.5-sonnet')).toEqual({ provider: 'openrouter', model: 'anthropic/claude-3.5-sonnet' });
  });

  it('names the unknown prefix and lists the known ones', () => {
    expect(() => parseModelString('sagemaker/claude')).toThrow(/unknown provider "sagemaker".*openai, anthropic, azure/);
    expect(() => parseModelString('')).toThrow(/empty/);
    expect(() => parseModelString('groq/')).toThrow(/no model/);
  });
});

// Every provider with a public endpoint: default base URL and key variable.
const DEFAULTS: ReadonlyArray<[string, string, string]> = [
  ['openai/gpt-4o-mini', 'https://api.openai.com/v1', 'OPENAI_API_KEY'],
  ['gpt-4o-mini', 'https://api.openai.com/v1', 'OPENAI_API_KEY'],
  ['anthropic/claude-sonnet-4-5', 'https://api.anthropic.com', 'ANTHROPIC_API_KEY'],
  ['gemini/gemini-2.0-flash', 'https://generativelanguage.googleapis.com', 'GEMINI_API_KEY'],
  ['groq/llama-3.3-70b-versatile', 'https://api.groq.com/openai/v1', 'GROQ_API_KEY'],
  ['mistral/mistral-large-latest', 'https://api.mistral.ai/v1', 'MISTRAL_API_KEY'],
  ['deepseek/deepseek-chat', 'https://api.deepseek.com/v1', 'DEEPSEEK_API_KEY'],
  ['together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo', 'https://api.together.xyz/v1', 'TOGETHERAI_API_KEY'],
  ['fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct', 'https://api.fireworks.ai/inference/v1', 'FIREWORKS_AI_API_KEY'],
  ['openrouter/openai/gpt-4o', 'https://openrouter.ai/api/v1', 'OPENROUTER_API_KEY'],
  ['xai/grok-3', 'https://api.x.ai/v1', 'XAI_API_KEY'],
  ['ollama/llama3.2', 'http://localhost:11434/v1', 'OLLAMA_API_KEY'],
  ['lm_studio/qwen2.5-7b-instruct', 'http://localhost:1234/v1', 'LM_STUDIO_API_KEY'],
];

describe('provider defaults', () => {
  it.each(DEFAULTS)('%s → %s with key from %s', (model, base, keyVar) => {
    const resolved = resolveDeployment({ id: 'd', model }, { [keyVar]: `value-of-${keyVar}` });
    expect(resolved.apiBase).toBe(base);
    expect(resolved.apiKey).toBe(`value-of-${keyVar}`);
    expect(getProviderSpec(resolved.provider).apiKeyEnv).toBe(keyVar);
  });

  it('covers at least 12 distinct prefixes, and every provider has a spec', () => {
    expect(new Set(DEFAULTS.map(([m]) => parseModelString(m).provider)).size).toBeGreaterThanOrEqual(12);
    for (const id of PROVIDER_IDS) expect(getProviderSpec(id).id).toBe(id);
  });

  it.each([
    ['azure/my-deployment', 'AZURE_API_KEY', 'AZURE_API_BASE', 'https://res.openai.azure.com'],
    ['hosted_vllm/Qwen/Qwen2.5-7B-Instruct', 'HOSTED_VLLM_API_KEY', 'HOSTED_VLLM_API_BASE', 'http://gpu-box:8000/v1'],
  ])('%s takes its endpoint from api_base or %s', (model, keyVar, baseVar, base) => {
    expect(() => resolveDeployment({ id: 'd', model }, { [keyVar]: 'k' })).toThrow(/set api_base/);
    expect(resolveDeployment({ id: 'd', model }, { [keyVar]: 'k', [baseVar]: base }).apiBase).toBe(base);
    expect(resolveDeployment({ id: 'd', model, apiBase: `${base}/` }, { [keyVar]: 'k' }).apiBase).toBe(base);
  });

  it('requires api_base for openai_compatible', () => {
    expect(() => resolveDeployment({ id: 'd', model: 'openai_compatible/x' }, {})).toThrow(/set api_base/);
    expect(resolveDeployment({ id: 'd', model: 'openai_compatible/x', apiBase: 'http://h/v1' }, {}).apiKey).toBeUndefined();
  });
});

describe('resolveDeployment secrets', () => {
  it('resolves os.environ references for key, base, version and headers at call time', () => {
    const resolved = resolveDeployment(
      {
        id: 'az',
        model: 'azure/gpt4o-prod',
        apiKey: 'os.environ/MY_AZURE_KEY',
        apiBase: 'os.environ/MY_AZURE_BASE',
        apiVersion: 'os.environ/MY_AZURE_VERSION',
        headers: { 'x-tenant': 'os.environ/TENANT', 'x-literal': 'plain' },
      },
      { MY_AZURE_KEY: 'secret', MY_AZURE_BASE: 'https://x.openai.azure.com', MY_AZURE_VERSION: '2024-06-01', TENANT: 't1' },
    );
    expect(resolved).toMatchObject({
      provider: 'azure',
      model: 'gpt4o-prod',
      apiKey: 'secret',
      apiBase: 'https://x.openai.azure.com',
      apiVersion: '2024-06-01',
      headers: { 'x-tenant': 't1', 'x-literal': 'plain' },
    });
  });

  it('raises AuthenticationError naming the missing variable', () => {
    expect(() => resolveDeployment({ id: 'd', model: 'openai/gpt-4o', apiKey: 'os.environ/MISSING_KEY' }, {})).toThrow(
      expect.objectContaining({ name: 'AuthenticationError', message: expect.stringContaining('MISSING_KEY') }),
    );
    expect(() => resolveDeployment({ id: 'd', model: 'anthropic/claude' }, {})).toThrow(
      expect.objectContaining({ name: 'AuthenticationError', message: expect.stringContaining('ANTHROPIC_API_KEY') }),
    );
  });

  it('keeps a literal key as given', () => {
    expect(resolveDeployment({ id: 'd', model: 'gpt-4o', apiKey: 'sk-literal' }, {}).apiKey).toBe('sk-literal');
  });
});

describe('cloud providers', () => {
  it('bedrock: region from aws_region_name, else AWS_REGION / AWS_DEFAULT_REGION; endpoint from the region', () => {
    const named = resolveDeployment({ id: 'd', model: 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0', aws: { regionName: 'eu-west-3' } }, {});
    expect(named.apiBase).toBe('https://bedrock-runtime.eu-west-3.amazonaws.com');
    expect(named.aws).toEqual({ region: 'eu-west-3' });
    expect(resolveDeployment({ id: 'd', model: 'bedrock/x' }, { AWS_DEFAULT_REGION: 'ap-south-1' }).aws?.region).toBe('ap-south-1');
    expect(resolveDeployment({ id: 'd', model: 'bedrock/x' }, { AWS_REGION: 'us-east-2', AWS_BEDROCK_RUNTIME_ENDPOINT: 'https://vpce.example' }).apiBase).toBe('https://vpce.example');
    expect(() => resolveDeployment({ id: 'd', model: 'bedrock/x' }, {})).toThrow(/aws_region_name or AWS_REGION/);
  });

  it('bedrock: keys from the deployment (references resolved), else the environment, else the default chain', () => {
    const keyed = resolveDeployment({ id: 'd', model: 'bedrock/x', aws: { regionName: 'us-east-1', accessKeyId: 'AKID', secretAccessKey: 'os.environ/SECRET' } }, { SECRET: 's3cr3t' });
    expect(keyed.aws?.credentials).toEqual({ accessKeyId: 'AKID', secretAccessKey: 's3cr3t' });
    const fromEnv = resolveDeployment({ id: 'd', model: 'bedrock/x' }, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'B', AWS_SESSION_TOKEN: 'T' });
    expect(fromEnv.aws?.credentials).toEqual({ accessKeyId: 'A', secretAccessKey: 'B', sessionToken: 'T' });
    expect(resolveDeployment({ id: 'd', model: 'bedrock/x', aws: { profileName: 'prod' } }, { AWS_REGION: 'us-east-1' }).aws).toEqual({ region: 'us-east-1', profile: 'prod' });
    expect(() => resolveDeployment({ id: 'd', model: 'bedrock/x', aws: { regionName: 'r', accessKeyId: 'os.environ/NOPE', secretAccessKey: 'x' } }, {})).toThrow(/NOPE/);
    expect(() => resolveDeployment({ id: 'd', model: 'bedrock/x', aws: { regionName: 'r', accessKeyId: 'A' } }, {})).toThrow(/together/);
  });

  it('vertex_ai: location defaults to us-central1, global has its own host, project and credentials may come from the environment', () => {
    const plain = resolveDeployment({ id: 'd', model: 'vertex_ai/gemini-2.5-pro' }, {});
    expect(plain.apiBase).toBe('https://us-central1-aiplatform.googleapis.com');
    expect(plain.vertex).toEqual({ location: 'us-central1' });
    expect(resolveDeployment({ id: 'd', model: 'vertex_ai/gemini-2.5-pro', vertex: { location: 'global' } }, {}).apiBase).toBe('https://aiplatform.googleapis.com');
    const env = resolveDeployment({ id: 'd', model: 'vertex_ai/claude-sonnet-4-5@20250929' }, { VERTEXAI_PROJECT: 'p', VERTEXAI_LOCATION: 'europe-west1', VERTEXAI_CREDENTIALS: '/keys/sa.json' });
    expect(env.vertex).toEqual({ project: 'p', location: 'europe-west1', credentials: '/keys/sa.json' });
    expect(env.apiBase).toBe('https://europe-west1-aiplatform.googleapis.com');
  });
});
