import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DocumentFormat, DocumentSource } from '../../workflows/batch-types';
import { isS3Url, parseS3Url } from '../../workflows/locations';
import { CliError, EXIT } from './exit-codes';

const GLOB_CHARS = /[*?[\]{}]/;

/** An `s3://` argument checked for shape only: the worker, not the CLI, holds the credentials that read it. */
function s3Location(arg: string, what: string): { key: string } {
  try {
    return parseS3Url(arg);
  } catch (err) {
    throw new CliError(`${what} ${(err as Error).message}`, EXIT.USAGE);
  }
}

/**
 * `batch start <dir|file.jsonl|glob|s3://bucket/prefix>`: what the argument
 * names, checked before anything starts.
 */
export function documentSource(arg: string, cwd: string = process.cwd(), format?: DocumentFormat): DocumentSource {
  const withFormat = format === undefined ? {} : { format };
  if (isS3Url(arg)) {
    const { key } = s3Location(arg, 'documents:');
    if (GLOB_CHARS.test(key)) return { kind: 'glob', pattern: arg, ...withFormat };
    if (format === 'pdf' && /\.jsonl$/i.test(key)) throw new CliError(`--format pdf: ${arg} is JSONL, whose text fields cannot hold PDFs`, EXIT.USAGE);
    return { kind: 's3', url: arg, ...withFormat };
  }
  if (GLOB_CHARS.test(arg)) return { kind: 'glob', pattern: arg, cwd, ...withFormat };
  let stats;
  try {
    stats = statSync(resolve(cwd, arg));
  } catch {
    throw new CliError(`${arg}: no such file or directory (expected a directory, a .jsonl file, a glob or an s3:// URL)`, EXIT.USAGE);
  }
  const path = resolve(cwd, arg);
  if (stats.isDirectory()) return { kind: 'directory', path, ...withFormat };
  if (/\.jsonl$/i.test(arg)) {
    if (format === 'pdf') throw new CliError(`--format pdf: ${arg} is JSONL, whose text fields cannot hold PDFs`, EXIT.USAGE);
    return { kind: 'jsonl', path, ...withFormat };
  }
  // One plain file: a glob that matches exactly it.
  return { kind: 'glob', pattern: path, cwd, ...withFormat };
}

/** `--out` / `--markdown`: a local file (made absolute) or one S3 object. */
export function outputLocation(arg: string, flag: string, cwd: string = process.cwd()): string {
  if (!isS3Url(arg)) return resolve(cwd, arg);
  const { key } = s3Location(arg, `${flag}`);
  if (key === '' || key.endsWith('/')) throw new CliError(`${flag} ${arg}: names no object (expected s3://bucket/key.jsonl)`, EXIT.USAGE);
  return arg;
}
