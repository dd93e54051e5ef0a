import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { embeddingRoutingRequest } from '../src/core';
import { LlmFallbackCount, LlmModelGroup, LlmServedBy } from '../src/temporal/search-attributes';
import { WorkflowRouter } from './workflow-router';
import type { RoutedEmbeddingInput, RoutedEmbeddingResult } from './types';

/**
 * Embeddings routed by the core's driver, like `routedCompletion`: retries in
 * the group, cooldowns, budgets and fallbacks, every provider call its own
 * `embedDeployment` activity.
 */
export async function routedEmbedding(input: RoutedEmbeddingInput): Promise<RoutedEmbeddingResult> {
  const group = input.request.model;
  const router = new WorkflowRouter(input.config, input.state, input.options, {
    onHopStart: (summary) => setCurrentDetails(`calling ${summary}`),
  });
  let routed: Awaited<ReturnType<typeof router.embed>>;
  try {
    routed = await router.embed(embeddingRoutingRequest(group, input.request), input.request);
  } catch (err) {
    setCurrentDetails(`failed: ${(err as Error).message}`);
    throw err;
  } finally {
    if (router.healthToFlush) await router.flushHealth();
  }
  const { response, routing } = routed;
  upsertSearchAttributes([
    { key: LlmModelGroup, value: group },
    { key: LlmServedBy, value: routing.deployment },
    { key: LlmFallbackCount, value: routing.fallbacks },
  ]);
  setCurrentDetails(`served by ${routing.deployment} (${routing.model}) after ${routing.attempts} call(s), ${routing.fallbacks} fallback(s)`);
  return input.options?.sharedHealth ? { response, routing } : { response, routing, state: router.carry() };
}
