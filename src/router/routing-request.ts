import { COMPLEXITY_ROUTER_MODEL, type RouterConfig, type RoutingRequest } from '../core/types';
import { countPromptTokens } from '../providers/tokens';
import type { ChatMessage, ChatRequest } from '../providers/types';

/** What the router needs to know about a config once, so each request does no scanning. */
export interface RequestNeeds {
  /** Groups whose requests need the last user message (complexity routers). */
  readonly textGroups: ReadonlySet<string>;
  /** Token counting costs tens of microseconds; only pay it when pre-call checks or usage routing read it. */
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

function lastUserText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    return m.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
  }
  return '';
}

export function toRoutingRequest(group: string, request: ChatRequest, stream: boolean, needs: RequestNeeds): RoutingRequest {
  const routing: RoutingRequest = { group, stream };
  const maxOutput = request.max_completion_tokens ?? request.max_tokens;
  if (maxOutput !== undefined) routing.maxOutputTokens = maxOutput;
  if (needs.textGroups.has(group)) routing.text = lastUserText(request.messages);
  if (needs.countTokens) routing.estimatedInputTokens = countPromptTokens(request.messages);
  return routing;
}
