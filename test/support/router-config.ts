// LiteLLM-shaped configs pointed at the fake provider server, reduced to what
// workflows take. Short intervals keep integration tests quick on 2 cores.
import { parseConfigObject } from '../../src/config';
import { toDurableConfig } from '../../src/temporal/durable-config';
import type { FakeProviderServer } from '../../src/testing';
import type { DurableRouterConfig, DurableRoutingOptions } from '../../workflows';

export const FAKE_KEY_ENV = 'FAKE_PROVIDER_KEY';

export interface FakeDeployment {
  id: string;
  group: string;
  /** `provider/model`; an `anthropic/` model talks the Anthropic protocol to the fake server. */
  model?: string;
  numRetries?: number;
  maxInputTokens?: number;
  inputCostPerToken?: number;
  order?: number;
  timeoutSec?: number;
  cooldownTimeSec?: number;
}

export function fakeRouterConfig(fake: FakeProviderServer, deployments: FakeDeployment[], routerSettings: Record<string, unknown> = {}): DurableRouterConfig {
  const model_list = deployments.map((d) => {
    const model = d.model ?? 'openai/gpt-4o-mini';
    const params: Record<string, unknown> = {
      model,
      api_base: model.startsWith('anthropic/') ? fake.anthropicBaseUrl(d.id) : fake.openaiBaseUrl(d.id),
      api_key: `os.environ/${FAKE_KEY_ENV}`,
      // Explicit prices, so cost figures do not depend on the bundled price data.
      input_cost_per_token: d.inputCostPerToken ?? 0.000001,
      output_cost_per_token: 0.000002,
    };
    if (d.numRetries !== undefined) params.num_retries = d.numRetries;
    if (d.maxInputTokens !== undefined) params.max_input_tokens = d.maxInputTokens;
    if (d.order !== undefined) params.order = d.order;
    if (d.timeoutSec !== undefined) params.timeout = d.timeoutSec;
    if (d.cooldownTimeSec !== undefined) params.cooldown_time = d.cooldownTimeSec;
    return { model_name: d.group, litellm_params: params, model_info: { id: d.id } };
  });
  return toDurableConfig(parseConfigObject({ model_list, router_settings: routerSettings }));
}

/** Retries in tens of milliseconds and a dead worker noticed within a second or two. */
export const FAST_ROUTING: DurableRoutingOptions = {
  initialRetryIntervalMs: 50,
  maximumRetryIntervalMs: 200,
  heartbeatTimeoutMs: 1_500,
};
