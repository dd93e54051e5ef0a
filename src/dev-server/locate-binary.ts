// One lookup chain for the Go binaries the project runs beside itself (the
// Temporal CLI, the SeaweedFS S3 server): an explicit environment variable,
// then PATH, then a cache outside the clone, then a build from the Go module
// into that cache. A fresh clone (and CI) builds each once per machine.
import { execFile } from 'node:child_process';
import { accessSync, constants as fsConstants, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

export const execFileAsync = promisify(execFile);

/** Builds take minutes on two cores; a stuck one is stopped after this long. */
export const GO_BUILD_TIMEOUT_MS = 30 * 60_000;

export type BinarySource<EnvVar extends string> = EnvVar | 'PATH' | 'cache' | 'go-build';

export interface LocatedBinary<EnvVar extends string = string> {
  path: string;
  source: BinarySource<EnvVar>;
}

export interface LocateOptions {
  env?: NodeJS.ProcessEnv;
  /** Folder that holds the cached binary; defaults to the tool's folder under {@link cacheRoot}. */
  cacheDir?: string;
  /** Build from the Go module when nothing is found (default true). */
  build?: boolean;
  /** Progress lines for long steps such as the one-time Go build. */
  log?: (line: string) => void;
}

/** A Go toolchain found on PATH and checked to be new enough. */
export interface GoToolchain {
  go: string;
  env: NodeJS.ProcessEnv;
  /** Runs `go args…` in `cwd`; a failure's message ends with the last lines Go printed. */
  run(args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<string>;
}

export interface BinarySpec<EnvVar extends string> {
  /** For messages: "the Temporal CLI v1.5.1". */
  title: string;
  /** The executable's name, on PATH and in the cache folder. */
  executable: string;
  /** Names an explicit binary; a wrong value is an error, not skipped. */
  envVar: EnvVar;
  /** Folder under the cache root, one per version. */
  cacheFolder: string;
  minGo: readonly [number, number];
  /** Whether `path` runs and is this tool (checked by what its version command prints). */
  identify(path: string): Promise<boolean>;
  /** What `identify` looks for, for the line that says a binary on PATH is something else. */
  identity: string;
  /** Builds the binary into `staging` and returns its path there. */
  build(go: GoToolchain, staging: string): Promise<string>;
  /** The error thrown when every step failed; `attempts` says what each step found. */
  notFound(attempts: string[]): Error;
}

/** What a failed lookup tells the user to do. */
export interface FixHint {
  /** "the Temporal CLI", "SeaweedFS (the S3 server for tests and the demo)". */
  what: string;
  envVar: string;
  executable: string;
  minGo: readonly [number, number];
  /** How to build it by hand. */
  build: string;
}

/** Every step of a lookup failed: `attempts` says what each found, the message ends with how to fix it. */
export class BinaryNotFoundError extends Error {
  constructor(readonly attempts: string[], hint: FixHint) {
    super([
      `Could not find or build ${hint.what}. Tried, in order:`,
      ...attempts.map((a, i) => `  ${i + 1}. ${a}`),
      `Fix one of these: set ${hint.envVar} to a ${hint.executable} binary; put \`${hint.executable}\` on PATH;`,
      `or install Go >= ${hint.minGo.join('.')} with access to the Go module proxy so it can be built with`,
      `  ${hint.build}`,
    ].join('\n'));
  }
}

/**
 * The cache lives outside any clone so a fresh checkout (and CI) reuses one
 * build: `$TEMPORAL_LLM_ROUTER_CACHE`, else `$XDG_CACHE_HOME/temporal-llm-router`,
 * else `~/.cache/temporal-llm-router`.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEMPORAL_LLM_ROUTER_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'temporal-llm-router');
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** True when `path args…` exits 0 within 15 s and prints something matching `pattern`. */
export async function printsMatching(path: string, args: string[], pattern: RegExp): Promise<boolean> {
  try {
    const { stdout } = await execFileAsync(path, args, { timeout: 15_000 });
    return pattern.test(stdout);
  } catch {
    return false;
  }
}

/** Parses `go version go1.26.8 linux/amd64` into [1, 26]. */
export function parseGoVersion(output: string): [number, number] | undefined {
  const match = /go(\d+)\.(\d+)/.exec(output);
  if (!match?.[1] || !match[2]) return undefined;
  return [Number(match[1]), Number(match[2])];
}

async function goToolchain(spec: BinarySpec<string>, env: NodeJS.ProcessEnv): Promise<GoToolchain> {
  const go = findOnPath('go', env);
  if (!go) throw new Error('go is not on PATH');
  const { stdout } = await execFileAsync(go, ['version'], { env });
  const version = parseGoVersion(stdout);
  if (!version) throw new Error(`could not read the Go version from "${stdout.trim()}"`);
  const [major, minor] = version;
  const [needMajor, needMinor] = spec.minGo;
  if (major < needMajor || (major === needMajor && minor < needMinor)) {
    throw new Error(`Go ${major}.${minor} is too old; ${spec.title} needs Go >= ${spec.minGo.join('.')}`);
  }
  // The build must not fetch another toolchain behind the user's back.
  const goEnv = { ...env, GOTOOLCHAIN: env.GOTOOLCHAIN ?? 'local' };
  return {
    go,
    env: goEnv,
    async run(args, options = {}) {
      try {
        const { stdout } = await execFileAsync(go, args, {
          env: { ...goEnv, ...options.env },
          ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
          maxBuffer: 64 * 1024 * 1024,
          timeout: GO_BUILD_TIMEOUT_MS,
        });
        return stdout;
      } catch (err) {
        const stderr = (err as { stderr?: string }).stderr?.trim();
        throw new Error(`go ${args[0]} failed${stderr ? `: ${stderr.split('\n').slice(-5).join(' | ')}` : `: ${String(err)}`}`, { cause: err });
      }
    },
  };
}

/**
 * Finds a binary: `spec.envVar`, then `spec.executable` on PATH, then the
 * cache, then a build from the Go module into the cache.
 */
export async function locateBinary<EnvVar extends string>(spec: BinarySpec<EnvVar>, options: LocateOptions = {}): Promise<LocatedBinary<EnvVar>> {
  const env = options.env ?? process.env;
  const cacheDir = options.cacheDir ?? join(cacheRoot(env), spec.cacheFolder);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const attempts: string[] = [];

  const explicit = env[spec.envVar];
  if (explicit) {
    // An explicit setting that is wrong is an error, not something to skip
    // past silently: the user asked for that binary.
    if (!existsSync(explicit)) throw spec.notFound([`${spec.envVar}=${explicit}: no such file`]);
    if (!isExecutable(explicit)) throw spec.notFound([`${spec.envVar}=${explicit}: not executable`]);
    return { path: explicit, source: spec.envVar };
  }
  attempts.push(`${spec.envVar}: not set`);

  const onPath = findOnPath(spec.executable, env);
  if (onPath && (await spec.identify(onPath))) return { path: onPath, source: 'PATH' };
  attempts.push(onPath ? `PATH: ${onPath} is not ${spec.title} (no ${spec.identity})` : `PATH: no \`${spec.executable}\` executable`);

  const cached = join(cacheDir, spec.executable);
  if (isExecutable(cached) && (await spec.identify(cached))) return { path: cached, source: 'cache' };
  attempts.push(`cache: ${cached} ${existsSync(cached) ? `is not a working ${spec.executable}` : 'does not exist'}`);

  if (options.build === false) {
    attempts.push('go build: disabled by the caller');
    throw spec.notFound(attempts);
  }
  let staging: string | undefined;
  try {
    const go = await goToolchain(spec, env);
    mkdirSync(cacheDir, { recursive: true });
    // Build into a private folder and rename, so a concurrent or interrupted
    // build never leaves a half-written binary where the cache lookup finds it.
    staging = mkdtempSync(join(cacheDir, '.build-'));
    const started = Date.now();
    log(`Building ${spec.title} from its Go module (one-time; a few minutes on a cold Go cache)...`);
    const built = await spec.build(go, staging);
    if (!(await spec.identify(built))) throw new Error(`the build finished but ${built} does not identify itself (${spec.identity})`);
    renameSync(built, cached);
    log(`Built ${spec.title} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${cached}`);
    return { path: cached, source: 'go-build' };
  } catch (err) {
    attempts.push(`go build: ${(err as Error).message}`);
    throw spec.notFound(attempts);
  } finally {
    if (staging !== undefined) rmSync(staging, { recursive: true, force: true });
  }
}
