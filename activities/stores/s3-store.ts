// S3-compatible object storage as a document store (AWS S3, Cloudflare R2,
// Google Cloud Storage's S3 interface, SeaweedFS, MinIO, ...). A "directory"
// is a key prefix; byte ranges are Range GETs; a write is one PutObject,
// which S3 makes visible whole or not at all.
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { parseS3Url } from '../../workflows/locations';
import type { DocumentStore } from '../document-store';
import { describeEndpoint, s3ClientConfigFromEnv } from './s3-config';
import { createS3Writer } from './s3-writer';
import { StoreError } from './store-error';

/** S3's own maximum per ListObjectsV2 page and per DeleteObjects call. */
export const S3_MAX_PAGE = 1000;

export interface S3StoreOptions {
  /** Client settings; default {@link s3ClientConfigFromEnv} of `env`. */
  config?: S3ClientConfig;
  /** Environment the settings are read from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Keys per listing request (default and maximum 1000). */
  listPageSize?: number;
}

function contentType(key: string): string {
  if (/\.jsonl$/i.test(key)) return 'application/x-ndjson';
  if (/\.json$/i.test(key)) return 'application/json';
  if (/\.(md|markdown)$/i.test(key)) return 'text/markdown; charset=utf-8';
  return 'text/plain; charset=utf-8';
}

/** The prefix a "directory" names: its key with one trailing slash, or the whole bucket. */
function folderPrefix(key: string): string {
  return key === '' || key.endsWith('/') ? key : `${key}/`;
}

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** One line for any failure of a request, in the store's error vocabulary. */
function storeError(err: unknown, location: string, endpoint: string): StoreError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkError;
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? 'Error';
  const detail = (e.message ?? String(err)).split('\n')[0];
  const options = { cause: err };
  if (name === 'NoSuchBucket') return new StoreError('ENOENT', location, `no such bucket "${parseS3Url(location).bucket}"`, options);
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) return new StoreError('ENOENT', location, 'no such object', options);
  if (['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'Forbidden', 'AllAccessDisabled'].includes(name) || status === 403) {
    return new StoreError('EACCES', location, `access denied by ${endpoint} (${name})`, options);
  }
  if (name === 'CredentialsProviderError') {
    return new StoreError('EACCES', location, 'no AWS credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)', options);
  }
  if (/region is missing/i.test(detail ?? '')) return new StoreError('EIO', location, 'no AWS region set (set AWS_REGION)', options);
  const network = e.code ?? (/\b(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EAI_AGAIN)\b/.exec(detail ?? '')?.[1]);
  if (network && /^E[A-Z_]+$/.test(network)) return new StoreError('EIO', location, `cannot reach the S3 endpoint ${endpoint} (${network})`, options);
  return new StoreError('EIO', location, `${name}${status ? ` (HTTP ${status})` : ''}: ${detail}`, options);
}

export function createS3DocumentStore(options: S3StoreOptions = {}): DocumentStore {
  const config = options.config ?? s3ClientConfigFromEnv(options.env);
  const endpoint = describeEndpoint(config);
  const client = new S3Client(config);
  const pageSize = Math.min(S3_MAX_PAGE, Math.max(1, options.listPageSize ?? S3_MAX_PAGE));

  async function send<T>(location: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw storeError(err, location, endpoint);
    }
  }

  async function getBytes(location: string, range?: string): Promise<Buffer> {
    const { bucket, key } = parseS3Url(location);
    return send(location, async () => {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(range === undefined ? {} : { Range: range }) }));
      return Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
    });
  }

  /** Every key under a prefix, page by page, relative to the prefix. */
  async function* keys(location: string, recursive: boolean, after?: string): AsyncGenerator<string> {
    const { bucket, key } = parseS3Url(location);
    const prefix = folderPrefix(key);
    const pages = paginateListObjectsV2({ client, pageSize }, {
      Bucket: bucket,
      Prefix: prefix,
      ...(recursive ? {} : { Delimiter: '/' }),
      ...(after === undefined ? {} : { StartAfter: `${prefix}${after}` }),
    });
    const iterator = pages[Symbol.asyncIterator]();
    for (;;) {
      const page = await send(location, () => iterator.next());
      if (page.done) return;
      for (const object of page.value.Contents ?? []) {
        const name = object.Key?.slice(prefix.length);
        // Keys ending in "/" are folder markers some tools create, not documents.
        if (name && !name.endsWith('/')) yield name;
      }
    }
  }

  return {
    readFile: (location) => getBytes(location),
    async readRange(location, offset, length) {
      if (length <= 0) return Buffer.alloc(0);
      try {
        return await getBytes(location, `bytes=${offset}-${offset + length - 1}`);
      } catch (err) {
        // A range that starts past the end: nothing there, as a file read would say.
        if ((err as StoreError).cause && (err as { cause: SdkError }).cause.$metadata?.httpStatusCode === 416) return Buffer.alloc(0);
        throw err;
      }
    },
    async *readStream(location, offset = 0) {
      const { bucket, key } = parseS3Url(location);
      let body: AsyncIterable<Uint8Array> | undefined;
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(offset > 0 ? { Range: `bytes=${offset}-` } : {}) }));
        body = out.Body as AsyncIterable<Uint8Array> | undefined;
      } catch (err) {
        if ((err as SdkError).$metadata?.httpStatusCode === 416) return;
        throw storeError(err, location, endpoint);
      }
      if (body === undefined) return;
      try {
        for await (const chunk of body) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      } catch (err) {
        throw storeError(err, location, endpoint);
      }
    },
    list: (dir, { recursive, after }) => keys(dir, recursive, after),
    async writeFileAtomic(location, data) {
      const { bucket, key } = parseS3Url(location);
      await send(location, () => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data, ContentType: contentType(key) })));
    },
    createWriter: (location) => Promise.resolve(createS3Writer(location, { client, send, contentType: contentType(parseS3Url(location).key) })),
    async removeAll(dir) {
      const { bucket, key } = parseS3Url(dir);
      const prefix = folderPrefix(key);
      let batch: string[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const Objects = batch.map((name) => ({ Key: `${prefix}${name}` }));
        batch = [];
        const out = await send(dir, () => client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects, Quiet: true } })));
        const failed = out.Errors?.[0];
        if (failed) throw new StoreError('EIO', `s3://${bucket}/${failed.Key ?? ''}`, `could not delete (${failed.Code ?? 'error'}: ${failed.Message ?? ''})`);
      };
      try {
        for await (const name of keys(dir, true)) {
          batch.push(name);
          if (batch.length === S3_MAX_PAGE) await flush();
        }
      } catch (err) {
        // A bucket that is gone holds nothing to delete.
        if ((err as StoreError).code === 'ENOENT') return;
        throw err;
      }
      await flush();
    },
  };
}
