import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { COMPLEXITY_ROUTER_MODEL, type RoutingRequest } from '../src/core';
import type { ChatMessage } from '../src/providers/types';
import { LlmFailedDeployments, LlmFallbackCount, LlmModelGroup, LlmServedBy } from '../src/temporal/search-attributes';
import { WorkflowRouter } from './workflow-router';
import type { DurableRouterConfig, RoutedCompletionInput, RoutedCompletionResult } from './types';

function lastUserText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    return m.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
  }
  return '';
}

/** The core's view of a request. Token counting needs a tokenizer, which workflow code may not load, so callers pass estimates. */
export function routingRequestFor(config: DurableRouterConfig, request: RoutedCompletionInput['request'], estimatedInputTokens?: number): RoutingRequest {
  const routing: RoutingRequest = { group: request.model, stream: false };
  const maxOutput = request.max_completion_tokens ?? request.max_tokens;
  if (maxOutput !== undefined) routing.maxOutputTokens = maxOutput;
  if (estimatedInputTokens !== undefined) routing.estimatedInputTokens = estimatedInputTokens;
  const ids = config.routing.groups[request.model] ?? [];
  if (ids.some((id) => config.routing.deployments[id]?.model === COMPLEXITY_ROUTER_MODEL)) routing.text = lastUserText(request.messages);
  return routing;
}

/**
 * One chat completion routed by the pure core over a loaded router config:
 * retries within the model group, then fallbacks, every hop its own activity
 * with a summary. Search attributes make failed-over runs filterable in the UI.
 */
export async function routedCompletion(input: RoutedCompletionInput): Promise<RoutedCompletionResult> {
  const group = input.request.model;
  // Search attributes are written when there is news (a failed hop, the result), not at start:
  // each upsert is a history event, and the happy path then costs one.
  const failed: string[] = [];
  let fallbacks = 0;
  const router = new WorkflowRouter(input.config, input.state, input.options, {
    onHopStart: ({ summary }) => setCurrentDetails(`calling ${summary}` + (failed.length ? `\nfailed so far: ${failed.join(', ')}` : '')),
    onHopEnd: (hop) => {
      if (hop.outcome === 'success') return;
      fallbacks++;
      if (!failed.includes(hop.deployment)) failed.push(hop.deployment);
      upsertSearchAttributes([
        { key: LlmModelGroup, value: group },
        { key: LlmFailedDeployments, value: failed },
        { key: LlmFallbackCount, value: fallbacks },
      ]);
    },
  });
  let routed: Awaited<ReturnType<typeof router.complete>>;
  try {
    routed = await router.complete(
      routingRequestFor(input.config, input.request),
      (deployment) => ({ deployment, request: input.request }),
    );
  } finally {
    await router.flushHealth();
  }
  const { response, routing } = routed;
  upsertSearchAttributes([
    { key: LlmModelGroup, value: group },
    { key: LlmServedBy, value: routing.servedBy },
    { key: LlmFallbackCount, value: routing.fallbackCount },
  ]);
  setCurrentDetails(`served by ${routing.servedBy} (${routing.model}) after ${routing.fallbackCount} fallback(s)`);
  return { response, routing, state: router.carry() };
}
