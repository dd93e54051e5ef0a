// The package root (`temporal-llm-router`, src/index.ts): what a user can
// import, and that the opt-in modules (codec, health, schedules,
// observability) are reachable from it without deep paths.
import { randomBytes } from 'node:crypto';
import type { DataConverter } from '@temporalio/common';
import * as api from '../../src';

type IsAny<T> = 0 extends 1 & T ? true : false;
// Compile-time: these public signatures are typed, not `any` (tsc runs over the tests).
const notAny: [
  IsAny<ReturnType<typeof api.routerDataConverterFromEnv>>,
  IsAny<Parameters<typeof api.startCodecServer>[0]>,
  IsAny<Awaited<ReturnType<typeof api.startCodecServer>>>,
  IsAny<Parameters<typeof api.ensureRouterHealth>[1]>,
  IsAny<Awaited<ReturnType<typeof api.getRouterHealthReport>>>,
  IsAny<Parameters<typeof api.createBatchSchedule>[1]>,
  IsAny<ReturnType<typeof api.tracingPlugin>>,
  IsAny<api.CreateRouterWorkerOptions['dataConverter']>,
  IsAny<api.CreateRouterWorkerOptions['plugins']>,
  IsAny<api.SharedHealthOptions>,
] = [false, false, false, false, false, false, false, false, false, false];

test('core stays a namespace export, next to the in-process Router and the durable helpers', () => {
  expect(typeof api.core).toBe('object');
  expect(typeof api.core.pick).toBe('function');
  expect(typeof api.core.buildRouterConfig).toBe('function');
  expect(api.core.NoDeploymentsAvailableError).toBe(api.NoDeploymentsAvailableError);
  for (const name of ['Router', 'loadConfigFile', 'DurableRouter', 'createWorker', 'createRouterWorker', 'startBatchSummarize', 'toApplicationFailure'] as const) {
    expect(typeof api[name]).toBe('function');
  }
  expect(api.PACKAGE_NAME).toBe('temporal-llm-router');
  expect(notAny.every((x) => x === false)).toBe(true);
});

test('codec: the data converter factory is off without keys and encrypts with them; the codec server is exported', () => {
  expect(api.routerDataConverterFromEnv({})).toEqual({});
  const converter: DataConverter = api.routerDataConverterFromEnv({ [api.CODEC_KEYS_ENV]: `k1:${randomBytes(32).toString('base64')}` });
  expect(converter.payloadCodecs).toHaveLength(1);
  expect(converter.payloadCodecs?.[0]).toBeInstanceOf(api.AesGcmPayloadCodec);
  expect(() => api.routerDataConverterFromEnv({ [api.CODEC_KEYS_ENV]: 'k1:c2hvcnQ=' })).toThrow(api.CodecKeyError);
  expect(typeof api.startCodecServer).toBe('function');
  expect(api.DEFAULT_CODEC_CORS_ORIGINS).toContain('http://localhost:8233');
  expect(api.codecOperation('/default/decode')).toBe('decode');
});

test('health: the client helpers and the entity id', () => {
  for (const name of ['ensureRouterHealth', 'getRouterHealthReport', 'cooldownDeployment', 'restoreDeployment', 'routerHealthHandle', 'createHealthProbeSchedule'] as const) {
    expect(typeof api[name]).toBe('function');
  }
  expect(api.routerHealthWorkflowId('prod')).toBe('router-health:prod');
  expect(api.ROUTER_HEALTH_WORKFLOW_TYPE).toBe('routerHealth');
});

test('schedules: the validated spec builder and the schedule operations', () => {
  const built = api.buildScheduleSpec({ every: '1h' });
  expect(built.spec.intervals?.[0]?.every).toBe(3_600_000);
  expect(() => api.buildScheduleSpec({ cron: ['0 25 * * *'] })).toThrow(api.ScheduleSpecError);
  for (const name of ['createBatchSchedule', 'createWorkflowSchedule', 'describeSchedule', 'listSchedules', 'pauseSchedule', 'deleteSchedule'] as const) {
    expect(typeof api[name]).toBe('function');
  }
});

test('observability: settings from the environment, and no plugin while tracing is off', () => {
  const off = api.observabilitySettingsFromEnv({});
  expect(off).toEqual({ traces: 'off', metrics: { kind: 'off' }, serviceName: api.DEFAULT_SERVICE_NAME, metricPrefix: api.DEFAULT_METRIC_PREFIX });
  expect(api.tracingPlugin(off)).toBeNull();
  expect(api.runtimeTelemetryOptions(off)).toBeUndefined();
  expect(() => api.observabilitySettingsFromEnv({ [api.OBSERVABILITY_ENV.prometheus]: '9464' })).toThrow(api.ObservabilitySettingsError);
  expect(typeof api.installWorkerMetrics).toBe('function');
});

test('documents: the store a worker takes, and the AWS SDK loaded only once an s3:// location is used', async () => {
  for (const name of ['createDocumentStore', 'createFsDocumentStore', 's3ClientConfigFromEnv', 'startS3Server', 'locateSeaweedFs'] as const) {
    expect(typeof api[name]).toBe('function');
  }
  const sdkLoaded = () => Object.keys(require.cache).some((k) => k.includes('@aws-sdk/client-s3'));
  const store = api.createDocumentStore({ s3: { env: { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'secret' } } });
  await expect(store.readFile('/no/such/file.txt')).rejects.toMatchObject({ code: 'ENOENT' });
  expect(sdkLoaded()).toBe(false);
  await expect(store.readFile('s3://some-bucket/key.txt')).rejects.toThrow(api.StoreError);
  expect(sdkLoaded()).toBe(true);
});

test('gateway: createGateway and its error table behind the temporal-llm-router/gateway subpath', async () => {
  const gateway = await import('../../src/gateway');
  expect(typeof gateway.createGateway).toBe('function');
  expect(gateway.STATUS_BY_CLASS.FallbacksExhaustedError).toBe(503);
  expect(gateway.DURABLE_HEADER).toBe('x-llm-router-durable');
  const pkg = (await import('../../package.json')) as { exports: Record<string, string> };
  expect(pkg.exports['./gateway']).toBe('./dist/src/gateway/index.js');
});
