import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__TEMPORAL_DEV_SERVER__?.stop();
  if (globalThis.__TEMPORAL_TEST_DIR__) rmSync(globalThis.__TEMPORAL_TEST_DIR__, { recursive: true, force: true });
}
