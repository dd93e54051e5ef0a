import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createDocumentActivities, loadDocument } from '../../../activities/documents';
import { createS3DocumentStore } from '../../../activities/stores/s3-store';
import type { DocRef, DocumentResultRecord, DocumentSource } from '../../../workflows';
import { createTestBucket, testDocumentStore, testS3Client, testS3Env } from '../../support/s3';

// The S3 store and the batch's document activities against a real S3 server
// (SeaweedFS, started by globalSetup): listing by prefix across pages, JSONL
// objects read by byte range, the merged output object and the parts cleanup.
let client: S3Client;
let bucket: string;

beforeAll(async () => {
  client = testS3Client();
  bucket = await createTestBucket('store');
});
afterAll(() => client.destroy());

async function put(key: string, body: string | Uint8Array): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

async function getText(key: string): Promise<string> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await out.Body?.transformToString()) ?? '';
}

async function exists(key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

test('a prefix with more objects than a listing page is listed whole, in order, and resumes after a name', async () => {
  const names = Array.from({ length: 23 }, (_, i) => `doc-${String(i).padStart(2, '0')}.txt`);
  await Promise.all(names.map((n) => put(`paged/${n}`, `text of ${n}`)));
  await put('paged/nested/deep.md', 'deep');
  await put('paged-sibling/not-mine.txt', 'a key that shares the prefix string but not the folder');
  // Five keys per ListObjectsV2 request: the 24 keys take five pages.
  const store = createS3DocumentStore({ env: testS3Env(), listPageSize: 5 });
  expect(await collect(store.list(`s3://${bucket}/paged`, { recursive: true }))).toEqual([...names, 'nested/deep.md']);
  expect(await collect(store.list(`s3://${bucket}/paged/`, { recursive: false }))).toEqual(names);
  expect(await collect(store.list(`s3://${bucket}/paged`, { recursive: true, after: 'doc-20.txt' }))).toEqual(['doc-21.txt', 'doc-22.txt', 'nested/deep.md']);

  // The batch's listing pages by cursor: every document exactly once, across pages.
  const activities = createDocumentActivities({ documents: testDocumentStore(5) });
  const source: DocumentSource = { kind: 's3', url: `s3://${bucket}/paged` };
  expect(await activities.countDocuments({ source })).toBe(24);
  const seen: string[] = [];
  let cursor: Parameters<typeof activities.listDocuments>[0]['cursor'] | null = { index: 0 };
  while (cursor !== null) {
    const page: Awaited<ReturnType<typeof activities.listDocuments>> = await activities.listDocuments({ source, cursor, limit: 7 });
    expect(page.refs.map((r) => r.index)).toEqual(page.refs.map((_, i) => (cursor?.index ?? 0) + i));
    seen.push(...page.refs.map((r) => r.id));
    cursor = page.next;
  }
  expect(seen).toEqual([...names, 'nested/deep.md']);
  const first = await activities.listDocuments({ source, cursor: { index: 0 }, limit: 1 });
  expect(first.refs[0]).toEqual({ index: 0, id: 'doc-00.txt', path: `s3://${bucket}/paged/doc-00.txt` });
  expect(await loadDocument({ documents: testDocumentStore() }, source, first.refs[0] as DocRef)).toEqual({ ok: true, text: 'text of doc-00.txt' });

  // Globs match keys as they match paths.
  const globbed = (pattern: string) => activities.listDocuments({ source: { kind: 'glob', pattern }, cursor: { index: 0 }, limit: 50 }).then((p) => p.refs.map((r) => r.id));
  expect(await globbed(`s3://${bucket}/paged/**/*.md`)).toEqual(['nested/deep.md']);
  expect(await globbed(`s3://${bucket}/paged/doc-1?.txt`)).toEqual(names.slice(10, 20));
});

test('the default page of 1,000 keys: a listing of 1,003 objects crosses it', async () => {
  const keys = Array.from({ length: 1003 }, (_, i) => `big/${String(i).padStart(4, '0')}.txt`);
  for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((k) => put(k, 'x')));
  const listed = await collect(testDocumentStore().list(`s3://${bucket}/big`, { recursive: true }));
  expect(listed).toHaveLength(1003);
  expect(listed[999]).toBe('0999.txt');
  expect(listed[1002]).toBe('1002.txt');
  // Removing a prefix of more than one DeleteObjects call's worth.
  await testDocumentStore().removeAll(`s3://${bucket}/big`);
  expect(await collect(testDocumentStore().list(`s3://${bucket}/big`, { recursive: true }))).toEqual([]);
});

