import { getModelInfo } from '../providers/pricing';
import type { ModelPricingLookup } from './model-pricing';

/**
 * The provider layer's bundled price data (no network). Read once per
 * deployment at load time; config values and `model_info` win over it.
 */
export function defaultPricing(): ModelPricingLookup {
  return (model) => {
    const info = getModelInfo(model);
    if (Object.keys(info).length > 0 || !model.startsWith('azure/')) return info;
    // Azure resells OpenAI models at OpenAI's list price; `base_model: azure/gpt-4o` is how LiteLLM users name them.
    return getModelInfo(`openai/${model.slice('azure/'.length)}`);
  };
}
