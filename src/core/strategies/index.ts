import type { RoutingStrategyName } from '../types';
import { costBased } from './cost-based';
import { latencyBased } from './latency-based';
import { leastBusy } from './least-busy';
import { simpleShuffle } from './simple-shuffle';
import type { Strategy } from './strategy';
import { usageBasedV2 } from './usage-based-v2';

export const STRATEGIES: Record<RoutingStrategyName, Strategy> = {
  'simple-shuffle': simpleShuffle,
  'least-busy': leastBusy,
  'latency-based-routing': latencyBased,
  'cost-based-routing': costBased,
  'usage-based-routing-v2': usageBasedV2,
};

export { UNKNOWN_COST_PER_TOKEN, costPerToken } from './cost-based';
export type { Strategy, StrategyChoice, StrategyInput } from './strategy';
