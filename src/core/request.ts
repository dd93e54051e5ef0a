// The core's view of a chat request, shaped once for every path: the group,
// whether it streams, its output budget, the text a complexity router scores
// and, when something reads it, an estimate of its input tokens.
import type { ChatMessage, ChatRequest } from '../providers/types';
import { COMPLEXITY_ROUTER_MODEL, type RouterConfig, type RoutingRequest } from './types';

/** What a config needs from each request, found once so requests do no scanning. */
export interface RequestNeeds {
  /** Groups whose requests need the last user message (complexity routers). */
  readonly textGroups: ReadonlySet<string>;
  /**
   * Whether anything reads the input token estimate (pre-call checks, usage
   * routing with tpm limits). Counting costs tens of microseconds, and
   * workflow code cannot load a tokenizer, so callers count only when asked.
   */
  readonly countTokens: boolean;
}

export function requestNeeds(config: RouterConfig): RequestNeeds {
  const textGroups = new Set<string>();
  let anyTpm = false;
  for (const d of Object.values(config.deployments)) {
    if (d.model === COMPLEXITY_ROUTER_MODEL) textGroups.add(d.group);
    if (d.tpm !== undefined) anyTpm = true;
  }
  const s = config.settings;
  return { textGroups, countTokens: s.enablePreCallChecks || (s.routingStrategy === 'usage-based-routing-v2' && anyTpm) };
}

export function lastUserText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    return m.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
  }
  return '';
}

export function routingRequestOf(
  needs: RequestNeeds,
  group: string,
  request: Pick<ChatRequest, 'messages' | 'max_tokens' | 'max_completion_tokens' | 'metadata'>,
  stream: boolean,
  estimatedInputTokens?: number,
): RoutingRequest {
  const routing: RoutingRequest = { group, stream };
  const maxOutput = request.max_completion_tokens ?? request.max_tokens;
  if (maxOutput !== undefined) routing.maxOutputTokens = maxOutput;
  if (needs.textGroups.has(group)) routing.text = lastUserText(request.messages);
  if (estimatedInputTokens !== undefined) routing.estimatedInputTokens = estimatedInputTokens;
  const tags = request.metadata?.tags;
  if (Array.isArray(tags) && tags.length > 0) routing.tags = tags.filter((t): t is string => typeof t === 'string');
  return routing;
}

/** The core's view of an embeddings request: a group and, for tag routing, its tags; it never streams. */
export function embeddingRoutingRequest(group: string, request: { metadata?: { tags?: unknown } }): RoutingRequest {
  const routing: RoutingRequest = { group, stream: false };
  const tags = request.metadata?.tags;
  if (Array.isArray(tags) && tags.length > 0) routing.tags = tags.filter((t): t is string => typeof t === 'string');
  return routing;
}
