import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDevServer, startS3Server, type DevServerHandle, type S3ServerHandle } from '../../src/dev-server';
import { routerBundleOptions } from '../../src/temporal/worker';
import { TEST_ENV } from './test-env';

// One real Temporal dev server, one real S3 server (SeaweedFS) and one
// workflow bundle for the whole integration run: starting a server per file
// would cost seconds each, and bundling the workflow code per worker costs more.
declare global {
  var __TEMPORAL_DEV_SERVER__: DevServerHandle | undefined;
  var __S3_SERVER__: S3ServerHandle | undefined;
  var __TEMPORAL_TEST_DIR__: string | undefined;
}

export default async function globalSetup(): Promise<void> {
  // The AWS SDK's notice that its 2027 releases need Node 22 says nothing about these tests; it would repeat in every run's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dir = mkdtempSync(join(tmpdir(), 'tlr-integration-'));
  const log = (line: string) => process.stderr.write(`[global-setup] ${line}\n`);
  const started = Date.now();
  // Both servers start at once; neither waits for the other.
  const [server, s3] = await Promise.all([
    startDevServer({ dbFilename: join(dir, 'temporal.db'), log }).then((handle) => {
      log(`Temporal dev server (${handle.source}) at ${handle.address}, UI ${handle.uiUrl}, ready in ${Date.now() - started} ms`);
      return handle;
    }),
    startS3Server({ log }).then((handle) => {
      log(`SeaweedFS S3 server (${handle.source}) at ${handle.endpoint}, ready in ${Date.now() - started} ms`);
      return handle;
    }),
  ]);
  globalThis.__S3_SERVER__ = s3;

  const bundleStarted = Date.now();
  const { code } = await bundleWorkflowCode({
    ...routerBundleOptions(),
    logger: { trace() {}, debug() {}, info() {}, warn: (m: string) => log(m), error: (m: string) => log(m), log() {} },
  });
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  log(`workflow bundle built in ${Date.now() - bundleStarted} ms`);

  globalThis.__TEMPORAL_DEV_SERVER__ = server;
  globalThis.__TEMPORAL_TEST_DIR__ = dir;
  // Test workers are spawned after this returns and inherit this environment.
  process.env[TEST_ENV.address] = server.address;
  process.env[TEST_ENV.namespace] = server.namespace;
  process.env[TEST_ENV.bundle] = bundlePath;
  process.env[TEST_ENV.dir] = dir;
  if (server.cliPath) process.env[TEST_ENV.cliPath] = server.cliPath;
  process.env[TEST_ENV.s3Endpoint] = s3.endpoint;
  process.env[TEST_ENV.s3AccessKeyId] = s3.accessKeyId;
  process.env[TEST_ENV.s3SecretAccessKey] = s3.secretAccessKey;
}
