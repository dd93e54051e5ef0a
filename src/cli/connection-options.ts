import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, EXIT } from './exit-codes';

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_NAMESPACE = 'default';
export const CONNECT_TIMEOUT_MS = 5_000;

export interface ConnectionFlags {
  address?: string;
  namespace?: string;
}

/**
 * `--address` / `--namespace`, defaulting to the same environment variables
 * the Temporal CLI reads, so one shell setup serves both tools.
 */
export function withConnectionOptions(command: Command): Command {
  return command
    .option('--address <host:port>', `Temporal frontend (env TEMPORAL_ADDRESS, default ${DEFAULT_TEMPORAL_ADDRESS})`)
    .option('--namespace <name>', `Temporal namespace (env TEMPORAL_NAMESPACE, default ${DEFAULT_NAMESPACE})`);
}

export interface ResolvedConnection {
  address: string;
  namespace: string;
  /** TLS and API key from the environment (Temporal Cloud); absent for a local dev server. */
  tls?: { clientCertPair?: { crt: Buffer; key: Buffer }; serverRootCACertificate?: Buffer; serverNameOverride?: string } | true;
  apiKey?: string;
}

function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new CliError(`${variable}=${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, EXIT.USAGE);
  }
}

/**
 * Where to connect and how. Temporal Cloud: TEMPORAL_API_KEY (TLS implied),
 * or mTLS with TEMPORAL_TLS_CERT + TEMPORAL_TLS_KEY; TEMPORAL_TLS=true for
 * plain server-verified TLS; TEMPORAL_TLS_CA and TEMPORAL_TLS_SERVER_NAME
 * for a private CA.
 */
export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): ResolvedConnection {
  const address = flags.address ?? env.TEMPORAL_ADDRESS ?? DEFAULT_TEMPORAL_ADDRESS;
  if (!/^[^\s:]+:\d{1,5}$/.test(address)) throw new CliError(`--address "${address}" is not host:port`, EXIT.USAGE);
  const resolved: ResolvedConnection = { address, namespace: flags.namespace ?? env.TEMPORAL_NAMESPACE ?? DEFAULT_NAMESPACE };
  const cert = env.TEMPORAL_TLS_CERT;
  const key = env.TEMPORAL_TLS_KEY;
  if ((cert === undefined) !== (key === undefined)) {
    throw new CliError('mTLS needs both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY (paths to PEM files); only one is set', EXIT.USAGE);
  }
  const ca = env.TEMPORAL_TLS_CA;
  const serverName = env.TEMPORAL_TLS_SERVER_NAME;
  if (cert !== undefined && key !== undefined) {
    resolved.tls = {
      clientCertPair: { crt: readPem('TEMPORAL_TLS_CERT', cert), key: readPem('TEMPORAL_TLS_KEY', key) },
      ...(ca ? { serverRootCACertificate: readPem('TEMPORAL_TLS_CA', ca) } : {}),
      ...(serverName ? { serverNameOverride: serverName } : {}),
    };
  } else if (ca || serverName) {
    resolved.tls = { ...(ca ? { serverRootCACertificate: readPem('TEMPORAL_TLS_CA', ca) } : {}), ...(serverName ? { serverNameOverride: serverName } : {}) };
  } else if (env.TEMPORAL_API_KEY || /^(1|true|yes)$/i.test(env.TEMPORAL_TLS ?? '')) {
    resolved.tls = true;
  }
  if (env.TEMPORAL_API_KEY) resolved.apiKey = env.TEMPORAL_API_KEY;
  return resolved;
}

