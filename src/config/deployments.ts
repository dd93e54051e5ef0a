import { DEFAULT_COMPLEXITY_KEYWORDS } from '../core/complexity/keywords';
import type { ComplexityRouterConfig, ComplexityTier, DeploymentInfo } from '../core/types';
import { getProviderSpec } from '../providers/catalog';
import { PROVIDER_IDS, isProviderId, parseModelString } from '../providers/model-string';
import { REQUEST_DEFAULT_KEYS, type AwsParams, type DeploymentParams, type RequestDefaults, type VertexParams } from '../providers/types';
import {
  COMPLEXITY_ROUTER_MODEL,
  COMPLEXITY_TIERS,
  complexityRouterConfigSchema,
  type ComplexityRouterConfigInput,
} from './complexity-router-schema';
import { deriveDeploymentId } from './deployment-id';
import type { ConfigPath, IssueList } from './issues';
import type { ModelPricingLookup } from './model-pricing';
import {
  IGNORED_LITELLM_PARAMS,
  deploymentEntrySchema,
  litellmParamsSchema,
  modelInfoSchema,
  type DeploymentEntryInput,
} from './model-list-schema';
import { classifySecret, type LiteralSecretLocation } from './secret-ref';
import { checkKeys } from './unknown-keys';
import { addZodIssues } from './zod-issues';

const SECONDS = 1000;

export interface ComplexityRouterEntry {
  readonly path: ConfigPath;
  readonly config: ComplexityRouterConfig;
  /** Where each tier target and the default group were written, for reference errors. */
  readonly targetPaths: readonly { readonly group: string; readonly path: ConfigPath }[];
}

export interface NormalizedDeployment {
  readonly index: number;
  /** `max_budget` / `budget_duration` as written. */
  readonly budget?: { readonly limitUsd: number | undefined; readonly duration: string | undefined };
  readonly info: DeploymentInfo;
  /** Provider call parameters; absent for complexity routers, which make no call themselves. */
  readonly params?: DeploymentParams;
  readonly idPath: ConfigPath;
  readonly complexity?: ComplexityRouterEntry;
}

export interface DeploymentOptions {
  readonly pricing: ModelPricingLookup | undefined;
  readonly allowLiteralSecrets: boolean;
  readonly defaultDropParams: boolean | undefined;
}

export interface DeploymentsResult {
  readonly deployments: NormalizedDeployment[];
  /** Every `model_name` written, including entries with errors, so one broken entry does not cascade into "no model group" errors. */
  readonly groupNames: ReadonlySet<string>;
  readonly literalSecrets: LiteralSecretLocation[];
}

const ENTRY_KNOWN = Object.keys(deploymentEntrySchema.shape);
const PARAMS_KNOWN = Object.keys(litellmParamsSchema.shape);
const MODEL_INFO_KNOWN = Object.keys(modelInfoSchema.shape);
const COMPLEXITY_KNOWN = Object.keys(complexityRouterConfigSchema.shape);
/** LiteLLM complexity-router options for classifiers and session handling this router does not implement. */
const COMPLEXITY_IGNORED = [
  'keyword_tier_rules', 'semantic_keyword_matching', 'embedding_model', 'match_threshold', 'reminder_markers',
  'adaptive', 'session_affinity', 'session_affinity_ttl_seconds', 'context_window_escalation',
  'context_window_escalation_buffer', 'modality_routing', 'classification_mode', 'return_raw_model_name',
  'classifier_fallback', 'classifier_llm_config', 'classifier_context_window_size',
  'classifier_context_budget_chars', 'classifier_context_include_assistant_turns',
];

