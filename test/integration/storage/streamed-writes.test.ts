import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createDocumentActivities, writeResultPart } from '../../../activities/documents';
import { S3_WRITER_PART_BYTES } from '../../../activities/stores/s3-writer';
import type { DocumentResultRecord } from '../../../workflows';
import { createTestBucket, testDocumentStore, testS3Client } from '../../support/s3';

// Outputs written as streams: a multipart upload in a real S3 server
// (SeaweedFS), a file written aside and renamed on disk. Nothing is visible
// before close; an abort leaves what was there. The merge streams through them.
let client: S3Client;
let bucket: string;
let dir: string;

beforeAll(async () => {
  client = testS3Client();
  bucket = await createTestBucket('streamed');
  dir = mkdtempSync(join(tmpdir(), 'tlr-streamed-'));
});
afterAll(() => {
  client.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function getBytes(key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
}

async function exists(key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** A line of about 1 KiB, distinct per number. */
const line = (i: number) => `${JSON.stringify({ i, text: `line ${i} `.repeat(100) })}\n`;

test('an object larger than two parts is uploaded in parts, invisible until close, then whole', async () => {
  const store = testDocumentStore();
  const writer = await store.createWriter(`s3://${bucket}/big/out.jsonl`);
  const hash = createHash('sha256');
  let bytes = 0;
  for (let i = 0; bytes < 2.5 * S3_WRITER_PART_BYTES; i++) {
    const chunk = line(i);
    hash.update(chunk);
    bytes += Buffer.byteLength(chunk);
    await writer.write(chunk);
  }
  // Two parts are uploaded by now, yet no object is there.
  expect(await exists('big/out.jsonl')).toBe(false);
  await writer.close();
  const body = await getBytes('big/out.jsonl');
  expect(body.length).toBe(bytes);
  expect(sha(body)).toBe(hash.digest('hex'));
});

test('a small object is one PutObject; an aborted upload leaves the object that was there', async () => {
  const store = testDocumentStore();
  const small = await store.createWriter(`s3://${bucket}/small.txt`);
  await small.write('one ');
  await small.write('two');
  await small.close();
  expect((await getBytes('small.txt')).toString()).toBe('one two');

  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'kept.jsonl', Body: 'the earlier output\n' }));
  const writer = await store.createWriter(`s3://${bucket}/kept.jsonl`);
  for (let i = 0; i < (S3_WRITER_PART_BYTES / 1000) * 1.2; i++) await writer.write(line(i));
  await writer.abort();
  expect((await getBytes('kept.jsonl')).toString()).toBe('the earlier output\n');
});

test('on disk: written aside, renamed on close; an abort leaves the old file and no temporary one', async () => {
  const store = testDocumentStore();
  const path = join(dir, 'nested', 'out.jsonl');
  const writer = await store.createWriter(path);
  for (let i = 0; i < 3000; i++) await writer.write(line(i));
  expect(existsSync(path)).toBe(false);
  await writer.close();
  expect(sha(readFileSync(path))).toBe(sha(Array.from({ length: 3000 }, (_, i) => line(i)).join('')));

  writeFileSync(join(dir, 'kept.txt'), 'old');
  const aborted = await store.createWriter(join(dir, 'kept.txt'));
  await aborted.write('new');
  await aborted.abort();
  expect(readFileSync(join(dir, 'kept.txt'), 'utf8')).toBe('old');
  expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
});

test('the merge streams more result objects than a listing page into one JSONL and markdown, in order, each once', async () => {
  const store = testDocumentStore();
  const partsDir = `s3://${bucket}/merge/out.jsonl.parts`;
  const count = 1_234;
  const records: DocumentResultRecord[] = Array.from({ length: count }, (_, index) => (
    index % 100 === 7
      ? { index, id: `d${index}`, path: `p${index}`, status: 'failed', errorClass: 'EmptyDocumentError', error: `d${index} is empty` }
      : { index, id: `d${index}`, path: `p${index}`, status: 'ok', summary: `summary ${index}` }
  ));
  // Written out of order, as concurrent activities would.
  const shuffled = [...records].reverse();
  for (let i = 0; i < shuffled.length; i += 64) await Promise.all(shuffled.slice(i, i + 64).map((r) => writeResultPart({ documents: store }, partsDir, r)));
  const activities = createDocumentActivities({ documents: store });
  const output = { jsonlPath: `s3://${bucket}/merge/out.jsonl`, markdownPath: `s3://${bucket}/merge/out.md` };
  await expect(activities.mergeResults({ partsDir, output })).resolves.toEqual({ written: count, failed: 13 });
  const lines = (await getBytes('merge/out.jsonl')).toString().split('\n');
  expect(lines.pop()).toBe('');
  expect(lines.map((l) => JSON.parse(l) as DocumentResultRecord)).toEqual(records);
  const markdown = (await getBytes('merge/out.md')).toString();
  expect(markdown.startsWith('## d0\n\nsummary 0\n\n## d1\n')).toBe(true);
  expect(markdown).toContain('## d7\n\n_failed: EmptyDocumentError: d7 is empty_\n');
  expect(markdown.endsWith(`## d${count - 1}\n\nsummary ${count - 1}\n`)).toBe(true);
  expect(markdown.split('\n## ').length).toBe(count);
});
