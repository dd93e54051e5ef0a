// What a strategy sees: the healthy, in-limit candidates of the chosen
// priority tier, and their state records (undefined = never used).
import type { DeploymentInfo, DeploymentState, RouterConfig, RoutingRequest } from '../types';

export interface StrategyInput {
  config: RouterConfig;
  candidates: readonly DeploymentInfo[];
  states: readonly (DeploymentState | undefined)[];
  request: RoutingRequest;
  now: number;
  /** `floor(now / windowMs)`: counters of another window read as zero. */
  window: number;
  random: () => number;
}

export interface StrategyChoice {
  index: number;
  /** Per-deployment numbers that drove the choice, for the explanation. */
  scores?: Record<string, number>;
}

export type Strategy = (input: StrategyInput) => StrategyChoice;

/** Uniform pick among indices; `random` may return exactly 0 but never 1. */
export function pickUniform(indices: readonly number[], random: () => number): number {
  const i = Math.min(indices.length - 1, Math.floor(random() * indices.length));
  return indices[i] ?? 0;
}

export function inWindow(ds: DeploymentState | undefined, window: number): DeploymentState | undefined {
  return ds !== undefined && ds.window === window ? ds : undefined;
}
