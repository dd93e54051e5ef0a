import { execFile } from 'node:child_process';
import { accessSync, constants as fsConstants, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * v1.5.1 is the newest Temporal CLI tag whose go.mod has no `replace`
 * directive, which `go install module@version` refuses. It ships the dev
 * server with SQLite persistence and the Web UI in one binary.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_GO_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const MIN_GO_VERSION: readonly [number, number] = [1, 25];

export type TemporalCliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache' | 'go-build';

export interface LocatedTemporalCli {
  path: string;
  source: TemporalCliSource;
}

export interface LocateTemporalCliOptions {
  env?: NodeJS.ProcessEnv;
  /** Folder that holds the cached binary; defaults to {@link defaultTemporalCliCacheDir}. */
  cacheDir?: string;
  /** Build from the Go module when nothing is found (default true). */
  build?: boolean;
  /** Progress lines for long steps such as the one-time Go build. */
  log?: (line: string) => void;
}

/** Thrown when every step of the lookup chain failed; `attempts` says what each step found. */
export class TemporalCliNotFoundError extends Error {
  override readonly name = 'TemporalCliNotFoundError';
  constructor(readonly attempts: string[]) {
    super(
      [
        'Could not find or build the Temporal CLI. Tried, in order:',
        ...attempts.map((a, i) => `  ${i + 1}. ${a}`),
        'Fix one of these: set TEMPORAL_CLI_PATH to a temporal binary; put `temporal` on PATH;',
        `or install Go >= ${MIN_GO_VERSION.join('.')} with access to the Go module proxy so it can be built with`,
        `  go install ${TEMPORAL_CLI_GO_MODULE}@${TEMPORAL_CLI_VERSION}`,
      ].join('\n'),
    );
  }
}

/**
 * The cache lives outside any clone so a fresh checkout (and CI) reuses one
 * build: `$TEMPORAL_LLM_ROUTER_CACHE`, else `$XDG_CACHE_HOME/temporal-llm-router`,
 * else `~/.cache/temporal-llm-router`, then a folder per CLI version.
 */
export function defaultTemporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const root =
    env.TEMPORAL_LLM_ROUTER_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'temporal-llm-router');
  return join(root, `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function isTemporalCli(path: string): Promise<boolean> {
  try {
    const { stdout } = await execFileAsync(path, ['--version'], { timeout: 15_000 });
    return /temporal version/i.test(stdout);
  } catch {
    return false;
  }
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Parses `go version go1.26.8 linux/amd64` into [1, 26]. */
export function parseGoVersion(output: string): [number, number] | undefined {
  const match = /go(\d+)\.(\d+)/.exec(output);
  if (!match?.[1] || !match[2]) return undefined;
  return [Number(match[1]), Number(match[2])];
}

async function buildWithGo(cacheDir: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string> {
  const go = findOnPath('go', env);
  if (!go) throw new Error('go is not on PATH');
  const { stdout } = await execFileAsync(go, ['version'], { env });
  const version = parseGoVersion(stdout);
  if (!version) throw new Error(`could not read the Go version from "${stdout.trim()}"`);
  const [major, minor] = version;
  if (major < MIN_GO_VERSION[0] || (major === MIN_GO_VERSION[0] && minor < MIN_GO_VERSION[1])) {
    throw new Error(`Go ${major}.${minor} is too old; the Temporal CLI ${TEMPORAL_CLI_VERSION} needs Go >= ${MIN_GO_VERSION.join('.')}`);
  }
  mkdirSync(cacheDir, { recursive: true });
  // Build into a private folder and rename, so a concurrent or interrupted
  // build never leaves a half-written binary where the cache lookup finds it.
  const staging = mkdtempSync(join(cacheDir, '.build-'));
  const started = Date.now();
  log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} from its Go module (one-time; a few minutes on a cold Go cache)...`);
  try {
    await execFileAsync(go, ['install', `${TEMPORAL_CLI_GO_MODULE}@${TEMPORAL_CLI_VERSION}`], {
      env: { ...env, GOBIN: staging, GOTOOLCHAIN: env.GOTOOLCHAIN ?? 'local' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 30 * 60_000,
    });
    const target = join(cacheDir, 'temporal');
    if (!(await isTemporalCli(join(staging, 'temporal')))) throw new Error('go install finished but the binary does not run `--version`');
    renameSync(join(staging, 'temporal'), target);
    log(`Built the Temporal CLI in ${((Date.now() - started) / 1000).toFixed(1)} s: ${target}`);
    return target;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`go install failed${stderr ? `: ${stderr.split('\n').slice(-5).join(' | ')}` : `: ${String(err)}`}`, { cause: err });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Finds the Temporal CLI: `TEMPORAL_CLI_PATH`, then `temporal` on PATH, then
 * the cache outside the clone, then a build from the Go module into the cache.
 * (The SDK's own download is the caller's last resort; see `startDevServer`.)
 */
export async function locateTemporalCli(options: LocateTemporalCliOptions = {}): Promise<LocatedTemporalCli> {
  const env = options.env ?? process.env;
  const cacheDir = options.cacheDir ?? defaultTemporalCliCacheDir(env);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const attempts: string[] = [];

  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    // An explicit setting that is wrong is an error, not something to skip
    // past silently: the user asked for that binary.
    if (!existsSync(explicit)) throw new TemporalCliNotFoundError([`TEMPORAL_CLI_PATH=${explicit}: no such file`]);
    if (!isExecutable(explicit)) throw new TemporalCliNotFoundError([`TEMPORAL_CLI_PATH=${explicit}: not executable`]);
    return { path: explicit, source: 'TEMPORAL_CLI_PATH' };
  }
  attempts.push('TEMPORAL_CLI_PATH: not set');

  const onPath = findOnPath('temporal', env);
  if (onPath && (await isTemporalCli(onPath))) return { path: onPath, source: 'PATH' };
  attempts.push(onPath ? `PATH: ${onPath} is not the Temporal CLI (no "temporal version" from --version)` : 'PATH: no `temporal` executable');

  const cached = join(cacheDir, 'temporal');
  if (isExecutable(cached) && (await isTemporalCli(cached))) return { path: cached, source: 'cache' };
  attempts.push(`cache: ${cached} ${existsSync(cached) ? 'is not a working Temporal CLI' : 'does not exist'}`);

  if (options.build === false) {
    attempts.push('go build: disabled by the caller');
    throw new TemporalCliNotFoundError(attempts);
  }
  try {
    return { path: await buildWithGo(cacheDir, env, log), source: 'go-build' };
  } catch (err) {
    attempts.push(`go build: ${(err as Error).message}`);
    throw new TemporalCliNotFoundError(attempts);
  }
}
