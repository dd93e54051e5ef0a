// The one place that knows routedCompletion's input shape, so a change to the
// workflow's contract touches only this file. By default requests share
// health through the routerHealth entity, as DurableRouter's do; with
// `chainState` the client instead keeps the routing state the latest
// finished run returned and passes it to the next request.
import type { LoadedRouterConfig } from '../../src/config';
import type { ChatRequest } from '../../src/providers/types';
import { withSharedHealth } from '../../src/temporal/durable-config';
import type { CarriedRoutingState, DurableRouterConfig, DurableRoutingOptions, RoutedCompletionInput, RoutedCompletionResult } from '../../workflows';

export const DURABLE_WORKFLOW = 'routedCompletion';

export class DurableInputs {
  readonly config: DurableRouterConfig;
  /** The routing options every request carries (shared health on unless chaining state). */
  readonly options: DurableRoutingOptions;
  private state: CarriedRoutingState | undefined;

  constructor(loaded: LoadedRouterConfig, private readonly chainState: boolean, taskQueue: string) {
    this.config = { routing: loaded.routing, params: { ...loaded.params } };
    this.options = chainState ? { sharedHealth: false } : withSharedHealth(this.config, taskQueue);
  }

  input(group: string, request: ChatRequest): RoutedCompletionInput {
    return { config: this.config, request: { ...request, model: group }, options: this.options, ...(this.chainState && this.state ? { state: this.state } : {}) };
  }

  /** Keeps the state of a finished run (the latest to finish wins). */
  observe(result: unknown): void {
    const state = (result as Partial<RoutedCompletionResult> | undefined)?.state;
    if (state) this.state = state;
  }
}
