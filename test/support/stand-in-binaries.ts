// Shell scripts that stand in for go, temporal and weed, so the lookup chains
// run every branch in milliseconds, in a temporary folder a test owns.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder per test, removed after it; read `.path` inside a test. */
export function scratchRoot(prefix: string): { path: string } {
  const root = { path: '' };
  beforeEach(() => {
    root.path = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => rmSync(root.path, { recursive: true, force: true }));
  return root;
}

export function script(dir: string, name: string, body: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

export const quiet = (): void => undefined;

/** A stand-in `go` that reports `version` and runs `cases` (shell `if … fi` blocks); anything they do not handle fails loudly. */
export function standInGo(bin: string, version: string, cases: string[]): string {
  return script(bin, 'go', [
    `if [ "$1" = version ]; then echo "go version go${version} linux/amd64"; exit 0; fi`,
    ...cases,
    'echo "unexpected go $*" >&2; exit 9',
  ].join('\n'));
}
