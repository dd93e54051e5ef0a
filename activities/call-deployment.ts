import { Context } from '@temporalio/activity';
import type { ProviderRegistry } from '../src/providers';
import type { ChatRequest, ChatResponse, DeploymentParams } from '../src/providers/types';
import { providerFailure } from '../src/temporal/to-application-failure';

export interface CallDeploymentInput {
  deployment: DeploymentParams;
  request: ChatRequest;
}

/**
 * One provider call, exactly one HTTP attempt: the provider layer builds SDK
 * clients with `maxRetries: 0`, so Temporal's RetryPolicy is the only retry
 * layer. API keys are resolved here, inside the activity, from
 * `os.environ/NAME` references, so they never reach workflow history.
 */
export function createCallDeployment(deps: { providers: Pick<ProviderRegistry, 'complete'> }) {
  return async function callDeployment(input: CallDeploymentInput): Promise<ChatResponse> {
    try {
      // Cancelling the activity (or its timeout) aborts the HTTP request.
      return await deps.providers.complete(input.deployment, input.request, { signal: Context.current().cancellationSignal });
    } catch (err) {
      throw providerFailure(err);
    }
  };
}
