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
  maxInputTokens?: number;
  /** Drop parameters the provider cannot honour instead of failing with UnsupportedParamsError. */
  dropParams?: boolean;
}

// --- Requests (OpenAI Chat Completions) ---

export interface TextContentPart {
  type: 'text';
  text: string;
}
export interface ImageContentPart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}
export type ContentPart = TextContentPart | ImageContentPart;

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface SystemMessage {
  role: 'system' | 'developer';
  content: string | TextContentPart[];
  name?: string;
}
export interface UserMessage {
  role: 'user';
  content: string | ContentPart[];
  name?: string;
}
export interface AssistantMessage {
  role: 'assistant';
  content?: string | TextContentPart[] | null;
  tool_calls?: ToolCall[];
  name?: string;
  refusal?: string | null;
}
export interface ToolMessage {
  role: 'tool';
  content: string | TextContentPart[];
  tool_call_id: string;
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
}

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
    delta: { role?: 'assistant'; content?: string | null; tool_calls?: ToolCallDelta[]; refusal?: string | null };
    finish_reason: FinishReason | null;
  }>;
  /** Present on the final chunk. */
  usage?: Usage | null;
  /** Present on the final chunk. */
  routing?: CallMetadata;
}

export interface CallOptions {
  signal?: AbortSignal;
}
