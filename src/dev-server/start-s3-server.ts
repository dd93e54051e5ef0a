// A real S3-compatible server on loopback for tests and the demo: SeaweedFS
// (`weed server -s3`: master, volume, filer and S3 gateway in one process) on
// free ports, with a temporary data folder and one identity whose keys are
// made here, ready once a signed S3 request succeeds.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { spawnService, type ChildService } from './child-service';
import { locateSeaweedFs, type SeaweedFsSource } from './seaweedfs';
import { DEFAULT_DEV_SERVER_IP, freePort } from './start-dev-server';

export const DEFAULT_S3_READY_TIMEOUT_MS = 60_000;
/** Any region works with SeaweedFS; the SDK needs one. */
export const S3_SERVER_REGION = 'us-east-1';
const MAX_START_ATTEMPTS = 3;
/** SeaweedFS answers SIGINT sooner than SIGTERM. */
const STOP_SIGNAL = 'SIGINT';
/**
 * Its filer flushes a metadata log on the way down and waits ~15 s for a
 * volume server that has already stopped. Data in a temporary folder is
 * deleted anyway, so that wait is cut short; a folder of the caller's own
 * gets the whole flush.
 */
const TEMPORARY_DATA_STOP_GRACE_MS = 2_000;
const OWN_DATA_STOP_GRACE_MS = 20_000;
/** Volumes small enough for a test machine's disk; SeaweedFS grows more as needed. */
const VOLUME_SIZE_LIMIT_MB = 64;

export interface StartS3ServerOptions {
  /** The `weed` binary; found through `locateSeaweedFs` when omitted. */
  weedPath?: string;
  /** Where the server keeps its data; default a temporary folder, removed on stop. */
  dataDir?: string;
  ip?: string;
  /** S3 port; default a free one. */
  port?: number;
  /** Buckets to create once the server answers. */
  buckets?: string[];
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface S3ServerHandle {
  /** e.g. `http://127.0.0.1:41234`. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The AWS variables that point a worker, a client or the AWS CLI at this server. */
  env: {
    AWS_ENDPOINT_URL_S3: string;
    AWS_REGION: string;
    AWS_ACCESS_KEY_ID: string;
    AWS_SECRET_ACCESS_KEY: string;
    AWS_S3_FORCE_PATH_STYLE: 'true';
  };
  weedPath: string;
  source: SeaweedFsSource | 'option';
  dataDir: string;
  pid?: number;
  /** Graceful stop, then the temporary data folder is removed. Safe to call twice. */
  stop(): Promise<void>;
}

async function freePorts(ip: string, count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort(ip));
  return [...ports];
}

/**
 * Every listener gets its own port: SeaweedFS derives a gRPC port as HTTP
 * port + 10000 when none is given, which for a kernel-chosen port may be
 * taken or past 65535. Iceberg, Lance and telemetry are off.
 */
function serverArgs(ip: string, dataDir: string, configPath: string, ports: number[], socketDir: string | undefined): string[] {
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc] = ports.map(String);
  return [
    'server',
    `-ip=${ip}`, `-ip.bind=${ip}`, `-dir=${dataDir}`,
    `-master.port=${master}`, `-master.port.grpc=${masterGrpc}`, '-master.telemetry=false', `-master.volumeSizeLimitMB=${VOLUME_SIZE_LIMIT_MB}`,
    // Every bucket is a collection that grows volumes of its own: the default cap of 8 volumes runs out after a
    // few test buckets (writes then fail with InternalError); 0 sizes the cap by the free disk.
    `-volume.port=${volume}`, `-volume.port.grpc=${volumeGrpc}`, '-volume.preStopSeconds=0', '-volume.max=0',
    '-filer', `-filer.port=${filer}`, `-filer.port.grpc=${filerGrpc}`,
    '-s3', `-s3.port=${s3}`, `-s3.port.grpc=${s3Grpc}`, '-s3.port.iceberg=0', '-s3.port.lance=0', `-s3.config=${configPath}`,
    // Its own sockets go in the temporary folder (a short path: sockets have a length limit), so they leave with it.
    ...(socketDir === undefined ? [] : [`-filer.localSocket=${join(socketDir, 'filer.sock')}`, `-s3.localSocket=${join(socketDir, 's3.sock')}`]),
  ];
}

