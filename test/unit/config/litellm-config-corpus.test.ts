import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config';
import { getProviderSpec, resolveDeployment } from '../../../src/providers';
import type { DeploymentParams } from '../../../src/providers/types';
import { isVertexClaude } from '../../../src/providers/vertex_ai';

const CORPUS = join(__dirname, '../../fixtures/litellm-configs');

/** Values for every variable the corpus names, so references resolve; the names are what is checked. */
const ENV: Record<string, string> = {
  AWS_REGION: 'ap-southeast-2',
  AWS_REGION_NAME: 'us-east-2',
  AZURE_API_BASE: 'https://acme-prod.openai.azure.com',
  AZURE_API_BASE_JAPAN: 'https://acme-japan.openai.azure.com',
  AZURE_API_VERSION: '2024-10-21',
  VERTEXAI_PROJECT: 'env-project',
  VERTEXAI_LOCATION: 'asia-northeast1',
  VERTEXAI_CREDENTIALS: '/run/secrets/vertex.json',
  VERTEX_SA_JSON: '/run/secrets/claude-sa.json',
};
// Any key-like variable is set; endpoint variables (OPENAI_API_BASE, ...) only where listed above.
const withKeys = new Proxy(ENV, { get: (target, name: string) => target[name] ?? (/KEY|SECRET|TOKEN/.test(name) ? `value-of-${name}` : undefined) });

/** Which adapter serves a deployment: the provider's wire, and for Vertex which model family. */
function adapterOf(params: DeploymentParams): string {
  const resolved = resolveDeployment(params, withKeys);
  if (resolved.provider === 'vertex_ai') return isVertexClaude(resolved.model) ? 'vertex/anthropic' : 'vertex/gemini';
  return getProviderSpec(resolved.provider).wire;
}

const ref = (value: string | undefined): string | undefined => (value?.startsWith('os.environ/') ? `env:${value.slice('os.environ/'.length)}` : value);

/** Where the credentials come from, as named in the config (never a resolved secret). */
function credentialsOf(params: DeploymentParams): string {
  const provider = params.model.split('/')[0];
  if (provider === 'bedrock') {
    if (params.aws?.accessKeyId) return `aws-keys:${ref(params.aws.accessKeyId) ?? ''}`;
    if (params.aws?.profileName) return `aws-profile:${params.aws.profileName}`;
    return 'aws-default-chain';
  }
  if (provider === 'vertex_ai') return params.vertex?.credentials ? `service-account:${ref(params.vertex.credentials) ?? ''}` : 'google-adc';
  if (params.apiKey) return ref(params.apiKey) ?? '';
  const spec = getProviderSpec(resolveDeployment(params, withKeys).provider);
  return spec.apiKeyEnv ? `env:${spec.apiKeyEnv} (default)` : 'none';
}

type Row = [group: string, adapter: string, url: string, credentials: string];

