import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createFsDocumentStore } from '../../../activities/document-store';
import { createDocumentActivities, loadDocument } from '../../../activities/documents';
import { globToRegExp, splitGlob } from '../../../activities/glob';
import type { DocRef, DocumentSource } from '../../../workflows';

// The batch's file side, on a temporary directory: listing by reference,
// reading by byte range, and the merge that makes each document appear once.
let dir: string;
const deps = { documents: createFsDocumentStore() };
const activities = createDocumentActivities(deps);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tlr-docs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('JSONL pages by byte offset: references only, ids from the id field, blank lines skipped', async () => {
  const path = join(dir, 'd.jsonl');
  writeFileSync(path, ['{"id":"a","text":"alpha"}', '', '{"id":7,"text":"béta ünïcode"}', '{"text":"no id"}', '{"id":"d","text":"delta"}'].join('\n'));
  const source: DocumentSource = { kind: 'jsonl', path };
  expect(await activities.countDocuments({ source })).toBe(4);
  const first = await activities.listDocuments({ source, cursor: { index: 0 }, limit: 2 });
  expect(first.refs.map((r) => [r.index, r.id])).toEqual([[0, 'a'], [1, '7']]);
  expect(first.next).not.toBeNull();
  const second = await activities.listDocuments({ source, cursor: first.next!, limit: 2 });
  expect(second.refs.map((r) => [r.index, r.id])).toEqual([[2, 'line-3'], [3, 'd']]);
  expect(second.next).toBeNull();
  // A reference reads back exactly its own line, multi-byte text included.
  expect(await loadDocument(deps, source, first.refs[1] as DocRef)).toEqual({ ok: true, text: 'béta ünïcode' });
});

test('unreadable documents are named answers, not crashes', async () => {
  const source: DocumentSource = { kind: 'directory', path: dir };
  const missing = await loadDocument(deps, source, { index: 0, id: 'gone.txt', path: join(dir, 'gone.txt') });
  expect(missing).toMatchObject({ ok: false, errorClass: 'DocumentNotFoundError' });
  writeFileSync(join(dir, 'blank.txt'), '\n\n');
  expect(await loadDocument(deps, source, { index: 0, id: 'blank.txt', path: join(dir, 'blank.txt') })).toMatchObject({ ok: false, errorClass: 'EmptyDocumentError' });
  await expect(activities.countDocuments({ source: { kind: 'jsonl', path: join(dir, 'none.jsonl') } })).rejects.toMatchObject({ type: 'SourceNotFoundError', nonRetryable: true });
});

test('directories filter by extension, globs match ** across folders, both sorted', async () => {
  mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
  for (const f of ['b.txt', 'a.md', 'c.bin', 'sub/x.md', 'sub/deeper/y.md']) writeFileSync(join(dir, f), 'text');
  const fromDir = await activities.listDocuments({ source: { kind: 'directory', path: dir }, cursor: { index: 0 }, limit: 10 });
  expect(fromDir.refs.map((r) => r.id)).toEqual(['a.md', 'b.txt']);
  const fromGlob = await activities.listDocuments({ source: { kind: 'glob', pattern: '**/*.md', cwd: dir }, cursor: { index: 0 }, limit: 10 });
  expect(fromGlob.refs.map((r) => r.id)).toEqual(['a.md', 'sub/deeper/y.md', 'sub/x.md']);
  expect(splitGlob('/data/in/**/*.txt')).toEqual({ base: '/data/in', rest: '**/*.txt' });
  expect(globToRegExp('*.md').test('sub/x.md')).toBe(false);
  expect(globToRegExp('sub/?.md').test('sub/x.md')).toBe(true);
});

test('a result written twice (a retried activity) appears once in the merged JSONL, in input order', async () => {
  const partsDir = join(dir, 'out.jsonl.parts');
  const record = (index: number) => ({ index, id: `d${index}`, path: 'p', status: 'ok' as const, summary: `s${index}` });
  await activities.writeDocumentResult({ partsDir, record: record(2) });
  await activities.writeDocumentResult({ partsDir, record: record(0) });
  await activities.writeDocumentResult({ partsDir, record: record(2) });
  await activities.writeDocumentResult({ partsDir, record: { ...record(1), status: 'failed', summary: undefined, errorClass: 'EmptyDocumentError', error: 'empty' } });
  const output = { jsonlPath: join(dir, 'out.jsonl'), markdownPath: join(dir, 'out.md') };
  const merged = await new MockActivityEnvironment().run(activities.mergeResults, { partsDir, output });
  expect(merged).toEqual({ written: 3, failed: 1 });
  const lines = readFileSync(output.jsonlPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string });
  expect(lines.map((l) => l.id)).toEqual(['d0', 'd1', 'd2']);
  expect(readFileSync(output.markdownPath, 'utf8')).toContain('_failed: EmptyDocumentError: empty_');
});
