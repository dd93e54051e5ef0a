import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await Promise.all([globalThis.__TEMPORAL_DEV_SERVER__?.stop(), globalThis.__S3_SERVER__?.stop()]);
  if (globalThis.__TEMPORAL_TEST_DIR__) rmSync(globalThis.__TEMPORAL_TEST_DIR__, { recursive: true, force: true });
}