/**
 * SeaweedFS also puts one Unix socket per gRPC port in /tmp, at a path no
 * flag moves; they are removed with the server so runs do not pile them up.
 */
function removeGrpcSockets(ports: number[]): void {
  const grpc: Array<[string, number | undefined]> = [['master', ports[1]], ['volume', ports[3]], ['filer', ports[5]], ['s3', ports[7]]];
  for (const [name, port] of grpc) if (port !== undefined) rmSync(`/tmp/seaweedfs-${name}-grpc-${port}.sock`, { force: true });
}

// Loaded on use: the package root re-exports this module, and only a caller that starts a server should pay for the AWS SDK.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const s3Sdk = () => require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');

async function waitUntilReady(client: S3Client, service: ChildService, endpoint: string, timeoutMs: number): Promise<void> {
  const { ListBucketsCommand } = s3Sdk();
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (service.hasExited()) {
      throw new Error(`SeaweedFS exited (${service.child.exitCode ?? service.child.signalCode}) before its S3 gateway was ready:\n${service.output()}`);
    }
    try {
      // A signed request: the gateway is up, the identity is loaded and the filer behind it answers.
      await client.send(new ListBucketsCommand({}));
      return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`SeaweedFS's S3 gateway at ${endpoint} was not ready within ${timeoutMs} ms: ${String(lastError)}\n${service.output()}`);
}

/** Starts SeaweedFS with an S3 gateway on loopback and waits until S3 answers. */
export async function startS3Server(options: StartS3ServerOptions = {}): Promise<S3ServerHandle> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const ip = options.ip ?? DEFAULT_DEV_SERVER_IP;
  const { CreateBucketCommand, S3Client } = s3Sdk();
  const located = options.weedPath === undefined ? await locateSeaweedFs({ env, log }) : undefined;
  const weedPath = options.weedPath ?? (located?.path as string);
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tlr-seaweedfs-'));
  const removeData = () => {
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  // Keys made per start: nothing that reaches this server was configured anywhere else.
  const accessKeyId = `tlr${randomBytes(8).toString('hex')}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const configPath = join(dataDir, 's3-identities.json');
  writeFileSync(configPath, JSON.stringify({
    identities: [{ name: 'temporal-llm-router', credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }], actions: ['Admin', 'Read', 'List', 'Tagging', 'Write'] }],
  }), { mode: 0o600 });

  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts(ip, 8);
    if (options.port !== undefined) ports[6] = options.port;
    const endpoint = `http://${ip}:${ports[6]}`;
    const service = spawnService(weedPath, serverArgs(ip, dataDir, configPath, ports, ownDataDir ? dataDir : undefined), {
      env, cwd: dataDir, stopSignal: STOP_SIGNAL, graceMs: ownDataDir ? TEMPORARY_DATA_STOP_GRACE_MS : OWN_DATA_STOP_GRACE_MS,
    });
    const client = new S3Client({
      endpoint, region: S3_SERVER_REGION, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', maxAttempts: 1,
    });
    try {
      await waitUntilReady(client, service, endpoint, options.readyTimeoutMs ?? DEFAULT_S3_READY_TIMEOUT_MS);
      for (const bucket of options.buckets ?? []) await client.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (err) {
      await service.stop();
      removeGrpcSockets(ports);
      const portTaken = /address already in use|bind:/i.test(`${String(err)} ${service.output()}`);
      if (attempt < MAX_START_ATTEMPTS && portTaken && options.port === undefined) {
        log(`SeaweedFS could not bind its ports (attempt ${attempt}); retrying on other ports`);
        continue;
      }
      removeData();
      throw err;
    } finally {
      client.destroy();
    }
    let stopped: Promise<void> | undefined;
    return {
      endpoint,
      region: S3_SERVER_REGION,
      accessKeyId,
      secretAccessKey,
      env: { AWS_ENDPOINT_URL_S3: endpoint, AWS_REGION: S3_SERVER_REGION, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_S3_FORCE_PATH_STYLE: 'true' },
      weedPath,
      source: located?.source ?? 'option',
      dataDir,
      ...(service.child.pid === undefined ? {} : { pid: service.child.pid }),
      stop: () => (stopped ??= service.stop().then(() => {
        removeGrpcSockets(ports);
        removeData();
      })),
    };
  }
}
