// The one place that knows routedCompletion's input shape, so a change to the
// workflow's contract touches only this file. The client keeps the routing
// state the latest finished run returned and passes it to the next request
// (the "caller that chains requests" of RoutedCompletionInput.state), so
// cooldowns learned by one run steer the next.
import type { LoadedRouterConfig } from '../../src/config';
import type { ChatRequest } from '../../src/providers/types';
import type { CarriedRoutingState, DurableRouterConfig, RoutedCompletionInput, RoutedCompletionResult } from '../../workflows';

export const DURABLE_WORKFLOW = 'routedCompletion';

export class DurableInputs {
  private readonly config: DurableRouterConfig;
  private state: CarriedRoutingState | undefined;

  constructor(loaded: LoadedRouterConfig, private readonly chainState: boolean) {
    this.config = { routing: loaded.routing, params: { ...loaded.params } };
  }

  input(group: string, request: ChatRequest): RoutedCompletionInput {
    return { config: this.config, request: { ...request, model: group }, ...(this.chainState && this.state ? { state: this.state } : {}) };
  }

  /** Keeps the state of a finished run (the latest to finish wins). */
  observe(result: unknown): void {
    const state = (result as Partial<RoutedCompletionResult> | undefined)?.state;
    if (state) this.state = state;
  }
}
