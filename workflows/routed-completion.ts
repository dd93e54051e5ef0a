import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { countFallbacks, requestNeeds, routingRequestOf, type AttemptRecord, type RoutingRequest } from '../src/core';
import { LlmFailedDeployments, LlmFallbackCount, LlmModelGroup, LlmServedBy } from '../src/temporal/search-attributes';
import { giveUpOfFailure } from '../src/temporal/to-application-failure';
import { WorkflowRouter } from './workflow-router';
import type { DurableRouterConfig, RoutedCompletionInput, RoutedCompletionResult } from './types';

/** The core's view of the request; the client counts input tokens when the config reads them (workflow code cannot load a tokenizer). */
export function routingRequestFor(config: DurableRouterConfig, request: RoutedCompletionInput['request'], estimatedInputTokens?: number): RoutingRequest {
  return routingRequestOf(requestNeeds(config.routing), request.model, request, request.stream === true, estimatedInputTokens);
}

function failedDeployments(attempts: readonly AttemptRecord[]): string[] {
  const failed: string[] = [];
  for (const a of attempts) if (a.outcome === 'failure' && !failed.includes(a.deploymentId)) failed.push(a.deploymentId);
  return failed;
}

/** The Current Details of a request that got no answer: the error, then each failed call (deployment, model, class, status). */
export function failureDetails(err: unknown, attempts: readonly AttemptRecord[], failedSoFar: readonly string[]): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { type?: unknown; name?: unknown; message?: unknown };
  const cls = typeof e.type === 'string' ? e.type : typeof e.name === 'string' ? e.name : 'Error';
  const lines = [`failed: ${cls}: ${typeof e.message === 'string' ? e.message : String(err)}`];
  for (const a of attempts) {
    if (a.outcome !== 'failure') continue;
    lines.push(`#${a.attemptNo} ${a.deploymentId} (${a.model}): ${a.errorClass ?? 'Error'}${a.status === null || a.status === undefined ? '' : ` ${a.status}`}`);
  }
  if (attempts.length === 0 && failedSoFar.length > 0) lines.push(`failed deployments: ${failedSoFar.join(', ')}`);
  // Blank lines: the UI renders Current Details as Markdown, which joins single lines into one paragraph.
  return lines.join('\n\n');
}

/**
 * One chat completion routed by the core's driver over a loaded router
 * config: retries within the model group, then fallbacks, every call its own
 * activity with a summary. Search attributes make failed-over runs filterable
 * in the UI; the current details say what is happening, then how it ended.
 */
export async function routedCompletion(input: RoutedCompletionInput): Promise<RoutedCompletionResult> {
  if ((input.config as RoutedCompletionInput['config'] | undefined) === undefined) {
    // A worker without the config codec (createRouterWorker installs it): fail the workflow task, so a proper worker can take the request over.
    throw new Error(`routedCompletion: input carries configRef ${String(input.configRef)} but no config; run this task queue's workers with createRouterWorker/createWorker, whose payload codec fills the config in`);
  }
  const group = input.request.model;
  // Search attributes are written when there is news (a failed call, the outcome), not at start:
  // each upsert is a history event, and the happy path then costs one.
  const failed: string[] = [];
  let failures = 0;
  const router = new WorkflowRouter(input.config, input.state, input.options, {
    onHopStart: (summary) => setCurrentDetails(`calling ${summary}` + (failed.length ? `\nfailed so far: ${failed.join(', ')}` : '')),
    onEvent: (event) => {
      if (event.type !== 'failure') return;
      failures++;
      if (!failed.includes(event.step.deploymentId)) failed.push(event.step.deploymentId);
      upsertSearchAttributes([
        { key: LlmModelGroup, value: group },
        { key: LlmFailedDeployments, value: failed },
        // Runs of the older rules counted every failed call here; LlmFallbackCount now waits for the outcome.
        ...(router.v1 ? [{ key: LlmFallbackCount, value: failures }] : []),
      ]);
    },
  });
  let routed: Awaited<ReturnType<typeof router.complete>>;
  try {
    routed = await router.complete(routingRequestFor(input.config, input.request, input.estimatedInputTokens), (deployment) => ({ deployment, request: input.request }));
  } catch (err) {
    const giveUp = giveUpOfFailure(err);
    const attempts = giveUp === undefined || giveUp.kind === 'no-deployments' ? [] : giveUp.data.attempts;
    if (giveUp !== undefined && !router.v1) {
      upsertSearchAttributes([
        { key: LlmModelGroup, value: group },
        { key: LlmFallbackCount, value: countFallbacks(attempts) },
        ...(attempts.length > 0 ? [{ key: LlmFailedDeployments, value: failedDeployments(attempts) }] : []),
      ]);
    }
    // Not a command: the UI reads it by query, so every run, of any rules, ends with how it failed rather than "calling …".
    setCurrentDetails(failureDetails(err, attempts, failed));
    throw err;
  } finally {
    if (router.healthToFlush) await router.flushHealth();
  }
  const { response, routing } = routed;
  const fallbacks = router.v1 ? routing.attemptLog.length - 1 : routing.fallbacks;
  // Runs whose client names the engine write search attributes only with news (SearchAttributePolicy);
  // older runs wrote them on every outcome, and keep doing so.
  const newsOnly = router.engineFromInput && input.config.searchAttributes !== 'always';
  if (!newsOnly || failures > 0 || fallbacks > 0) upsertSearchAttributes([
    { key: LlmModelGroup, value: group },
    { key: LlmServedBy, value: routing.deployment },
    { key: LlmFallbackCount, value: fallbacks },
  ]);
  setCurrentDetails(`served by ${routing.deployment} (${routing.model}) after ${routing.attempts} call(s), ${fallbacks} fallback(s)`);
  // With shared health the entity holds the state; returning it too would only grow every result. The hop's own
  // call metadata (response.routing) is already in the hop's result in history, and `routing` says more.
  const { routing: _call, ...bare } = response;
  return input.options?.sharedHealth ? { response: bare, routing } : { response: bare, routing, state: router.carry() };
}
