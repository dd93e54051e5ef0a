import type { ModelPricingLookup } from './model-pricing';

/** Placeholder until the provider layer's price data is wired in. */
export function defaultPricing(): ModelPricingLookup | undefined {
  return undefined;
}