const EXPECTED: Record<string, Row[]> = {
  '01-bedrock-keys-and-profiles.yaml': [
    ['claude-3-5-sonnet', 'bedrock', 'https://bedrock-runtime.us-west-2.amazonaws.com', 'aws-keys:env:AWS_ACCESS_KEY_ID'],
    ['claude-3-5-sonnet', 'bedrock', 'https://bedrock-runtime.eu-central-1.amazonaws.com', 'aws-profile:bedrock-eu'],
    ['llama-3-1-70b', 'bedrock', 'https://bedrock-runtime.us-east-1.amazonaws.com', 'aws-keys:env:AWS_ACCESS_KEY_ID'],
    ['titan-embeddings', 'bedrock', 'https://bedrock-runtime.us-east-1.amazonaws.com', 'aws-default-chain'],
    ['cohere-embeddings', 'bedrock', 'https://bedrock-runtime.us-east-1.amazonaws.com', 'aws-default-chain'],
  ],
  '02-bedrock-default-chain.yaml': [
    ['claude-haiku', 'bedrock', 'https://bedrock-runtime.us-east-1.amazonaws.com', 'aws-default-chain'],
    ['claude-haiku', 'bedrock', 'https://vpce-0abc123-bedrock-runtime.us-west-2.vpce.amazonaws.com', 'aws-default-chain'],
    ['nova-lite', 'bedrock', 'https://bedrock-runtime.ap-southeast-2.amazonaws.com', 'aws-default-chain'],
  ],
  '03-vertex-gemini.yaml': [
    ['gemini-pro', 'vertex/gemini', 'https://us-central1-aiplatform.googleapis.com', 'service-account:/etc/litellm/vertex-sa.json'],
    ['gemini-flash', 'vertex/gemini', 'https://europe-west4-aiplatform.googleapis.com', 'service-account:env:VERTEXAI_CREDENTIALS'],
    ['gemini-flash-global', 'vertex/gemini', 'https://aiplatform.googleapis.com', 'google-adc'],
    ['vertex-embeddings', 'vertex/gemini', 'https://us-central1-aiplatform.googleapis.com', 'google-adc'],
  ],
  '04-vertex-claude.yaml': [
    ['claude-sonnet', 'vertex/anthropic', 'https://us-east5-aiplatform.googleapis.com', 'service-account:env:VERTEX_SA_JSON'],
    ['claude-sonnet', 'vertex/anthropic', 'https://europe-west1-aiplatform.googleapis.com', 'service-account:env:VERTEX_SA_JSON'],
    ['claude-haiku', 'vertex/anthropic', 'https://us-east5-aiplatform.googleapis.com', 'google-adc'],
  ],
  '05-gemini-api.yaml': [
    ['gemini-2.5-flash', 'gemini', 'https://generativelanguage.googleapis.com', 'env:GEMINI_API_KEY'],
    ['gemini-2.5-flash', 'gemini', 'https://generativelanguage.googleapis.com', 'env:GEMINI_API_KEY_2'],
    ['gemini-2.5-pro', 'gemini', 'https://generativelanguage.googleapis.com', 'env:GEMINI_API_KEY (default)'],
    ['gemini-embedding', 'gemini', 'https://generativelanguage.googleapis.com', 'env:GEMINI_API_KEY'],
  ],
  '06-azure.yaml': [
    ['gpt-4o', 'openai', 'https://acme-eastus.openai.azure.com', 'env:AZURE_API_KEY_EASTUS'],
    ['gpt-4o', 'openai', 'https://acme-sweden.openai.azure.com', 'env:AZURE_API_KEY_SWEDEN'],
    ['gpt-4o', 'openai', 'https://acme-japan.openai.azure.com', 'env:AZURE_API_KEY_JAPAN'],
    ['text-embedding-3-small', 'openai', 'https://acme-eastus.openai.azure.com', 'env:AZURE_API_KEY_EASTUS'],
  ],
  '07-wildcards.yaml': [
    ['openai/*', 'openai', 'https://api.openai.com/v1', 'env:OPENAI_API_KEY'],
    ['anthropic/*', 'anthropic', 'https://api.anthropic.com', 'env:ANTHROPIC_API_KEY'],
    ['*', 'openai', 'https://api.openai.com/v1', 'env:OPENAI_API_KEY (default)'],
  ],
  '08-model-group-alias.yaml': [
    ['gpt-4o-mini', 'openai', 'https://api.openai.com/v1', 'env:OPENAI_API_KEY'],
    ['claude-haiku', 'anthropic', 'https://api.anthropic.com', 'env:ANTHROPIC_API_KEY'],
  ],
  '09-tags.yaml': [
    ['gpt-4o', 'openai', 'https://api.openai.com/v1', 'env:OPENAI_API_KEY'],
    ['gpt-4o', 'openai', 'https://api.openai.com/v1', 'env:OPENAI_API_KEY'],
    ['gpt-4o', 'openai', 'https://acme-eastus.openai.azure.com', 'env:AZURE_API_KEY'],
  ],
  '10-provider-budgets.yaml': [
    ['chat', 'openai', 'https://api.openai.com/v1', 'env:OPENAI_API_KEY'],
    ['chat', 'anthropic', 'https://api.anthropic.com', 'env:ANTHROPIC_API_KEY'],
    ['chat', 'gemini', 'https://generativelanguage.googleapis.com', 'env:GEMINI_API_KEY'],
    ['chat', 'bedrock', 'https://bedrock-runtime.us-east-1.amazonaws.com', 'aws-default-chain'],
  ],
  '11-deployment-budgets.yaml': [
    ['gpt-4o', 'openai', 'https://api.openai.com/v1', 'env:OPENAI_API_KEY'],
    ['gpt-4o', 'openai', 'https://acme-eu.openai.azure.com', 'env:AZURE_API_KEY_EU'],
  ],
  '12-fallbacks-generic.yaml': [
    ['claude-bedrock', 'bedrock', 'https://bedrock-runtime.us-east-1.amazonaws.com', 'aws-default-chain'],
    ['claude-vertex', 'vertex/anthropic', 'https://us-east5-aiplatform.googleapis.com', 'service-account:env:VERTEXAI_CREDENTIALS'],
    ['gpt-4o', 'openai', 'https://api.openai.com/v1', 'env:OPENAI_API_KEY'],
  ],
  '13-fallbacks-context-window.yaml': [
    ['llama-8b', 'bedrock', 'https://bedrock-runtime.us-west-2.amazonaws.com', 'aws-default-chain'],
    ['gemini-long', 'gemini', 'https://generativelanguage.googleapis.com', 'env:GEMINI_API_KEY'],
    ['claude-long', 'anthropic', 'https://api.anthropic.com', 'env:ANTHROPIC_API_KEY'],
  ],
  '14-fallbacks-content-policy-default.yaml': [
    ['gemini-flash', 'vertex/gemini', 'https://us-central1-aiplatform.googleapis.com', 'google-adc'],
    ['claude-haiku', 'anthropic', 'https://api.anthropic.com', 'env:ANTHROPIC_API_KEY'],
    ['gpt-4o-mini', 'openai', 'https://api.openai.com/v1', 'env:OPENAI_API_KEY'],
  ],
  '15-sampling-defaults.yaml': [
    ['deterministic-gpt', 'openai', 'https://api.openai.com/v1', 'env:OPENAI_API_KEY'],
    ['creative-claude', 'anthropic', 'https://api.anthropic.com', 'env:ANTHROPIC_API_KEY'],
    ['thinking-claude', 'bedrock', 'https://bedrock-runtime.us-west-2.amazonaws.com', 'aws-default-chain'],
    ['gemini-penalised', 'gemini', 'https://generativelanguage.googleapis.com', 'env:GEMINI_API_KEY'],
  ],
  '16-multicloud-production.yaml': [
    ['smart', 'openai', 'https://api.openai.com/v1', 'env:OPENAI_API_KEY'],
    ['smart', 'openai', 'https://acme-prod.openai.azure.com', 'env:AZURE_API_KEY'],
    ['smart', 'bedrock', 'https://bedrock-runtime.us-east-2.amazonaws.com', 'aws-default-chain'],
    ['smart', 'vertex/gemini', 'https://asia-northeast1-aiplatform.googleapis.com', 'service-account:env:VERTEXAI_CREDENTIALS'],
    ['smart', 'gemini', 'https://generativelanguage.googleapis.com', 'env:GEMINI_API_KEY'],
    ['embed', 'openai', 'https://api.openai.com/v1', 'env:OPENAI_API_KEY'],
  ],
};

