/**
 * Python virtual environments for tests and benchmarks (the Python `openai`
 * client, LiteLLM), built from a pinned requirements file once per machine
 * and cached outside the clone, next to the Temporal CLI:
 * `$TEMPORAL_LLM_ROUTER_CACHE` (else `~/.cache/temporal-llm-router`), folder
 * `venv-<name>-<hash of the requirements and the Python version>`. Changing a
 * pin makes a new venv; nothing is ever installed into an existing one.
 * A missing Python is an error that says what to install, never a skip.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** pip resolving and downloading a few dozen wheels on a 2-core machine. */
const INSTALL_TIMEOUT_MS = 10 * 60_000;
/** A lock older than this belongs to a build that died; it is taken over. */
const STALE_LOCK_MS = 15 * 60_000;
const DONE_MARKER = '.llm-router-venv-complete';

export interface PythonVenv {
  /** The venv's interpreter: run scripts and modules (`-m`) with it. */
  readonly python: string;
  readonly dir: string;
}

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEMPORAL_LLM_ROUTER_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'temporal-llm-router');
}

async function basePython(): Promise<{ python: string; version: string }> {
  const python = process.env.PYTHON ?? 'python3';
  try {
    const { stdout, stderr } = await run(python, ['--version']);
    return { python, version: `${stdout}${stderr}`.trim() };
  } catch (error) {
    throw new Error(`no Python interpreter "${python}" (${(error as Error).message.split('\n')[0]}): install python3 with its venv module (Debian: apt-get install python3 python3-venv), or set PYTHON`, { cause: error });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** mkdir is atomic: whoever creates the lock folder builds; the others wait for the marker. */
async function withLock<T>(lock: string, body: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + INSTALL_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held !== undefined && Date.now() - held.mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${lock}: another build has held this lock for too long`);
      await sleep(500);
    }
  }
  try {
    return await body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The venv for `requirementsFile`, built on first use (minutes), then reused (milliseconds). */
export async function ensurePythonVenv(name: string, requirementsFile: string, log: (line: string) => void = () => undefined): Promise<PythonVenv> {
  const base = await basePython();
  const requirements = readFileSync(requirementsFile, 'utf8');
  const hash = createHash('sha256').update(requirements).update('\0').update(base.version).update('\0').update(`${process.platform}-${process.arch}`).digest('hex').slice(0, 16);
  const root = cacheRoot();
  const dir = join(root, `venv-${name}-${hash}`);
  const python = join(dir, 'bin', 'python');
  const done = () => existsSync(join(dir, DONE_MARKER)) && existsSync(python);
  if (done()) return { python, dir };
  mkdirSync(root, { recursive: true });
  return withLock(`${dir}.lock`, async () => {
    if (done()) return { python, dir };
    // A build that died half way left a venv without its marker: start again.
    rmSync(dir, { recursive: true, force: true });
    log(`creating Python venv ${dir} (${base.version}) from ${requirementsFile}`);
    try {
      await run(base.python, ['-m', 'venv', dir], { timeout: 120_000 });
      await run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', '-r', requirementsFile], {
        timeout: INSTALL_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      const e = error as Error & { stderr?: string };
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`building the Python venv ${dir} failed: ${e.message.split('\n')[0]}\n${(e.stderr ?? '').slice(-2000)}`, { cause: error });
    }
    writeFileSync(join(dir, DONE_MARKER), `${requirementsFile}\n${base.version}\n`);
    return { python, dir };
  });
}