export function normalizeDeployments(issues: IssueList, rawList: readonly unknown[], options: DeploymentOptions): DeploymentsResult {
  const deployments: NormalizedDeployment[] = [];
  const groupNames = new Set<string>();
  const literalSecrets: LiteralSecretLocation[] = [];
  const derivedIds = new Map<string, number>();

  rawList.forEach((raw, index) => {
    const path: ConfigPath = ['model_list', index];
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      issues.error(path, 'expected a mapping with model_name and litellm_params');
      return;
    }
    const rawRecord = raw as Record<string, unknown>;
    if (typeof rawRecord.model_name === 'string' && rawRecord.model_name.trim() !== '') groupNames.add(rawRecord.model_name.trim());
    checkKeys(issues, path, rawRecord, { known: ENTRY_KNOWN, mode: 'strict' });
    checkKeys(issues, [...path, 'litellm_params'], rawRecord.litellm_params, {
      known: PARAMS_KNOWN,
      ignored: IGNORED_LITELLM_PARAMS,
      mode: 'strict',
      noun: 'litellm_params key',
      ignoredBecause: 'LiteLLM proxy-only parameter',
    });
    checkKeys(issues, [...path, 'model_info'], rawRecord.model_info, { known: MODEL_INFO_KNOWN, mode: 'silent' });

    const parsed = deploymentEntrySchema.safeParse(raw);
    if (!parsed.success) {
      addZodIssues(issues, path, parsed.error, raw);
      return;
    }
    const entry = parsed.data;
    const normalized =
      entry.litellm_params.model === COMPLEXITY_ROUTER_MODEL
        ? normalizeComplexityRouter(issues, path, index, entry, rawRecord)
        : normalizeProviderDeployment(issues, path, index, entry, options, literalSecrets);
    if (normalized === undefined) return;

    // Identical entries derive identical ids; a suffix keeps them apart (LiteLLM treats them as two deployments).
    if (entry.model_info?.id === undefined) {
      const seen = derivedIds.get(normalized.info.id) ?? 0;
      derivedIds.set(normalized.info.id, seen + 1);
      if (seen > 0) {
        const id = `${normalized.info.id}-${seen + 1}`;
        deployments.push({
          ...normalized,
          info: { ...normalized.info, id },
          ...(normalized.params ? { params: { ...normalized.params, id } } : {}),
        });
        return;
      }
    }
    deployments.push(normalized);
  });
  return { deployments, groupNames, literalSecrets };
}

