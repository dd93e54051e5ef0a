// SeaweedFS, the S3-compatible server the tests and the demo's --s3 run: one
// Go binary (`weed`), found or built like the Temporal CLI.
import { chmodSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinaryNotFoundError, cacheRoot, locateBinary, printsMatching, type BinarySpec, type LocatedBinary, type LocateOptions } from './locate-binary';

/**
 * A pseudo-version of the module (SeaweedFS tags its releases without Go
 * module semantics). Its go.mod has `replace` directives, so `go install`
 * refuses it: the build downloads the module and runs `go build` in a
 * writable copy instead.
 */
export const SEAWEEDFS_VERSION = 'v0.0.0-20261109003541-7506e5f91cd6';
export const SEAWEEDFS_GO_MODULE = 'github.com/seaweedfs/seaweedfs';
export const SEAWEEDFS_MIN_GO: readonly [number, number] = [1, 26];

export type SeaweedFsSource = LocatedBinary<'SEAWEEDFS_PATH'>['source'];
export type LocatedSeaweedFs = LocatedBinary<'SEAWEEDFS_PATH'>;

export class SeaweedFsNotFoundError extends BinaryNotFoundError {
  override readonly name = 'SeaweedFsNotFoundError';
  constructor(attempts: string[]) {
    super(attempts, {
      what: 'SeaweedFS (the S3 server for tests and the demo)', envVar: 'SEAWEEDFS_PATH', executable: 'weed', minGo: SEAWEEDFS_MIN_GO,
      build: `go mod download ${SEAWEEDFS_GO_MODULE}@${SEAWEEDFS_VERSION}, then go build ./weed in a writable copy of it`,
    });
  }
}

/** The cache folder of this SeaweedFS version (see `cacheRoot`). */
export function defaultSeaweedFsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), `seaweedfs-${SEAWEEDFS_VERSION}`);
}

/** The module cache is read-only; Go may need to write in the module it builds. */
function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) chmodSync(path, 0o755);
    else if (entry.isFile()) chmodSync(path, statSync(path).mode | 0o200);
  }
}

export const SEAWEEDFS_SPEC: BinarySpec<'SEAWEEDFS_PATH'> = {
  title: `SeaweedFS ${SEAWEEDFS_VERSION}`,
  executable: 'weed',
  envVar: 'SEAWEEDFS_PATH',
  cacheFolder: `seaweedfs-${SEAWEEDFS_VERSION}`,
  minGo: SEAWEEDFS_MIN_GO,
  identity: '"version" line from `weed version`',
  identify: (path) => printsMatching(path, ['version'], /^version \S+ \d+\.\d+/m),
  async build(go, staging) {
    const info = JSON.parse(await go.run(['mod', 'download', '-json', `${SEAWEEDFS_GO_MODULE}@${SEAWEEDFS_VERSION}`])) as { Dir?: string; Error?: string };
    if (!info.Dir) throw new Error(`go mod download gave no module folder${info.Error ? `: ${info.Error}` : ''}`);
    const source = mkdtempSync(join(tmpdir(), 'tlr-seaweedfs-src-'));
    try {
      cpSync(info.Dir, source, { recursive: true });
      makeWritable(source);
      await go.run(['build', '-o', join(staging, 'weed'), './weed'], { cwd: source });
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
    return join(staging, 'weed');
  },
  notFound: (attempts) => new SeaweedFsNotFoundError(attempts),
};

/**
 * Finds SeaweedFS: `SEAWEEDFS_PATH`, then `weed` on PATH, then the cache
 * outside the clone, then a build from the Go module into the cache (many
 * minutes on two cores with a cold Go build cache; once per machine).
 */
export function locateSeaweedFs(options: LocateOptions = {}): Promise<LocatedSeaweedFs> {
  return locateBinary(SEAWEEDFS_SPEC, options);
}
