import { join } from 'node:path';
import { BinaryNotFoundError, cacheRoot, locateBinary, printsMatching, type BinarySpec, type LocatedBinary, type LocateOptions } from './locate-binary';

export { parseGoVersion } from './locate-binary';

/**
 * v1.5.1 is the newest Temporal CLI tag whose go.mod has no `replace`
 * directive, which `go install module@version` refuses. It ships the dev
 * server with SQLite persistence and the Web UI in one binary.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_GO_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const MIN_GO_VERSION: readonly [number, number] = [1, 25];

export type TemporalCliSource = LocatedBinary<'TEMPORAL_CLI_PATH'>['source'];
export type LocatedTemporalCli = LocatedBinary<'TEMPORAL_CLI_PATH'>;
export type LocateTemporalCliOptions = LocateOptions;

/** Thrown when every step of the lookup chain failed; `attempts` says what each step found. */
export class TemporalCliNotFoundError extends BinaryNotFoundError {
  override readonly name = 'TemporalCliNotFoundError';
  constructor(attempts: string[]) {
    super(attempts, { what: 'the Temporal CLI', envVar: 'TEMPORAL_CLI_PATH', executable: 'temporal', minGo: MIN_GO_VERSION, build: `go install ${TEMPORAL_CLI_GO_MODULE}@${TEMPORAL_CLI_VERSION}` });
  }
}

/** The cache folder of this CLI version (see {@link cacheRoot}). */
export function defaultTemporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

export const TEMPORAL_CLI_SPEC: BinarySpec<'TEMPORAL_CLI_PATH'> = {
  title: `the Temporal CLI ${TEMPORAL_CLI_VERSION}`,
  executable: 'temporal',
  envVar: 'TEMPORAL_CLI_PATH',
  cacheFolder: `temporal-cli-${TEMPORAL_CLI_VERSION}`,
  minGo: MIN_GO_VERSION,
  identity: '"temporal version" from --version',
  identify: (path) => printsMatching(path, ['--version'], /temporal version/i),
  async build(go, staging) {
    await go.run(['install', `${TEMPORAL_CLI_GO_MODULE}@${TEMPORAL_CLI_VERSION}`], { env: { GOBIN: staging } });
    return join(staging, 'temporal');
  },
  notFound: (attempts) => new TemporalCliNotFoundError(attempts),
};

/**
 * Finds the Temporal CLI: `TEMPORAL_CLI_PATH`, then `temporal` on PATH, then
 * the cache outside the clone, then a build from the Go module into the cache.
 * (The SDK's own download is the caller's last resort; see `startDevServer`.)
 */
export function locateTemporalCli(options: LocateTemporalCliOptions = {}): Promise<LocatedTemporalCli> {
  return locateBinary(TEMPORAL_CLI_SPEC, options);
}
