// The one place that knows routedCompletion's input shape, so a change to the
// workflow's contract touches only this file. As DurableRouter's, requests
// carry their config by reference (`prepare` keeps it once, in its
// routerConfig workflow) and share health through the routerHealth entity;
// with `chainState` the client instead keeps the routing state the latest
// finished run returned and passes it to the next request.
import type { LoadedRouterConfig } from '../../src/config';
import type { ChatRequest } from '../../src/providers/types';
import { durableRoutingOptions } from '../../src/temporal/durable-config';
import type { Client } from '@temporalio/client';
import { configRefOf, storeConfig } from '../../src/temporal/config-ref';
import type { CarriedRoutingState, DurabilityMode, DurableRouterConfig, DurableRoutingOptions, RoutedCompletionInput, RoutedCompletionResult } from '../../workflows';

export const DURABLE_WORKFLOW = 'routedCompletion';

export class DurableInputs {
  readonly config: DurableRouterConfig;
  /** The routing options every request carries (shared health on unless chaining state). */
  readonly options: DurableRoutingOptions;
  private state: CarriedRoutingState | undefined;

  private readonly configRef: string;

  constructor(loaded: LoadedRouterConfig, private readonly chainState: boolean, private readonly taskQueue: string, durability: DurabilityMode = 'standard') {
    this.config = { routing: loaded.routing, params: { ...loaded.params } };
    this.configRef = configRefOf(this.config);
    const shared = durableRoutingOptions(this.config, taskQueue, chainState ? { sharedHealth: false } : {});
    this.options = durability === 'standard' ? shared : { ...shared, durability };
  }

  /** Keeps the config once, where the workers' codec reads it (as DurableRouter does before its first request). */
  prepare(client: Client): Promise<string> {
    return storeConfig(client, this.taskQueue, this.config);
  }

  /** The input as it goes into history: the config's hash, not the config (the worker's codec fills `config` in). */
  input(group: string, request: ChatRequest): Omit<RoutedCompletionInput, 'config'> {
    return { configRef: this.configRef, request: { ...request, model: group }, options: this.options, ...(this.chainState && this.state ? { state: this.state } : {}) };
  }

  /** Keeps the state of a finished run (the latest to finish wins). */
  observe(result: unknown): void {
    const state = (result as Partial<RoutedCompletionResult> | undefined)?.state;
    if (state) this.state = state;
  }
}
