import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { CliError, EXIT } from './exit-codes';
import { CONNECT_TIMEOUT_MS, resolveConnection, type ConnectionFlags, type ResolvedConnection } from './connection-options';
import { cliTemporalExtras } from './temporal-extras';

export function unreachable(target: ResolvedConnection, err: unknown): CliError {
  const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new CliError(
    `cannot reach the Temporal server at ${target.address} (${reason}); start one with "llm-router dev-server" or set --address / TEMPORAL_ADDRESS`,
    EXIT.FAILURE,
  );
}

export interface CliClient {
  client: Client;
  target: ResolvedConnection;
  close(): Promise<void>;
}

/**
 * A client whose first call proves the server answers, so an unreachable server is one clear line, not a gRPC stack.
 * It encrypts payloads when LLM_ROUTER_CODEC_KEYS is set and traces when LLM_ROUTER_TRACES is on, like the CLI worker.
 */
export async function connectClient(flags: ConnectionFlags): Promise<CliClient> {
  const target = resolveConnection(flags);
  const { dataConverter, plugins } = cliTemporalExtras();
  const options: ConnectionOptions = { address: target.address, connectTimeout: CONNECT_TIMEOUT_MS };
  if (target.tls !== undefined) options.tls = target.tls;
  if (target.apiKey !== undefined) options.apiKey = target.apiKey;
  let connection: Connection;
  try {
    connection = await Connection.connect(options);
    await connection.workflowService.getSystemInfo({});
  } catch (err) {
    throw unreachable(target, err);
  }
  const client = new Client({ connection, namespace: target.namespace, dataConverter, ...(plugins.length ? { plugins } : {}) });
  return { client, target, close: () => connection.close() };
}

