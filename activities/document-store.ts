// Storage as the batch activities see it: injected, so tests and benchmarks
// can point it anywhere (or wrap it to count and fail reads). A location is a
// local path or an `s3://bucket/key` URL; `createDocumentStore` serves both,
// so one batch may read from a bucket and write to a disk, or the other way.
import { join } from 'node:path';
import { isS3Url } from '../workflows/locations';
import { createFsDocumentStore } from './stores/fs-store';
import type { S3StoreOptions } from './stores/s3-store';

export { StoreError } from './stores/store-error';

export interface ListOptions {
  /** Include everything below `dir`, not only its direct children. */
  recursive: boolean;
  /** Start after this name (relative to `dir`), for paging; names come in sorted order. */
  after?: string;
}

/**
 * A file or object written as a stream: nothing is visible at its location
 * until `close()`, which makes the whole of it visible at once. A large merge
 * is written this way in bounded memory.
 */
export interface DocumentWriter {
  /** Appends; resolves once the chunk is buffered or sent, so a fast producer waits for a slow store. */
  write(chunk: string): Promise<void>;
  /** Makes everything written visible at the location, replacing what was there. */
  close(): Promise<void>;
  /** Drops what was written; the location keeps what it had. Safe after a failed write or close. */
  abort(): Promise<void>;
}

export interface DocumentStore {
  readFile(location: string): Promise<Buffer>;
  /** `length` bytes from `offset` (fewer at the end). */
  readRange(location: string, offset: number, length: number): Promise<Buffer>;
  /** The bytes from `offset` to the end, chunk by chunk, so a large JSONL is scanned in bounded memory. */
  readStream(location: string, offset?: number): AsyncIterable<Buffer>;
  /**
   * Files under `dir`, as names relative to it with `/` separators, sorted.
   * A bucket listing is fetched page by page as the caller consumes it.
   */
  list(dir: string, options: ListOptions): AsyncIterable<string>;
  /** Replaces the file in one step (a disk file is written aside, then renamed), so a crash never leaves half a file. */
  writeFileAtomic(location: string, data: string): Promise<void>;
  /** The streaming form of `writeFileAtomic`, for outputs too large to build as one string. */
  createWriter(location: string): Promise<DocumentWriter>;
  /** Deletes `dir` and everything under it; nothing there is not an error. */
  removeAll(dir: string): Promise<void>;
}

export interface DocumentStoreOptions {
  /** S3 client settings; by default read from the AWS environment variables and profile when first needed. */
  s3?: S3StoreOptions;
}

/** A child of a location: a path joined on disk, a key under a prefix in a bucket. */
export function childLocation(dir: string, name: string): string {
  return isS3Url(dir) ? `${dir.replace(/\/+$/, '')}/${name}` : join(dir, name);
}

/**
 * The store a worker uses: the local file system, and S3 for `s3://`
 * locations. The S3 client is made on first use, so a worker that never sees
 * a bucket needs no AWS settings at all.
 */
export function createDocumentStore(options: DocumentStoreOptions = {}): DocumentStore {
  const fs = createFsDocumentStore();
  let s3: DocumentStore | undefined;
  const pick = (location: string): DocumentStore => {
    if (!isS3Url(location)) return fs;
    // Loaded on first use: a worker or client that never sees a bucket does not pay for the AWS SDK.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    s3 ??= (require('./stores/s3-store') as typeof import('./stores/s3-store')).createS3DocumentStore(options.s3);
    return s3;
  };
  return {
    readFile: (location) => pick(location).readFile(location),
    readRange: (location, offset, length) => pick(location).readRange(location, offset, length),
    readStream: (location, offset) => pick(location).readStream(location, offset),
    list: (dir, listOptions) => pick(dir).list(dir, listOptions),
    writeFileAtomic: (location, data) => pick(location).writeFileAtomic(location, data),
    createWriter: (location) => pick(location).createWriter(location),
    removeAll: (dir) => pick(dir).removeAll(dir),
  };
}

export { createFsDocumentStore } from './stores/fs-store';
export type { S3StoreOptions } from './stores/s3-store';
export { s3ClientConfigFromEnv } from './stores/s3-config';
