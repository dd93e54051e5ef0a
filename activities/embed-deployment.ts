import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ProviderRegistry } from '../src/providers';
import type { DeploymentParams, EmbeddingRequest, EmbeddingResponse } from '../src/providers/types';
import type { SharedHealthView } from '../src/core/shared-state';
import type { AttemptResult, CooldownReason } from '../src/core/types';
import { isLlmRouterError } from '../src/errors';
import type { CallLease, HealthAgents } from '../src/temporal/health/agent';
import { toApplicationFailure } from '../src/temporal/to-application-failure';
import { enterCall, failureOutcome, newsFrom, type CallHealth } from './call-deployment';

export interface EmbedDeploymentInput {
  deployment: DeploymentParams;
  request: EmbeddingRequest;
  health?: CallHealth;
}

export type EmbedDeploymentResult =
  | { response: EmbeddingResponse; health?: SharedHealthView }
  | { skipped: { deploymentId: string; until: number; reason: CooldownReason | null }; health: SharedHealthView };

export interface EmbedDeploymentDeps {
  providers: Partial<Pick<ProviderRegistry, 'embed'>>;
  health: HealthAgents;
}

/**
 * One embeddings call, one HTTP attempt, exactly like `callDeployment`: the
 * routing workflow's driver decides retries and fallbacks, provider errors go
 * back non-retryable, keys are resolved here, and with shared health the
 * outcome (and its cost, for budgets) is reported to this worker's agent.
 */
export function createEmbedDeployment(deps: EmbedDeploymentDeps) {
  return async function embedDeployment(input: EmbedDeploymentInput): Promise<EmbedDeploymentResult> {
    const ctx = Context.current();
    const id = input.deployment.id;
    const embed = deps.providers.embed;
    if (embed === undefined) throw ApplicationFailure.nonRetryable('this worker was built with providers that serve no embeddings', 'BadRequestError');
    const agent = input.health === undefined ? undefined : deps.health.get(ctx.client, input.health.routerName);
    let lease: CallLease | undefined;
    if (agent !== undefined) {
      const entered = await enterCall(agent, id);
      if ('skipped' in entered) return entered;
      lease = entered.lease;
    }
    const started = Date.now();
    let response: EmbeddingResponse;
    try {
      response = await embed(input.deployment, input.request, { signal: ctx.cancellationSignal });
    } catch (err) {
      if (ctx.cancellationSignal.aborted) {
        if (ctx.cancellationDetails?.workerShutdown === true) throw ApplicationFailure.retryable(`worker shut down during the call to ${id}`, 'WorkerShutdown');
        throw ctx.cancellationSignal.reason instanceof Error ? ctx.cancellationSignal.reason : err;
      }
      if (!isLlmRouterError(err)) throw err;
      const news = agent === undefined ? undefined : newsFrom(agent);
      agent?.report(id, failureOutcome(err, Date.now() - started));
      throw toApplicationFailure(err, news === undefined || Object.keys(news).length === 0 ? undefined : news);
    } finally {
      // Waiters on this call resume after this synchronous run, which reports its outcome (above or below).
      lease?.end();
    }
    const news = agent === undefined ? undefined : newsFrom(agent);
    const outcome: AttemptResult = { ok: true, latencyMs: response.routing?.latencyMs ?? Date.now() - started, totalTokens: response.usage.total_tokens };
    if (response.routing?.costUsd !== undefined) outcome.costUsd = response.routing.costUsd;
    agent?.report(id, outcome);
    return news === undefined || Object.keys(news).length === 0 ? { response } : { response, health: news };
  };
}
