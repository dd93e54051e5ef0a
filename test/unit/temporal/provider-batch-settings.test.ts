// Which deployment `--mode provider-batch` sends a batch to, and the one line when none can take it.
import { parseConfigObject } from '../../../src/config';
import { providerBatchSettings } from '../../../src/temporal/client';
import { toDurableConfig } from '../../../src/temporal/durable-config';

const config = toDurableConfig(parseConfigObject({
  model_list: [
    { model_name: 'sum', litellm_params: { model: 'bedrock/anthropic.claude-3-haiku-20240307-v1:0', aws_region_name: 'us-east-1' }, model_info: { id: 'bedrock-a' } },
    { model_name: 'sum', litellm_params: { model: 'anthropic/claude-haiku-4-5', api_key: 'os.environ/K' }, model_info: { id: 'anthropic-b' } },
    { model_name: 'sum', litellm_params: { model: 'openai/gpt-4o-mini', api_key: 'os.environ/K' }, model_info: { id: 'openai-c' } },
    { model_name: 'gemini-only', litellm_params: { model: 'gemini/gemini-2.0-flash', api_key: 'os.environ/K' }, model_info: { id: 'gem' } },
  ],
}));

test('the group\'s first deployment with a batch endpoint, unless one is named', () => {
  expect(providerBatchSettings(config, 'sum')).toEqual({ deployment: 'anthropic-b' });
  expect(providerBatchSettings(config, 'sum', { deployment: 'openai-c', size: 50, pollIntervalMs: 30_000 })).toEqual({ deployment: 'openai-c', size: 50, pollIntervalMs: 30_000 });
});

test('each wrong choice is one line naming it', () => {
  expect(() => providerBatchSettings(config, 'gemini-only')).toThrow('provider batch: no deployment of model group "gemini-only" has a batch endpoint; providers with one: openai, openai_compatible, anthropic');
  expect(() => providerBatchSettings(config, 'sum', { deployment: 'bedrock-a' })).toThrow('provider batch: deployment "bedrock-a" (bedrock/anthropic.claude-3-haiku-20240307-v1:0) has no batch endpoint here');
  expect(() => providerBatchSettings(config, 'sum', { deployment: 'gem' })).toThrow('provider batch: "gem" is not a deployment of model group "sum" (its deployments: bedrock-a, anthropic-b, openai-c)');
  expect(() => providerBatchSettings(config, 'nope')).toThrow('provider batch: model group "nope" has no deployments');
  expect(() => providerBatchSettings(config, 'sum', { size: 0 })).toThrow('provider batch: size must be a positive integer, got 0');
});
