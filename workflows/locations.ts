// Where batch documents and results live: a local path or an `s3://bucket/key`
// URL. Pure string work, shared by the workflow (the parts location), the
// activities (which store serves a location) and the client and CLI (checks
// before a batch starts).

import type { DocumentSource } from './batch-types';

export const S3_SCHEME = 's3://';

export interface S3Location {
  bucket: string;
  /** The object key, or a key prefix; no leading slash. May be empty (the whole bucket). */
  key: string;
}

export function isS3Url(location: string): boolean {
  return location.slice(0, S3_SCHEME.length).toLowerCase() === S3_SCHEME;
}

// S3's own rule for bucket names (3-63 characters of lower-case letters,
// digits, dots and hyphens), loose enough for the S3-compatible servers too.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Splits `s3://bucket/key`; throws one line naming what is wrong. */
export function parseS3Url(url: string): S3Location {
  if (!isS3Url(url)) throw new Error(`${url}: not an s3:// URL`);
  const rest = url.slice(S3_SCHEME.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? '' : rest.slice(slash + 1);
  if (bucket === '') throw new Error(`${url}: no bucket name (expected s3://bucket/key)`);
  if (!BUCKET_NAME.test(bucket)) throw new Error(`${url}: "${bucket}" is not a valid bucket name (3-63 lower-case letters, digits, dots or hyphens)`);
  return { bucket, key };
}

export function s3Url(location: S3Location): string {
  return `${S3_SCHEME}${location.bucket}/${location.key}`;
}

/**
 * Per-document result files live beside the output while the batch runs:
 * `<out>.parts/` on disk, `<out>.parts/` as a key prefix in a bucket.
 */
export function partsLocation(jsonlLocation: string): string {
  return `${jsonlLocation}.parts`;
}

/** What a source names, for messages and summaries. */
export function sourceLocation(source: DocumentSource): string {
  if (source.kind === 'glob') return source.pattern;
  if (source.kind === 's3') return source.url;
  return source.path;
}