describe('LiteLLM config corpus', () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.yaml')).sort();

  it('has at least 15 configs, each with expectations', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    expect(Object.keys(EXPECTED).sort()).toEqual(files);
  });

  it.each(files)('%s loads, and each deployment resolves to its adapter, URL and credentials source', (file) => {
    const loaded = loadConfig(join(CORPUS, file));
    const rows: Row[] = Object.values(loaded.routing.deployments).map((d) => {
      const params = loaded.params[d.id] as DeploymentParams;
      return [d.group, adapterOf(params), resolveDeployment(params, withKeys).apiBase, credentialsOf(params)];
    });
    expect(rows).toEqual(EXPECTED[file]);
    // A corpus written with references only can run durably.
    expect(loaded.literalSecrets).toEqual([]);
    // Nothing resolved ends up in the loaded config.
    expect(JSON.stringify(loaded)).not.toContain('value-of-');
  });
});

describe('what the corpus carries beyond routing', () => {
  it('keeps Bedrock and Vertex parameters as references', () => {
    const bedrock = loadConfig(join(CORPUS, '01-bedrock-keys-and-profiles.yaml'));
    const [first] = Object.values(bedrock.params);
    expect(first?.aws).toEqual({ regionName: 'us-west-2', accessKeyId: 'os.environ/AWS_ACCESS_KEY_ID', secretAccessKey: 'os.environ/AWS_SECRET_ACCESS_KEY' });
    const vertex = loadConfig(join(CORPUS, '16-multicloud-production.yaml'));
    const v = Object.values(vertex.params).find((p) => p.model.startsWith('vertex_ai/'));
    expect(v?.vertex).toEqual({ project: 'os.environ/VERTEXAI_PROJECT', location: 'os.environ/VERTEXAI_LOCATION', credentials: 'os.environ/VERTEXAI_CREDENTIALS' });
    expect(resolveDeployment(v as DeploymentParams, withKeys).vertex).toEqual({ project: 'env-project', location: 'asia-northeast1', credentials: '/run/secrets/vertex.json' });
  });

  it('turns sampling keys into request defaults', () => {
    const loaded = loadConfig(join(CORPUS, '15-sampling-defaults.yaml'));
    expect(Object.values(loaded.params).map((p) => p.defaults)).toEqual([
      { temperature: 0, seed: 42 },
      { temperature: 0.9, top_p: 0.95, stop: ['\n\nHuman:'] },
      { thinking: { type: 'enabled', budget_tokens: 2048 } },
      { presence_penalty: 0.5, frequency_penalty: 0.3, reasoning_effort: 'low' },
    ]);
    expect(Object.values(loaded.params)[0]?.maxTokens).toBe(512);
  });

  it('reads aliases, tags and wildcards into the routing config', () => {
    const aliases = loadConfig(join(CORPUS, '08-model-group-alias.yaml'));
    expect(aliases.routing.aliases).toEqual({ 'gpt-3.5-turbo': { group: 'gpt-4o-mini', hidden: false }, 'claude-instant': { group: 'claude-haiku', hidden: true } });
    expect(aliases.warnings).toEqual([]);
    const tags = loadConfig(join(CORPUS, '09-tags.yaml'));
    expect(tags.routing.settings.enableTagFiltering).toBe(true);
    expect(Object.values(tags.routing.deployments).map((d) => d.tags)).toEqual([['free'], ['paid'], ['default']]);
    const wild = loadConfig(join(CORPUS, '07-wildcards.yaml'));
    expect(Object.keys(wild.routing.groups)).toEqual(['openai/*', 'anthropic/*', '*']);
    expect(Object.values(wild.routing.deployments).map((d) => d.model)).toEqual(['openai/*', 'anthropic/*', '*']);
  });

  it('reads provider and deployment budgets into budget rules', () => {
    const providers = loadConfig(join(CORPUS, '10-provider-budgets.yaml'));
    expect(providers.routing.budgets).toEqual([
      { key: 'provider:openai', scope: 'provider', target: 'openai', limitUsd: 100, windowMs: 86_400_000 },
      { key: 'provider:anthropic', scope: 'provider', target: 'anthropic', limitUsd: 50, windowMs: 10 * 86_400_000 },
      { key: 'provider:gemini', scope: 'provider', target: 'gemini', limitUsd: 25, windowMs: 30 * 86_400_000 },
      { key: 'provider:bedrock', scope: 'provider', target: 'bedrock', limitUsd: 0.01, windowMs: 3_600_000 },
    ]);
    const deployments = loadConfig(join(CORPUS, '11-deployment-budgets.yaml'));
    expect(deployments.routing.budgets?.map((b) => [b.scope, b.limitUsd, b.windowMs])).toEqual([['deployment', 100, 86_400_000], ['deployment', 20, 3_600_000]]);
    expect(deployments.warnings).toEqual([]);
  });

  it('reads every kind of fallback', () => {
    expect(loadConfig(join(CORPUS, '12-fallbacks-generic.yaml')).routing.settings.fallbacks).toEqual({ 'claude-bedrock': ['claude-vertex', 'gpt-4o'], 'claude-vertex': ['gpt-4o'] });
    const ctx = loadConfig(join(CORPUS, '13-fallbacks-context-window.yaml')).routing.settings;
    expect(ctx.contextWindowFallbacks).toEqual({ 'llama-8b': ['gemini-long', 'claude-long'] });
    const policy = loadConfig(join(CORPUS, '14-fallbacks-content-policy-default.yaml')).routing.settings;
    expect(policy.contentPolicyFallbacks).toEqual({ 'gemini-flash': ['claude-haiku'] });
    expect(policy.defaultFallbacks).toEqual(['gpt-4o-mini']);
  });
});
