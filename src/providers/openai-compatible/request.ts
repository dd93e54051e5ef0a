import { effectiveMaxTokens } from '../params';
import type { ResolvedDeployment } from '../resolve';
import type { ChatMessage, ChatRequest } from '../types';
import type { OpenAiCompatibleProfile } from './profile';

/** The body sent to `chat.completions.create`; the request is already OpenAI-shaped. */
export function toOpenAiBody(
  request: ChatRequest,
  target: ResolvedDeployment,
  profile: OpenAiCompatibleProfile,
  stream: boolean,
): Record<string, unknown> {
  const { model: _ignored, stream: _flag, metadata: _routing, ...rest } = request;
  const body: Record<string, unknown> = { ...rest, model: target.model };
  if (request.messages.some(hasCacheControl)) body.messages = request.messages.map(withoutCacheControl);
  if (request.max_tokens === undefined && request.max_completion_tokens === undefined) {
    const fallback = effectiveMaxTokens(request, target.deployment.maxTokens);
    if (fallback !== undefined) body.max_tokens = fallback;
  }
  if (stream) {
    body.stream = true;
    if (profile.streamUsage !== false) body.stream_options = { include_usage: true };
  }
  return profile.adjustBody ? profile.adjustBody(body, target.model) : body;
}

function hasCacheControl(message: ChatMessage): boolean {
  return message.cache_control !== undefined || (Array.isArray(message.content) && message.content.some((p) => p.cache_control !== undefined));
}

/** `cache_control` is Anthropic's caching hint; OpenAI-shaped servers cache by themselves and reject the unknown key. */
function withoutCacheControl(message: ChatMessage): ChatMessage {
  const { cache_control: _hint, ...rest } = message;
  if (!Array.isArray(rest.content)) return rest as ChatMessage;
  return { ...rest, content: rest.content.map(({ cache_control: _part, ...part }) => part) } as ChatMessage;
}
