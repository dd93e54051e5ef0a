/**
 * The provider layer's data types. Everything here is plain JSON: deployments
 * and requests travel through Temporal workflow history, so they never hold a
 * resolved secret (keys stay as `os.environ/NAME` until the call is made).
 */
import type { ProviderId } from './model-string';

/** One deployment's connection parameters (LiteLLM's `litellm_params`, camel-cased). */
export interface DeploymentParams {
  /** Stable id of the deployment (LiteLLM `model_info.id`); keys the client cache and appears in errors. */
  id: string;
  /** `provider/model`; a bare name means OpenAI. For Azure the model part is the deployment name. */
  model: string;
  /** A literal key or `os.environ/NAME`; defaults to the provider's key variable. */
  apiKey?: string;
  apiBase?: string;
  /** Azure `api-version` query parameter. */
  apiVersion?: string;
  /** Per-attempt deadline for the whole call, including reading a streamed body. */
  timeoutMs?: number;
  /** `max_tokens` used when the request sets neither `max_tokens` nor `max_completion_tokens`. */
  maxTokens?: number;
  headers?: Record<string, string>;
  inputCostPerToken?: number;
  outputCostPerToken?: number;
  /** Prices at the provider's batch endpoint (LiteLLM's `input_cost_per_token_batches`); unset, half the list price. */
  inputCostPerTokenBatches?: number;
  outputCostPerTokenBatches?: number;
  maxInputTokens?: number;
  /** Drop parameters the provider cannot honour instead of failing with UnsupportedParamsError. */
  dropParams?: boolean;
  /** Sampling defaults from `litellm_params`, sent unless the request sets its own value. */
  defaults?: RequestDefaults;
  /** AWS (Bedrock): region, and optional keys (literal or `os.environ/NAME`); otherwise the AWS default credential chain. */
  aws?: AwsParams;
  /** Google Vertex AI: project, location and service-account credentials. */
  vertex?: VertexParams;
}

/** The request keys a deployment may default (LiteLLM forwards these from `litellm_params`). */
export const REQUEST_DEFAULT_KEYS = [
  'temperature', 'top_p', 'seed', 'stop', 'presence_penalty', 'frequency_penalty', 'n', 'user', 'reasoning_effort', 'thinking', 'parallel_tool_calls',
] as const;
export type RequestDefaults = Partial<Pick<ChatRequest, (typeof REQUEST_DEFAULT_KEYS)[number]>>;

export interface AwsParams {
  regionName?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** A profile of ~/.aws/config and ~/.aws/credentials. */
  profileName?: string;
}

export interface VertexParams {
  project?: string;
  location?: string;
  /** A service-account key file path, the key JSON itself, or `os.environ/NAME` holding either; default: Application Default Credentials. */
  credentials?: string;
}

// --- Requests (OpenAI Chat Completions) ---

/** Anthropic prompt caching marker (LiteLLM passes it on OpenAI-shaped parts and messages). */
export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export interface TextContentPart {
  type: 'text';
  text: string;
  cache_control?: CacheControl;
}
export interface ImageContentPart {
  type: 'image_url';
  /** An https URL or a `data:<mime>;base64,` URL. */
  image_url: { url: string; detail?: 'auto' | 'low' | 'high'; format?: string };
  cache_control?: CacheControl;
}
/** OpenAI's file part: a PDF (or other document) inline as a data URL, or by provider file id / URL. */
export interface FileContentPart {
  type: 'file';
  file: { file_data?: string; file_id?: string; filename?: string; format?: string };
  cache_control?: CacheControl;
}
export type ContentPart = TextContentPart | ImageContentPart | FileContentPart;

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** `cache_control` on a message marks its last block (LiteLLM's message-level form). */
export interface SystemMessage {
  role: 'system' | 'developer';
  /** An array keeps its blocks apart (and their `cache_control`) where the provider takes structured system prompts. */
  content: string | TextContentPart[];
  name?: string;
  cache_control?: CacheControl;
}
export interface UserMessage {
  role: 'user';
  content: string | ContentPart[];
  name?: string;
  cache_control?: CacheControl;
}
export interface AssistantMessage {
  role: 'assistant';
  content?: string | TextContentPart[] | null;
  tool_calls?: ToolCall[];
  name?: string;
  refusal?: string | null;
  cache_control?: CacheControl;
}
export interface ToolMessage {
  role: 'tool';
  content: string | TextContentPart[];
  tool_call_id: string;
  cache_control?: CacheControl;
}
export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** JSON Schema, kept opaque: it is passed through to providers untouched. */
export type JsonSchema = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface FunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: JsonSchema; strict?: boolean };
}

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; description?: string; schema?: JsonSchema; strict?: boolean } };

export interface ChatRequest {
  /** Ignored by the registry (the deployment names the model); kept so OpenAI-shaped requests type-check. */
  model?: string;
  messages: ChatMessage[];
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string | string[];
  seed?: number;
  user?: string;
  n?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  /** Use `registry.stream()` for streaming; `complete()` ignores this flag. */
  stream?: boolean;
  /** OpenAI's reasoning effort; mapped to a thinking budget where the provider takes one. */
  reasoning_effort?: ReasoningEffort;
  /** Anthropic's extended thinking (LiteLLM passes it through); mapped per provider. */
  thinking?: ThinkingConfig;
  /** LiteLLM's request `metadata`: read by the router (`tags` for tag routing), never sent to a provider. */
  metadata?: RequestMetadata;
}

export interface RequestMetadata {
  /** Matched against deployment `litellm_params.tags` when `router_settings.enable_tag_filtering` is on. */
  tags?: string[];
  [key: string]: unknown;
}

export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high';
export type ThinkingConfig = { type: 'enabled'; budget_tokens: number } | { type: 'disabled' };

// --- Responses ---

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_creation_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
}

/** What one provider call reports about itself; the router turns it into the request's `routing` (core `RoutingMetadata`). */
export interface CallMetadata {
  provider: ProviderId;
  deployment: string;
  /** Provider-side model name actually called. */
  model: string;
  latencyMs: number;
  timeToFirstTokenMs?: number;
  /** Filled by the router/workflow; the provider layer makes exactly one attempt. */
  attempts?: number;
  /** Undefined when the model has no known price and the deployment sets none. */
  costUsd?: number;
}

export interface ChatResponseMessage {
  role: 'assistant';
  content: string | null;
  tool_calls?: ToolCall[];
  refusal?: string | null;
  /** The model's visible thinking, when the provider returns it (LiteLLM's field name). */
  reasoning_content?: string;
}

export interface ChatResponse {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{ index: number; message: ChatResponseMessage; finish_reason: FinishReason | null }>;
  usage?: Usage;
  system_fingerprint?: string | null;
  routing?: CallMetadata;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: 'assistant'; content?: string | null; tool_calls?: ToolCallDelta[]; refusal?: string | null; reasoning_content?: string };
    finish_reason: FinishReason | null;
  }>;
  /** Present on the final chunk. */
  usage?: Usage | null;
  /** Present on the final chunk. */
  routing?: CallMetadata;
}

// --- Embeddings (OpenAI /v1/embeddings) ---

export interface EmbeddingRequest {
  model?: string;
  input: string | string[];
  /** Output size, for models that can shorten their vectors. */
  dimensions?: number;
  encoding_format?: 'float';
  user?: string;
  /** Gemini/Cohere task hint (`RETRIEVAL_QUERY`, `search_document`, ...), passed where the provider takes one. */
  input_type?: string;
}

export interface EmbeddingResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
  routing?: CallMetadata;
}

export interface CallOptions {
  signal?: AbortSignal;
}
