import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { resolveConnection, type ConnectionFlags, type ResolvedConnection } from './connection-options';
import { unreachable } from './connection';

/** The worker's connection (the Rust core's), with the same options and the same clear failure. */
export async function connectWorker(flags: ConnectionFlags): Promise<{ connection: NativeConnection; target: ResolvedConnection }> {
  const target = resolveConnection(flags);
  const options: NativeConnectionOptions = { address: target.address };
  if (target.tls !== undefined) options.tls = target.tls;
  if (target.apiKey !== undefined) options.apiKey = target.apiKey;
  try {
    return { connection: await NativeConnection.connect(options), target };
  } catch (err) {
    throw unreachable(target, err);
  }
}
