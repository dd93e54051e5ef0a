// The file side of a batch's guards, on a temporary directory: the output
// check before any provider call, writes that leave no temp files, the token
// cap that stops counting early, and what a resumed batch finds of an earlier
// run (finished documents, finished chunk summaries).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'gpt-tokenizer';
import { createFsDocumentStore } from '../../../activities/document-store';
import { createDocumentActivities, tokenCountWithin, tokenSlice, writeChunkPart } from '../../../activities/documents';
import type { DocumentSource } from '../../../workflows';

let dir: string;
const deps = { documents: createFsDocumentStore() };
const activities = createDocumentActivities(deps);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tlr-guards-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('the output check refuses a directory and a path under a file, and accepts a file in folders still to be made', async () => {
  mkdirSync(join(dir, 'out-dir'));
  await expect(activities.checkOutput({ output: { jsonlPath: join(dir, 'out-dir') } })).rejects.toMatchObject({
    type: 'OutputNotWritableError',
    nonRetryable: true,
    message: `output ${join(dir, 'out-dir')}: is a directory (expected a file path for the output JSONL)`,
  });
  writeFileSync(join(dir, 'plain'), 'x');
  await expect(activities.checkOutput({ output: { jsonlPath: join(dir, 'plain', 'out.jsonl') } })).rejects.toMatchObject({
    type: 'OutputNotWritableError',
    message: `output ${join(dir, 'plain', 'out.jsonl')}: ${join(dir, 'plain')} is not a directory`,
  });
  await expect(activities.checkOutput({ output: { jsonlPath: join(dir, 'new', 'deeper', 'out.jsonl'), markdownPath: join(dir, 'digest.md') } })).resolves.toBeUndefined();
});

test('a write that fails leaves no temporary file behind', async () => {
  mkdirSync(join(dir, 'taken'));
  await expect(deps.documents.writeFileAtomic(join(dir, 'taken'), 'data')).rejects.toThrow();
  expect(readdirSync(dir)).toEqual(['taken']);
});

test('the token cap stops counting at the cap; slices come from the same encoding as the count', async () => {
  const text = 'The mill wheel turns all day, and the miller counts his sacks. '.repeat(20_000);
  const whole = encode(text).length;
  expect(await tokenCountWithin(text, whole - 1, 'a')).toBeNull();
  const counted = await tokenCountWithin(text, whole + 10, 'a');
  expect(counted).not.toBeNull();
  // Encoded in pieces cut before spaces: the same tokens as one pass over this text.
  expect(counted).toBe(whole);
  const size = 50_000;
  let joined = '';
  for (let start = 0; start < (counted as number); start += size) joined += await tokenSlice(text, [start, Math.min(counted as number, start + size)], 'a');
  expect(joined).toBe(text);
});

test('a resumed listing marks documents an earlier run summarised; chunk summaries of the same split are found', async () => {
  const docs = join(dir, 'docs');
  mkdirSync(docs);
  for (const f of ['a.txt', 'b.txt', 'c.txt']) writeFileSync(join(docs, f), `text of ${f}`);
  const partsDir = join(dir, 'out.jsonl.parts');
  await activities.writeDocumentResult({ partsDir, record: { index: 0, id: 'a.txt', path: join(docs, 'a.txt'), status: 'ok', summary: 's' } });
  await activities.writeDocumentResult({ partsDir, record: { index: 1, id: 'b.txt', path: join(docs, 'b.txt'), status: 'failed', errorClass: 'X', error: 'x' } });
  // A part of another document at this index (the source changed) is not reused.
  await activities.writeDocumentResult({ partsDir, record: { index: 2, id: 'other.txt', path: 'p', status: 'ok', summary: 's' } });
  const source: DocumentSource = { kind: 'directory', path: docs };
  const page = await activities.listDocuments({ source, cursor: { index: 0 }, limit: 10, reuseFrom: partsDir });
  expect(page.refs.map((r) => [r.id, r.reused === true])).toEqual([['a.txt', true], ['b.txt', false], ['c.txt', false]]);
  await writeChunkPart(deps, partsDir, 1, { part: 0, of: 3, summary: 'first', servedBy: 'd', costUsd: 0.1 });
  await writeChunkPart(deps, partsDir, 1, { part: 2, of: 3, summary: 'third', servedBy: 'd', costUsd: 0.1 });
  await writeChunkPart(deps, partsDir, 1, { part: 1, of: 4, summary: 'another split', servedBy: 'd', costUsd: 0.1 });
  await writeChunkPart(deps, partsDir, 11, { part: 0, of: 3, summary: 'document 11', servedBy: 'd', costUsd: 0.1 });
  expect(await activities.loadChunkParts({ partsDir, docIndex: 1, of: 3 })).toEqual({ 0: 'first', 2: 'third' });
  expect(await activities.loadChunkParts({ partsDir: join(dir, 'none'), docIndex: 1, of: 3 })).toEqual({});
  // The merge reads only the per-document files, never the chunk folder.
  expect((await activities.mergeResults({ partsDir, output: { jsonlPath: join(dir, 'out.jsonl') } })).written).toBe(3);
});
