// Config references: a request's input names its config by content hash; the
// worker's codec puts the config back before the workflow sees the input.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { parseConfigObject } from '../../../src/config';
import { ConfigRefCodec, ConfigSource, configRefOf } from '../../../src/temporal/config-ref';
import { toDurableConfig } from '../../../src/temporal/durable-config';

const config = toDurableConfig(parseConfigObject({
  model_list: [{ model_name: 'g', litellm_params: { model: 'openai/gpt-4o-mini', api_key: 'os.environ/K' }, model_info: { id: 'a' } }],
}));
const request = { model: 'g', messages: [{ role: 'user', content: 'hi' }] };
const payload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const value = (p: Payload | undefined): unknown => defaultPayloadConverter.fromPayload(p as Payload);

/** A source that never reaches a server: reads fail loudly, so every hit must come from `add`. */
function offlineSource(): ConfigSource {
  const client = { workflow: { getHandle: () => ({ fetchHistory: () => Promise.reject(new Error('offline')) }) } } as unknown as Client;
  return new ConfigSource(client);
}

test('the hash names the content: equal configs give equal refs, any change another', () => {
  expect(configRefOf(config)).toBe(configRefOf(JSON.parse(JSON.stringify(config)) as typeof config));
  expect(configRefOf(config)).toMatch(/^[0-9a-f]{32}$/);
  const changed = { ...config, routing: { ...config.routing, settings: { ...config.routing.settings, numRetries: 9 } } };
  expect(configRefOf(changed)).not.toBe(configRefOf(config));
});

test('decoding fills the config in from the source; other payloads and inline configs pass through untouched', async () => {
  const source = offlineSource();
  const ref = source.add(config);
  const codec = new ConfigRefCodec(source);
  const byRef = payload({ configRef: ref, request });
  const inline = payload({ configRef: ref, config: { routing: 'inline' }, request });
  const other = payload({ request, note: '"configRef":"x"' });
  const [a, b, c] = await codec.decode([byRef, inline, other]);
  expect(value(a)).toEqual({ configRef: ref, request, config });
  expect(b).toBe(inline);
  expect(c).toBe(other);
  // Encoding leaves everything as the client wrote it.
  expect(await codec.encode([byRef])).toEqual([byRef]);
});

test('a reference the source cannot read fails the decode (the workflow task is retried), naming the config workflow', async () => {
  const codec = new ConfigRefCodec(offlineSource());
  await expect(codec.decode([payload({ configRef: 'feedface', request })])).rejects.toThrow(/routing config feedface \(workflow llm-router-config-feedface\) cannot be read: offline/);
});
