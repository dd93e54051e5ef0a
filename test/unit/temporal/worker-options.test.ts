// createRouterWorker / createWorker hand the codec's data converter and the
// tracing plugin to Worker.create (docs/security.md, docs/observability.md).
import { randomBytes } from 'node:crypto';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { routerDataConverterFromEnv } from '../../../src/temporal/codec';
import { observabilitySettingsFromEnv, tracingPlugin } from '../../../src/temporal/observability';
import { createRouterWorker, createWorker } from '../../../src/temporal/worker';

const connection = {} as NativeConnection;
const providers = { complete: jest.fn(), stream: jest.fn() };
let create: jest.SpyInstance<Promise<Worker>, [WorkerOptions]>;

beforeEach(() => {
  create = jest.spyOn(Worker, 'create').mockResolvedValue({} as Worker);
});
afterEach(() => create.mockRestore());

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
  expect(lastOptions()).toMatchObject({ taskQueue: 'q', dataConverter, plugins: [plugin] });
});

test('createWorker passes them on too, and leaves them out when not given', async () => {
  const dataConverter = routerDataConverterFromEnv({ LLM_ROUTER_CODEC_KEYS: `k1:${randomBytes(32).toString('base64')}` });
  await createWorker({ connection, providers, workflowBundle: { code: '' }, dataConverter, plugins: [] });
  expect(lastOptions().dataConverter).toBe(dataConverter);
  expect(lastOptions()).not.toHaveProperty('plugins');

  await createWorker({ connection, providers, workflowBundle: { code: '' } });
  expect(lastOptions()).not.toHaveProperty('dataConverter');
  expect(lastOptions()).not.toHaveProperty('plugins');
});