function resolveProviderModel(issues: IssueList, path: ConfigPath, model: string, customProvider: string | undefined): { provider: string; model: string } | undefined {
  const modelPath = [...path, 'litellm_params', 'model'];
  if (model.startsWith('auto_router/')) {
    issues.error(modelPath, `"${model}" is not supported: the only auto router is "${COMPLEXITY_ROUTER_MODEL}"`);
    return undefined;
  }
  // `model: "*"` under `model_name: "*"`: any model name, provider included, goes through as asked.
  if (model === '*' && customProvider === undefined) return { provider: 'openai', model: '*' };
  let written = model;
  if (customProvider !== undefined) {
    if (!isProviderId(customProvider)) {
      issues.error([...path, 'litellm_params', 'custom_llm_provider'], `unknown provider "${customProvider}"; known providers: ${PROVIDER_IDS.join(', ')}`);
      return undefined;
    }
    const slash = model.indexOf('/');
    if (slash === -1 || model.slice(0, slash) !== customProvider) written = `${customProvider}/${model}`;
  }
  try {
    const parsed = parseModelString(written);
    return { provider: parsed.provider, model: `${parsed.provider}/${parsed.model}` };
  } catch (error) {
    issues.error(modelPath, error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

function normalizeProviderDeployment(
  issues: IssueList,
  path: ConfigPath,
  index: number,
  entry: DeploymentEntryInput,
  options: DeploymentOptions,
  literalSecrets: LiteralSecretLocation[],
): NormalizedDeployment | undefined {
  const p = entry.litellm_params;
  const paramsPath: ConfigPath = [...path, 'litellm_params'];
  const resolved = resolveProviderModel(issues, path, p.model, p.custom_llm_provider);
  if (resolved === undefined) return undefined;
  const providerId = resolved.provider as Parameters<typeof getProviderSpec>[0];
  const spec = getProviderSpec(providerId);

  const label = deploymentLabel(index, entry.model_name);
  if (spec.id === 'azure') {
    // LiteLLM reads both from AZURE_API_BASE / AZURE_API_VERSION when absent; a config that names them is one that says where it sends requests.
    if (p.api_base === undefined) issues.error([...paramsPath, 'api_base'], `is required for azure/ deployments (${label}): the resource endpoint, e.g. https://<resource>.openai.azure.com, or "os.environ/NAME"`);
    if (p.api_version === undefined) issues.error([...paramsPath, 'api_version'], `is required for azure/ deployments (${label}), e.g. "2024-10-21", or "os.environ/NAME"`);
  } else if (spec.requiresApiBase && p.api_base === undefined && spec.apiBaseEnv === undefined) {
    issues.error([...paramsPath, 'api_base'], `is required for provider "${spec.id}", which has no default endpoint`);
  }
  for (const key of ['api_base', 'aws_bedrock_runtime_endpoint'] as const) {
    const value = p[key];
    if (value === undefined) continue;
    const problem = urlProblem(value);
    if (problem !== undefined) issues.error([...paramsPath, key], problem);
  }
  if (p.complexity_router_config !== undefined) {
    issues.error([...paramsPath, 'complexity_router_config'], `only applies when model is "${COMPLEXITY_ROUTER_MODEL}"`);
  }
  if (p.max_retries !== undefined && p.max_retries > 0) {
    issues.warn([...paramsPath, 'max_retries'], 'ignored: SDK retries are always off so that the router is the only retry layer; use num_retries');
  }
  if (p.mock_response !== undefined) issues.warn([...paramsPath, 'mock_response'], 'ignored: use the fake provider server from temporal-llm-router/testing instead');

  const id = entry.model_info?.id ?? deriveDeploymentId(entry.model_name, resolved.model, identityOf(p));
  const idPath: ConfigPath = entry.model_info?.id === undefined ? path : [...path, 'model_info', 'id'];

  if (p.api_key !== undefined) {
    const secret = classifySecret(p.api_key);
    if (secret.kind === 'invalid-env') {
      issues.error([...paramsPath, 'api_key'], `"os.environ/${secret.name}" is not a valid environment variable name`);
    } else if (secret.kind === 'literal') {
      literalSecrets.push({ deploymentId: id, deployment: label, path: `model_list[${index}].litellm_params.api_key`, field: 'apiKey' });
      if (options.allowLiteralSecrets) issues.warn([...paramsPath, 'api_key'], `literal API key in ${label}; prefer "os.environ/NAME" (a config with literal keys cannot run durably)`);
      else issues.error([...paramsPath, 'api_key'], `literal API key in ${label} is not allowed here; use "os.environ/NAME"`);
    }
  }
  const secretLike: Array<[keyof typeof p, LiteralSecretLocation['field']]> = [
    ['aws_access_key_id', 'awsKeys'], ['aws_secret_access_key', 'awsKeys'], ['aws_session_token', 'awsKeys'], ['vertex_credentials', 'vertexCredentials'],
  ];
  for (const [key, field] of secretLike) {
    const value = p[key];
    if (typeof value !== 'string') continue;
    const secret = classifySecret(value);
    if (secret.kind === 'invalid-env') {
      issues.error([...paramsPath, key], `"os.environ/${secret.name}" is not a valid environment variable name`);
      continue;
    }
    // A key file path is not a secret; the key JSON written inline is.
    if (secret.kind !== 'literal' || (key === 'vertex_credentials' && !value.trimStart().startsWith('{'))) continue;
    literalSecrets.push({ deploymentId: id, deployment: label, path: `model_list[${index}].litellm_params.${key}`, field });
    if (options.allowLiteralSecrets) issues.warn([...paramsPath, key], `literal credential in ${label}; prefer "os.environ/NAME" (a config with literal credentials cannot run durably)`);
    else issues.error([...paramsPath, key], `literal credential in ${label} is not allowed here; use "os.environ/NAME"`);
  }
  if (resolved.provider === 'gemini' && p.api_base !== undefined && /\/openai\/?$/.test(p.api_base)) {
    issues.error([...paramsPath, 'api_base'], 'points at Google\'s OpenAI-compatible endpoint, but gemini/ speaks the native Gemini API (api_base is the host, e.g. https://generativelanguage.googleapis.com); to keep that endpoint, write the model as openai_compatible/<model>');
  }
  if (resolved.provider === 'bedrock' && p.api_key !== undefined) {
    issues.warn([...paramsPath, 'api_key'], 'ignored for bedrock: requests are signed with AWS credentials (aws_access_key_id / aws_secret_access_key, or the AWS default chain)');
  }
  const headers = { ...(p.extra_headers ?? {}), ...(p.headers ?? {}) };
  for (const [name, value] of Object.entries(headers)) {
    if (/auth|key|token|secret/i.test(name) && classifySecret(value).kind === 'literal') {
      literalSecrets.push({ deploymentId: id, deployment: label, path: `model_list[${index}].litellm_params.headers.${name}`, field: 'headers' });
      if (!options.allowLiteralSecrets) issues.error([...paramsPath, p.headers?.[name] !== undefined ? 'headers' : 'extra_headers', name], `literal secret in a header of ${label}; use "os.environ/NAME"`);
    }
  }

  const info = entry.model_info;
  const lookupModel = info?.base_model ?? resolved.model;
  const priced = options.pricing?.(lookupModel);
  const inputCostPerToken = p.input_cost_per_token ?? info?.input_cost_per_token ?? priced?.inputCostPerToken;
  const outputCostPerToken = p.output_cost_per_token ?? info?.output_cost_per_token ?? priced?.outputCostPerToken;
  // Provider batch endpoints (`batch start --mode provider-batch`); unset, they bill half the list price.
  const inputCostPerTokenBatches = p.input_cost_per_token_batches ?? info?.input_cost_per_token_batches;
  const outputCostPerTokenBatches = p.output_cost_per_token_batches ?? info?.output_cost_per_token_batches;
  const maxInputTokens = p.max_input_tokens ?? info?.max_input_tokens ?? priced?.maxInputTokens;
  const maxOutputTokens = info?.max_output_tokens ?? info?.max_tokens ?? priced?.maxOutputTokens;

  const deployment: DeploymentInfo = compact({
    id,
    group: entry.model_name,
    model: resolved.model,
    provider: resolved.provider,
    weight: p.weight,
    rpm: p.rpm ?? entry.rpm,
    tpm: p.tpm ?? entry.tpm,
    order: p.order,
    inputCostPerToken,
    outputCostPerToken,
    maxInputTokens,
    maxOutputTokens,
    cooldownTimeSec: p.cooldown_time,
    numRetries: p.num_retries,
    timeoutMs: scale(p.timeout),
    streamTimeoutMs: scale(p.stream_timeout),
    tags: p.tags,
  });
  const params: DeploymentParams = compact({
    id,
    model: resolved.model,
    apiKey: p.api_key,
    apiBase: p.api_base,
    apiVersion: p.api_version,
    timeoutMs: scale(p.timeout),
    maxTokens: p.max_tokens,
    headers: Object.keys(headers).length > 0 ? headers : undefined,
    inputCostPerToken,
    outputCostPerToken,
    inputCostPerTokenBatches,
    outputCostPerTokenBatches,
    maxInputTokens,
    dropParams: p.drop_params ?? options.defaultDropParams,
    defaults: requestDefaultsOf(p),
    aws: resolved.provider === 'bedrock' ? awsOf(p) : undefined,
    vertex: resolved.provider === 'vertex_ai' ? vertexOf(p) : undefined,
  });
  if (resolved.provider === 'bedrock' && p.api_base === undefined && p.aws_bedrock_runtime_endpoint !== undefined) params.apiBase = p.aws_bedrock_runtime_endpoint;
  const budget = p.max_budget === undefined && p.budget_duration === undefined ? undefined : { limitUsd: p.max_budget, duration: p.budget_duration };
  return { index, info: deployment, params, idPath, ...(budget === undefined ? {} : { budget }) };
}

type LitellmParams = DeploymentEntryInput['litellm_params'];

/** A deployment as the user wrote it: `model_list[2] (model_name "gpt-4o")`, never the derived id. */
export function deploymentLabel(index: number, modelName: string): string {
  return `model_list[${index}] (model_name ${JSON.stringify(modelName)})`;
}

/** Why a written endpoint is not usable, or undefined: an http(s) URL, or an `os.environ/NAME` reference resolved by the activity. */
function urlProblem(value: string): string | undefined {
  const secret = classifySecret(value);
  if (secret.kind === 'env') return undefined;
  if (secret.kind === 'invalid-env') return `"os.environ/${secret.name}" is not a valid environment variable name`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be an http(s) URL such as https://api.example.com/v1, got ${JSON.stringify(value)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http(s) URL, got the ${url.protocol.slice(0, -1)}: scheme in ${JSON.stringify(value)}`;
  if (url.hostname === '') return `must name a host, got ${JSON.stringify(value)}`;
  return undefined;
}

function requestDefaultsOf(p: LitellmParams): RequestDefaults | undefined {
  const out: Record<string, unknown> = {};
  for (const key of REQUEST_DEFAULT_KEYS) if (key in litellmParamsSchema.shape && p[key as keyof LitellmParams] !== undefined) out[key] = p[key as keyof LitellmParams];
  return Object.keys(out).length > 0 ? (out as RequestDefaults) : undefined;
}

function awsOf(p: LitellmParams): AwsParams | undefined {
  const aws = compact({ regionName: p.aws_region_name, accessKeyId: p.aws_access_key_id, secretAccessKey: p.aws_secret_access_key, sessionToken: p.aws_session_token, profileName: p.aws_profile_name });
  return Object.keys(aws).length > 0 ? aws : undefined;
}

function vertexOf(p: LitellmParams): VertexParams | undefined {
  const vertex = compact({ project: p.vertex_project, location: p.vertex_location, credentials: p.vertex_credentials });
  return Object.keys(vertex).length > 0 ? vertex : undefined;
}

/** What makes two deployments the same deployment; the key is deliberately not part of it. */
function identityOf(p: DeploymentEntryInput['litellm_params']): Record<string, unknown> {
  return {
    model: p.model, api_base: p.api_base, api_version: p.api_version, custom_llm_provider: p.custom_llm_provider,
    ...(p.aws_region_name !== undefined ? { aws_region_name: p.aws_region_name } : {}),
    ...(p.vertex_project !== undefined ? { vertex_project: p.vertex_project } : {}),
    ...(p.vertex_location !== undefined ? { vertex_location: p.vertex_location } : {}),
  };
}

function normalizeComplexityRouter(
  issues: IssueList,
  path: ConfigPath,
  index: number,
  entry: DeploymentEntryInput,
  rawEntry: Record<string, unknown>,
): NormalizedDeployment | undefined {
  const paramsPath: ConfigPath = [...path, 'litellm_params'];
  const cfgPath: ConfigPath = [...paramsPath, 'complexity_router_config'];
  const cfg = entry.litellm_params.complexity_router_config;
  if (cfg === undefined) {
    issues.error(cfgPath, `is required when model is "${COMPLEXITY_ROUTER_MODEL}" (at least its tiers)`);
    return undefined;
  }
  const rawCfg = (rawEntry.litellm_params as Record<string, unknown>).complexity_router_config as Record<string, unknown>;
  checkKeys(issues, cfgPath, rawCfg, {
    known: COMPLEXITY_KNOWN,
    ignored: COMPLEXITY_IGNORED,
    mode: 'strict',
    ignoredBecause: 'complexity-router option not implemented by this router',
  });
  checkKeys(issues, [...cfgPath, 'tiers'], rawCfg.tiers, { known: COMPLEXITY_TIERS, mode: 'strict' });
  checkKeys(issues, [...cfgPath, 'tier_boundaries'], rawCfg.tier_boundaries, { known: ['simple_medium', 'medium_complex', 'complex_reasoning'], mode: 'strict' });
  checkKeys(issues, [...cfgPath, 'token_thresholds'], rawCfg.token_thresholds, { known: ['simple', 'complex'], mode: 'strict' });
  checkKeys(issues, [...cfgPath, 'dimension_weights'], rawCfg.dimension_weights, {
    known: ['tokenCount', 'codePresence', 'reasoningMarkers', 'technicalTerms', 'simpleIndicators', 'multiStepPatterns', 'questionComplexity'],
    mode: 'strict',
  });

  const targetPaths: { group: string; path: ConfigPath }[] = [];
  const tiers: Partial<Record<ComplexityTier, string>> = {};
  for (const tier of COMPLEXITY_TIERS) {
    const target = cfg.tiers[tier];
    if (target === undefined) continue;
    const tierPath: ConfigPath = [...cfgPath, 'tiers', tier];
    if (typeof target === 'string') {
      tiers[tier] = target;
      targetPaths.push({ group: target, path: tierPath });
    } else {
      const [first] = target;
      if (first === undefined) continue;
      if (target.length > 1) issues.warn(tierPath, `tier pools are not supported; routing ${tier} to "${first}" only`);
      tiers[tier] = first;
      target.forEach((group, i) => targetPaths.push({ group, path: [...tierPath, i] }));
    }
  }
  const defaultGroup = entry.litellm_params.complexity_router_default_model ?? cfg.default_model;
  if (defaultGroup !== undefined) {
    const defaultPath: ConfigPath =
      entry.litellm_params.complexity_router_default_model !== undefined
        ? [...paramsPath, 'complexity_router_default_model']
        : [...cfgPath, 'default_model'];
    targetPaths.push({ group: defaultGroup, path: defaultPath });
  } else {
    const missing = COMPLEXITY_TIERS.filter((t) => tiers[t] === undefined);
    if (missing.length > 0) {
      issues.error([...cfgPath, 'tiers'], `tier${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ha${missing.length > 1 ? 've' : 's'} no model group and no default model is set (complexity_router_default_model)`);
    }
  }

  const b = cfg.tier_boundaries;
  if (b) {
    const ordered = [b.simple_medium, b.medium_complex, b.complex_reasoning];
    for (let i = 1; i < ordered.length; i++) {
      const lo = ordered[i - 1];
      const hi = ordered[i];
      if (lo !== undefined && hi !== undefined && lo > hi) {
        issues.error([...cfgPath, 'tier_boundaries'], 'boundaries must not decrease: simple_medium <= medium_complex <= complex_reasoning');
        break;
      }
    }
  }
  const t = cfg.token_thresholds;
  if (t?.simple !== undefined && t.complex !== undefined && t.simple > t.complex) {
    issues.error([...cfgPath, 'token_thresholds'], `simple (${t.simple}) must not exceed complex (${t.complex})`);
  }

  const config: ComplexityRouterConfig = compact({
    tiers,
    defaultGroup,
    weights: cfg.dimension_weights ? compact({ ...cfg.dimension_weights }) : undefined,
    boundaries: b ? compact({ simpleMedium: b.simple_medium, mediumComplex: b.medium_complex, complexReasoning: b.complex_reasoning }) : undefined,
    tokenThresholds: t ? compact({ simple: t.simple, complex: t.complex }) : undefined,
    keywords: keywordsOf(cfg),
  });
  const id = entry.model_info?.id ?? deriveDeploymentId(entry.model_name, COMPLEXITY_ROUTER_MODEL, { tiers, defaultGroup });
  const info: DeploymentInfo = {
    id,
    group: entry.model_name,
    model: COMPLEXITY_ROUTER_MODEL,
    provider: 'auto_router',
    complexityRouterConfig: config,
  };
  return {
    index,
    info,
    idPath: entry.model_info?.id === undefined ? path : [...path, 'model_info', 'id'],
    complexity: { path, config, targetPaths },
  };
}

function keywordsOf(cfg: ComplexityRouterConfigInput): ComplexityRouterConfig['keywords'] {
  const lower = (list: readonly string[] | undefined) => list?.map((k) => k.toLowerCase());
  // LiteLLM's custom_technical_keywords extend the built-in list rather than replace it.
  const technical = cfg.technical_keywords ?? (cfg.custom_technical_keywords ? DEFAULT_COMPLEXITY_KEYWORDS.technical : undefined);
  const keywords = compact({
    code: lower(cfg.code_keywords),
    reasoning: lower(cfg.reasoning_keywords),
    technical: technical === undefined ? undefined : lower([...technical, ...(cfg.custom_technical_keywords ?? [])]),
    simple: lower(cfg.simple_keywords),
  });
  return Object.keys(keywords).length > 0 ? keywords : undefined;
}

function scale(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * SECONDS;
}

/** Drops undefined-valued keys: core data must survive a JSON round trip unchanged. */
function compact<T extends object>(o: T): T {
  const out = {} as T;
  for (const key of Object.keys(o) as (keyof T)[]) if (o[key] !== undefined) out[key] = o[key];
  return out;
}