test('a JSONL object pages by byte offset and each reference reads back its own line with a Range GET', async () => {
  const lines = ['{"id":"a","text":"alpha"}', '', '{"id":7,"text":"béta ünïcode"}', '{"text":"no id"}', '{"id":"d","text":"delta"}'];
  await put('jsonl/docs.jsonl', lines.join('\n'));
  const store = testDocumentStore();
  const activities = createDocumentActivities({ documents: store });
  const source: DocumentSource = { kind: 's3', url: `s3://${bucket}/jsonl/docs.jsonl` };
  expect(await activities.countDocuments({ source })).toBe(4);
  const first = await activities.listDocuments({ source, cursor: { index: 0 }, limit: 2 });
  expect(first.refs.map((r) => [r.index, r.id])).toEqual([[0, 'a'], [1, '7']]);
  const second = await activities.listDocuments({ source, cursor: first.next!, limit: 2 });
  expect(second.refs.map((r) => [r.index, r.id])).toEqual([[2, 'line-3'], [3, 'd']]);
  expect(second.next).toBeNull();
  expect(await loadDocument({ documents: store }, source, first.refs[1] as DocRef)).toEqual({ ok: true, text: 'béta ünïcode' });
  // The same object as a `jsonl` source with an s3:// path reads the same way.
  expect(await activities.countDocuments({ source: { kind: 'jsonl', path: `s3://${bucket}/jsonl/docs.jsonl` } })).toBe(4);
  // Byte ranges themselves: inside, across the end, past the end.
  const url = `s3://${bucket}/jsonl/docs.jsonl`;
  expect((await store.readRange(url, 2, 2)).toString()).toBe('id');
  const total = Buffer.byteLength(lines.join('\n'));
  expect((await store.readRange(url, total - 3, 10)).toString()).toBe('a"}');
  expect((await store.readRange(url, total + 5, 10)).length).toBe(0);
});

test('merging writes one JSONL object (and markdown), then the parts prefix is removed', async () => {
  const store = testDocumentStore();
  const activities = createDocumentActivities({ documents: store });
  const partsDir = `s3://${bucket}/out/result.jsonl.parts`;
  const record = (index: number): DocumentResultRecord => ({ index, id: `d${index}`, path: 'p', status: 'ok', summary: `s${index}` });
  await activities.writeDocumentResult({ partsDir, record: record(2) });
  await activities.writeDocumentResult({ partsDir, record: record(0) });
  await activities.writeDocumentResult({ partsDir, record: record(2) });
  await activities.writeDocumentResult({ partsDir, record: { ...record(1), status: 'failed', errorClass: 'EmptyDocumentError', error: 'empty' } });
  expect(await exists('out/result.jsonl.parts/0000000002.json')).toBe(true);
  const output = { jsonlPath: `s3://${bucket}/out/result.jsonl`, markdownPath: `s3://${bucket}/out/result.md` };
  expect(await new MockActivityEnvironment().run(activities.mergeResults, { partsDir, output })).toEqual({ written: 3, failed: 1 });
  expect((await getText('out/result.jsonl')).trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['d0', 'd1', 'd2']);
  expect(await getText('out/result.md')).toContain('_failed: EmptyDocumentError: empty_');
  await activities.removeResultParts({ partsDir });
  expect(await collect(store.list(partsDir, { recursive: true }))).toEqual([]);
  expect(await exists('out/result.jsonl')).toBe(true);
  // Removing again (a retried activity) is harmless.
  await activities.removeResultParts({ partsDir });
});

