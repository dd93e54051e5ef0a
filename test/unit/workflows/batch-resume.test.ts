import { resumeCursor } from '../../../workflows/batch-resume';
import type { DocRef } from '../../../workflows';

const file = (index: number): DocRef => ({ index, id: `doc-${index}.txt`, path: `s3://b/in/doc-${index}.txt` });
const line = (index: number, offset: number): DocRef => ({ index, id: `d${index}`, path: 's3://b/in.jsonl', offset, length: 10 });

test('a folder or prefix resumes after the name of the last document launched, so the next run lists nothing twice', () => {
  expect(resumeCursor(file(7), { index: 10, after: 'doc-9.txt' }, file(6), true)).toEqual({ index: 7, after: 'doc-6.txt' });
});

test('runs of the older rules (no patch marker) resume by index, as their replays expect', () => {
  expect(resumeCursor(file(7), { index: 10, after: 'doc-9.txt' }, file(6), false)).toEqual({ index: 7 });
});

test('by index when the previous reference is not the one just before (nothing launched in this run yet)', () => {
  expect(resumeCursor(file(7), null, undefined, true)).toEqual({ index: 7 });
  expect(resumeCursor(file(7), null, file(3), true)).toEqual({ index: 7 });
});

test('JSONL resumes at the byte offset of the next line; an empty buffer at the page cursor', () => {
  expect(resumeCursor(line(4, 400), null, line(3, 300), true)).toEqual({ index: 4, byteOffset: 400 });
  expect(resumeCursor(undefined, { index: 10, after: 'doc-9.txt' }, file(9), true)).toEqual({ index: 10, after: 'doc-9.txt' });
  expect(resumeCursor(undefined, null, file(9), true)).toBeNull();
});
