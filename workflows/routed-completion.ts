import { ApplicationFailure, proxyActivities, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { RouterActivities } from '../activities';
import type { ChatRequest, ChatResponse, DeploymentParams } from '../src/providers/types';
import { LlmFailedDeployments, LlmFallbackCount, LlmModelGroup, LlmServedBy } from '../src/temporal/search-attributes';
import { describeActivityFailure } from './failure-info';

// Named defaults for each hop's RetryPolicy. Temporal's own default retries
// forever; a provider call must give up on one deployment and move on.
export const DEFAULT_ATTEMPTS_PER_DEPLOYMENT = 3;
export const DEFAULT_INITIAL_RETRY_INTERVAL_MS = 1_000;
export const DEFAULT_BACKOFF_COEFFICIENT = 2;
export const DEFAULT_MAX_RETRY_INTERVAL_MS = 30_000;
export const DEFAULT_HOP_TIMEOUT_MS = 120_000;

export interface HopRetryOptions {
  /** Attempts on one deployment before moving to the next (1 = no retry). */
  maximumAttempts?: number;
  initialIntervalMs?: number;
  backoffCoefficient?: number;
  maximumIntervalMs?: number;
}

export interface RoutedCompletionInput {
  /** Model group name, shown in the UI list through the LlmModelGroup search attribute. */
  group?: string;
  /** Tried in this order until one succeeds. API keys must be `os.environ/NAME` references. */
  deployments: DeploymentParams[];
  request: ChatRequest;
  retry?: HopRetryOptions;
  /** Start-to-close timeout of one attempt; defaults to the deployment's timeout, else 2 minutes. */
  hopTimeoutMs?: number;
}

export interface HopRecord {
  hop: number;
  deployment: string;
  model: string;
  outcome: 'success' | 'failure';
  errorClass?: string;
  status?: number;
  message?: string;
  durationMs: number;
}

export interface RoutedCompletionResult {
  servedBy: string;
  model: string;
  response: ChatResponse;
  hops: HopRecord[];
}

// Errors where retrying the same deployment cannot help; also marked
// nonRetryable on the failure itself, listed here so the policy says it too.
const NON_RETRYABLE_ERROR_TYPES = [
  'BadRequestError', 'ContextWindowExceededError', 'ContentPolicyViolationError', 'UnsupportedParamsError',
  'AuthenticationError', 'PermissionDeniedError', 'NotFoundError', 'UnprocessableEntityError', 'RequestAbortedError',
];

function hopSummary(hop: number, deployment: DeploymentParams, previous: HopRecord | undefined): string {
  const base = `#${hop} ${deployment.model}`;
  return previous ? `${base} (after ${previous.deployment}: ${previous.errorClass})` : base;
}

/**
 * Calls each deployment in order until one answers. Every hop is its own
 * activity execution with a summary, so the Temporal UI shows the whole
 * failover chain (failed retry attempts inside one hop are not written to
 * history, only the hop's outcome is).
 */
export async function routedCompletion(input: RoutedCompletionInput): Promise<RoutedCompletionResult> {
  if (input.deployments.length === 0) {
    throw ApplicationFailure.nonRetryable('routedCompletion needs at least one deployment', 'ConfigError');
  }
  const group = input.group ?? input.request.model ?? 'default';
  upsertSearchAttributes([{ key: LlmModelGroup, value: group }]);
  const hops: HopRecord[] = [];
  const failed: string[] = [];

  for (const [index, deployment] of input.deployments.entries()) {
    const hop = index + 1;
    const previous = hops[hops.length - 1];
    setCurrentDetails(`hop ${hop}/${input.deployments.length}: calling ${deployment.id} (${deployment.model})` +
      (failed.length ? `; failed so far: ${failed.join(', ')}` : ''));
    const { callDeployment } = proxyActivities<RouterActivities>({
      startToCloseTimeout: input.hopTimeoutMs ?? deployment.timeoutMs ?? DEFAULT_HOP_TIMEOUT_MS,
      retry: {
        maximumAttempts: input.retry?.maximumAttempts ?? DEFAULT_ATTEMPTS_PER_DEPLOYMENT,
        initialInterval: input.retry?.initialIntervalMs ?? DEFAULT_INITIAL_RETRY_INTERVAL_MS,
        backoffCoefficient: input.retry?.backoffCoefficient ?? DEFAULT_BACKOFF_COEFFICIENT,
        maximumInterval: input.retry?.maximumIntervalMs ?? DEFAULT_MAX_RETRY_INTERVAL_MS,
        nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
      },
    });
    const started = Date.now(); // workflow time: deterministic on replay
    try {
      const response = await callDeployment.executeWithOptions(
        { summary: hopSummary(hop, deployment, previous) },
        [{ deployment, request: input.request }],
      );
      hops.push({ hop, deployment: deployment.id, model: deployment.model, outcome: 'success', durationMs: Date.now() - started });
      upsertSearchAttributes([
        { key: LlmServedBy, value: deployment.id },
        { key: LlmFallbackCount, value: index },
        ...(failed.length ? [{ key: LlmFailedDeployments, value: failed }] : []),
      ]);
      setCurrentDetails(`served by ${deployment.id} after ${index} fallback(s)`);
      return { servedBy: deployment.id, model: deployment.model, response, hops };
    } catch (err) {
      const failure = describeActivityFailure(err);
      hops.push({ hop, deployment: deployment.id, model: deployment.model, outcome: 'failure', ...failure, durationMs: Date.now() - started });
      failed.push(deployment.id);
      upsertSearchAttributes([{ key: LlmFailedDeployments, value: failed }, { key: LlmFallbackCount, value: hop }]);
    }
  }
  throw ApplicationFailure.create({
    type: 'FallbacksExhaustedError',
    message: `all ${hops.length} deployments failed: ${hops.map((h) => `${h.deployment} (${h.errorClass})`).join(', ')}` +
      ` [workflow ${workflowInfo().workflowId}]`,
    nonRetryable: true,
    details: [hops],
  });
}