test('a key that names one object is that one document', async () => {
  await put('single/report.md', '# Report\n\nOne document.');
  const activities = createDocumentActivities({ documents: testDocumentStore() });
  const source: DocumentSource = { kind: 's3', url: `s3://${bucket}/single/report.md` };
  expect(await activities.countDocuments({ source })).toBe(1);
  const page = await activities.listDocuments({ source, cursor: { index: 0 }, limit: 10 });
  expect(page).toEqual({ refs: [{ index: 0, id: 'report.md', path: `s3://${bucket}/single/report.md` }], next: null });
});

test('a missing bucket or object, and refused credentials, are one clear line each', async () => {
  const activities = createDocumentActivities({ documents: testDocumentStore() });
  const noBucket = await activities.countDocuments({ source: { kind: 's3', url: 's3://no-such-bucket-here/docs' } }).catch((e: unknown) => e);
  expect(noBucket).toMatchObject({ type: 'SourceNotFoundError', nonRetryable: true, message: 'document source s3://no-such-bucket-here/docs: no such bucket "no-such-bucket-here"' });
  const noObject = await activities.countDocuments({ source: { kind: 's3', url: `s3://${bucket}/nothing/here.jsonl` } }).catch((e: unknown) => e);
  expect(noObject).toMatchObject({ type: 'SourceNotFoundError', message: `document source s3://${bucket}/nothing/here.jsonl: no such object` });

  const source: DocumentSource = { kind: 's3', url: `s3://${bucket}/gone` };
  const missing = await loadDocument({ documents: testDocumentStore() }, source, { index: 0, id: 'x.txt', path: `s3://${bucket}/gone/x.txt` });
  expect(missing).toEqual({ ok: false, errorClass: 'DocumentNotFoundError', message: `s3://${bucket}/gone/x.txt: no such object` });

  await put('secret/doc.txt', 'text');
  const wrongKey = createS3DocumentStore({ env: { ...testS3Env(), AWS_SECRET_ACCESS_KEY: 'not-the-secret' } });
  const refused = await loadDocument({ documents: wrongKey }, source, { index: 0, id: 'doc.txt', path: `s3://${bucket}/secret/doc.txt` });
  expect(refused).toMatchObject({ ok: false, errorClass: 'DocumentUnreadableError' });
  expect((refused as { message: string }).message).toMatch(new RegExp(`^s3://${bucket}/secret/doc.txt: access denied by http://127\\.0\\.0\\.1:\\d+ \\(SignatureDoesNotMatch\\)$`));

  const down = createS3DocumentStore({ env: { ...testS3Env(), AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9' } });
  await expect(down.readFile(`s3://${bucket}/secret/doc.txt`)).rejects.toThrow(`s3://${bucket}/secret/doc.txt: cannot reach the S3 endpoint http://127.0.0.1:9 (ECONNREFUSED)`);
});

test('documents in other formats are read from a bucket too: HTML and binary', async () => {
  await put('formats/page.html', '<html><body><nav>Home | About</nav><main><h1>Title</h1><p>Body text.</p></main></body></html>');
  await put('formats/blob.txt', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01, 0x02]));
  const deps = { documents: testDocumentStore() };
  const source: DocumentSource = { kind: 's3', url: `s3://${bucket}/formats` };
  expect(await loadDocument(deps, source, { index: 0, id: 'page.html', path: `s3://${bucket}/formats/page.html` })).toEqual({ ok: true, text: 'Title\n\nBody text.' });
  expect(await loadDocument(deps, source, { index: 1, id: 'blob.txt', path: `s3://${bucket}/formats/blob.txt` })).toMatchObject({ ok: false, errorClass: 'InvalidDocumentError' });
});
