/**
 * What the config layer needs to know about a model it cannot read from the
 * config itself: prices and context window. The provider layer supplies this
 * from bundled price data; tests may inject their own.
 */
export interface ModelPricing {
  readonly inputCostPerToken?: number;
  readonly outputCostPerToken?: number;
  readonly maxInputTokens?: number;
  readonly maxOutputTokens?: number;
}

/** `model` is `provider/model` as written in the config (after any `custom_llm_provider`). */
export type ModelPricingLookup = (model: string) => ModelPricing | undefined;
