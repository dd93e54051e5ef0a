import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DocumentSource } from '../../workflows/batch-types';
import { CliError, EXIT } from './exit-codes';

const GLOB_CHARS = /[*?[\]{}]/;

/** `batch start <dir|file.jsonl|glob>`: what the argument names, checked before anything starts. */
export function documentSource(arg: string, cwd: string = process.cwd()): DocumentSource {
  if (GLOB_CHARS.test(arg)) return { kind: 'glob', pattern: arg, cwd };
  let stats;
  try {
    stats = statSync(resolve(cwd, arg));
  } catch {
    throw new CliError(`${arg}: no such file or directory (expected a directory, a .jsonl file or a glob)`, EXIT.USAGE);
  }
  const path = resolve(cwd, arg);
  if (stats.isDirectory()) return { kind: 'directory', path };
  if (/\.jsonl$/i.test(arg)) return { kind: 'jsonl', path };
  // One plain file: a glob that matches exactly it.
  return { kind: 'glob', pattern: path, cwd };
}
