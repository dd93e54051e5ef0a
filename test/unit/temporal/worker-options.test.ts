// createRouterWorker / createWorker hand the codec's data converter and the
// tracing plugin to Worker.create (docs/security.md, docs/observability.md),
// with the codec that reads config references in front.
import { randomBytes } from 'node:crypto';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { routerDataConverterFromEnv } from '../../../src/temporal/codec';
import { ConfigRefCodec } from '../../../src/temporal/config-ref';
import { observabilitySettingsFromEnv, tracingPlugin } from '../../../src/temporal/observability';
import { HealthAgents } from '../../../src/temporal/health/agent';
import { createRouterWorker, createWorker } from '../../../src/temporal/worker';

const HEALTH_PLUGIN = 'llm-router-health-agents';

const connection = {} as NativeConnection;
const providers = { complete: jest.fn(), stream: jest.fn() };
let create: jest.SpyInstance<Promise<Worker>, [WorkerOptions]>;

beforeEach(() => {
  create = jest.spyOn(Worker, 'create').mockResolvedValue({} as Worker);
});
afterEach(() => create.mockRestore());

/** The config-reference codec comes first (innermost, next to the JSON converter), the caller's codecs after it, in their order. */
function expectCodecs(options: WorkerOptions, given: DataConverter): void {
  const codecs = options.dataConverter?.payloadCodecs ?? [];
  expect(codecs[0]).toBeInstanceOf(ConfigRefCodec);
  expect(codecs.slice(1)).toEqual(given.payloadCodecs ?? []);
  for (const [i, codec] of (given.payloadCodecs ?? []).entries()) expect(codecs[i + 1]).toBe(codec);
}

function lastOptions(): WorkerOptions {
  const options = create.mock.calls.at(-1)?.[0];
  if (options === undefined) throw new Error('Worker.create was not called');
  return options;
}

test('the data converter and the plugins reach Worker.create', async () => {
  const dataConverter = routerDataConverterFromEnv({ LLM_ROUTER_CODEC_KEYS: `k1:${randomBytes(32).toString('base64')}` });
  const plugin = tracingPlugin(observabilitySettingsFromEnv({ LLM_ROUTER_TRACES: 'console' }));
  expect(plugin).not.toBeNull();
  await createRouterWorker({ connection, providers, taskQueue: 'q', workflowBundle: { code: '' }, dataConverter, plugins: [plugin!] });
  expect(lastOptions()).toMatchObject({ taskQueue: 'q' });
  // The caller's plugins, then the one that closes the worker's own health agents when it stops.
  expect(lastOptions().plugins?.map((p) => p.name)).toEqual([plugin!.name, HEALTH_PLUGIN]);
  expect(lastOptions().plugins?.[0]).toBe(plugin);
  expectCodecs(lastOptions(), dataConverter);
});

test('createWorker passes them on too, and leaves them out when not given', async () => {
  const dataConverter = routerDataConverterFromEnv({ LLM_ROUTER_CODEC_KEYS: `k1:${randomBytes(32).toString('base64')}` });
  await createWorker({ connection, providers, workflowBundle: { code: '' }, dataConverter, plugins: [] });
  expectCodecs(lastOptions(), dataConverter);
  expect(lastOptions().plugins?.map((p) => p.name)).toEqual([HEALTH_PLUGIN]);

  await createWorker({ connection, providers, workflowBundle: { code: '' } });
  expectCodecs(lastOptions(), {});
  expect(lastOptions().plugins?.map((p) => p.name)).toEqual([HEALTH_PLUGIN]);

  // Health agents the caller passes are the caller's to close: no plugin.
  await createWorker({ connection, providers, workflowBundle: { code: '' }, health: new HealthAgents() });
  expect(lastOptions()).not.toHaveProperty('plugins');
});

test('the worker\'s own health agents are closed once its run ends, also when the run fails', async () => {
  const close = jest.spyOn(HealthAgents.prototype, 'close');
  try {
    await createRouterWorker({ connection, providers, workflowBundle: { code: '' } });
    const health = lastOptions().plugins?.find((p) => p.name === HEALTH_PLUGIN);
    const worker = {} as Worker;
    let ran = false;
    await health?.runWorker?.(worker, async (w) => {
      expect(w).toBe(worker);
      expect(close).not.toHaveBeenCalled();
      ran = true;
    });
    expect(ran).toBe(true);
    expect(close).toHaveBeenCalledTimes(1);
    await expect(health?.runWorker?.(worker, () => Promise.reject(new Error('poller died')))).rejects.toThrow('poller died');
    expect(close).toHaveBeenCalledTimes(2);
  } finally {
    close.mockRestore();
  }
});
