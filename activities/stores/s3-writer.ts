// A large object written as a stream: a multipart upload, one part per
// PART_BYTES, so memory holds one part whatever the object's size. An object
// smaller than one part is a single PutObject. S3 makes a multipart object
// visible only when the upload completes, whole.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { parseS3Url } from '../../workflows/locations';
import type { DocumentWriter } from '../document-store';

/** Above S3's 5 MiB minimum for every part but the last; 10,000 parts of it allow an 80 GB object. */
export const S3_WRITER_PART_BYTES = 8 * 1024 * 1024;

export interface S3WriterDeps {
  client: S3Client;
  /** Runs one request, turning its failure into a store error for `location`. */
  send<T>(location: string, run: () => Promise<T>): Promise<T>;
  contentType: string;
  partBytes?: number;
}

export function createS3Writer(location: string, deps: S3WriterDeps): DocumentWriter {
  const { bucket, key } = parseS3Url(location);
  const partBytes = deps.partBytes ?? S3_WRITER_PART_BYTES;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let uploadId: string | undefined;
  const parts: CompletedPart[] = [];
  let finished = false;

  const take = (): Buffer => {
    const body = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return body;
  };

  async function uploadPart(body: Buffer): Promise<void> {
    uploadId ??= await deps.send(location, async () => {
      const out = await deps.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: deps.contentType }));
      if (!out.UploadId) throw new Error('the server started a multipart upload without an UploadId');
      return out.UploadId;
    });
    const PartNumber = parts.length + 1;
    const id = uploadId;
    const out = await deps.send(location, () => deps.client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: id, PartNumber, Body: body })));
    parts.push({ PartNumber, ...(out.ETag === undefined ? {} : { ETag: out.ETag }) });
  }

  return {
    async write(chunk) {
      if (finished) throw new Error(`${location}: write after close`);
      const bytes = Buffer.from(chunk, 'utf8');
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes >= partBytes) await uploadPart(take());
    },
    async close() {
      if (finished) return;
      finished = true;
      if (uploadId === undefined) {
        const body = take();
        await deps.send(location, () => deps.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: deps.contentType })));
        return;
      }
      if (pendingBytes > 0) await uploadPart(take());
      const id = uploadId;
      await deps.send(location, () => deps.client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id, MultipartUpload: { Parts: parts } })));
    },
    async abort() {
      finished = true;
      pending = [];
      pendingBytes = 0;
      if (uploadId === undefined) return;
      const id = uploadId;
      uploadId = undefined;
      // Best effort: an upload left behind is invisible, and a bucket lifecycle rule removes it.
      await deps.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id })).catch(() => undefined);
    },
  };
}
