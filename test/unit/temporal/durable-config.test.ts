import { parseConfigObject } from '../../../src/config';
import { toDurableConfig } from '../../../src/temporal/durable-config';

const entry = (api_key: string) => ({ model_name: 'g', litellm_params: { model: 'openai/gpt-4o-mini', api_key }, model_info: { id: 'd' } });

test('a config with os.environ references reduces to routing tables and call params, keys still references', () => {
  const durable = toDurableConfig({ model_list: [entry('os.environ/OPENAI_KEY')] });
  expect(Object.keys(durable)).toEqual(['routing', 'params']);
  expect(durable.params.d?.apiKey).toBe('os.environ/OPENAI_KEY');
  expect(durable.routing.groups).toEqual({ g: ['d'] });
});

test('a literal key is refused before it can reach workflow history, naming where it is', () => {
  expect(() => toDurableConfig({ model_list: [entry('sk-literal-123')] })).toThrow(/model_list\[0\]\.litellm_params\.api_key/);
  expect(() => toDurableConfig(parseConfigObject({ model_list: [entry('sk-literal-123')] }))).toThrow(/literal secret/);
});

test('an already-reduced config is checked too', () => {
  const durable = toDurableConfig({ model_list: [entry('os.environ/K')] });
  const leaked = { ...durable, params: { d: { ...durable.params.d!, apiKey: 'sk-literal' } } };
  expect(() => toDurableConfig(leaked)).toThrow(/params\.d\.apiKey/);
});
