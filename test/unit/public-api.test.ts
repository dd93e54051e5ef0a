// The package's entry points: the root (src/index.ts) holds what an app
// writes code against; the opt-in modules (codec, health, schedules,
// observability, stores) are one subpath away in `/temporal`, and each
// subpath in package.json points at a module that exists.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DataConverter } from '@temporalio/common';
import * as root from '../../src';
import * as api from '../../src/temporal';
import * as core from '../../src/core';

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

test('the root holds the Router, DurableRouter, createWorker, config loading, the error classes and guards', () => {
  for (const name of ['Router', 'DurableRouter', 'createWorker', 'loadConfigFile', 'parseConfigObject', 'isLlmRouterError', 'isRetryableError', 'errorClassOf'] as const) {
    expect(typeof root[name]).toBe('function');
  }
  for (const name of ['RateLimitError', 'ServiceUnavailableError', 'FallbacksExhaustedError', 'NoDeploymentsAvailableError', 'RouterFallbacksExhaustedError', 'ConfigError'] as const) {
    expect(typeof root[name]).toBe('function');
  }
  // The core's errors share the taxonomy's base class and guard.
  expect(root.isLlmRouterError(new root.FallbacksExhaustedError({ name: 'FallbacksExhaustedError', reason: 'fallbacks-exhausted', requestedGroup: 'g', groupPath: ['g'], attempts: [], lastError: null, unavailable: [], complexity: null }))).toBe(true);
  // Internals stay out of the root.
  for (const name of ['createRouterWorker', 'startCodecServer', 'createProviderRegistry', 'pick', 'toApplicationFailure'] as const) expect(name in root).toBe(false);
  expect(root.PACKAGE_NAME).toBe('temporal-llm-router');
  expect(notAny.every((x) => x === false)).toBe(true);
});

test('every subpath the package exports names a module that exists in src', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { exports: Record<string, string | { types: string; default: string }> };
  const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');
  expect(subpaths).toEqual(expect.arrayContaining(['.', './temporal', './core', './providers', './testing', './workflows', './dev-server', './gateway']));
  for (const key of subpaths) {
    const entry = pkg.exports[key]!;
    const target = typeof entry === 'string' ? entry : entry.default;
    const source = join(__dirname, '../..', target.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'));
    expect(existsSync(source)).toBe(true);
    if (typeof entry !== 'string') expect(entry.types).toBe(target.replace(/\.js$/, '.d.ts'));
  }
  expect(typeof core.pick).toBe('function');
  expect(typeof core.runWalk).toBe('function');
});

test('/temporal holds the worker factory over a registry, the batch helpers and the failure translation', () => {
  for (const name of ['createRouterWorker', 'startBatchSummarize', 'getBatchResult', 'toApplicationFailure', 'giveUpOfFailure', 'withSharedHealth'] as const) {
    expect(typeof api[name]).toBe('function');
  }
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
  for (const name of ['createDocumentStore', 'createFsDocumentStore', 's3ClientConfigFromEnv'] as const) expect(typeof api[name]).toBe('function');
  const devServer = await import('../../src/dev-server');
  for (const name of ['startS3Server', 'locateSeaweedFs', 'startDevServer', 'locateTemporalCli'] as const) expect(typeof devServer[name]).toBe('function');
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
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { exports: Record<string, { default: string }> };
  expect(pkg.exports['./gateway']?.default).toBe('./dist/src/gateway/index.js');
});
