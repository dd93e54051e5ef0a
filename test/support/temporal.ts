import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import type { ProviderRegistry } from '../../src/providers';
import { createRouterWorker, type CreateRouterWorkerOptions } from '../../src/temporal/worker';
import { requireTestEnv } from './test-env';

// Only warnings and errors from the SDK runtime, so test output stays readable.
let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}

export interface TemporalTestContext {
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  taskQueue: string;
  close(): Promise<void>;
}

/** Client and worker connections to the shared dev server, with a task queue unique to the test file. */
export async function connectToTestServer(address = requireTestEnv('address')): Promise<TemporalTestContext> {
  quietRuntime();
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection, namespace: process.env.TLR_TEST_TEMPORAL_NAMESPACE ?? 'default' });
  return {
    client,
    connection,
    nativeConnection,
    taskQueue: `test-${randomUUID()}`,
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

export function createTestWorker(
  ctx: TemporalTestContext,
  providers: Pick<ProviderRegistry, 'complete' | 'stream'> & Partial<Pick<ProviderRegistry, 'embed' | 'batch'>>,
  extra: Pick<CreateRouterWorkerOptions, 'documents' | 'workerOptions' | 'health'> = {},
): Promise<Worker> {
  return createRouterWorker({
    connection: ctx.nativeConnection,
    taskQueue: ctx.taskQueue,
    providers,
    workflowBundle: { codePath: requireTestEnv('bundle') },
    ...extra,
  });
}

export function uniqueWorkflowId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}
