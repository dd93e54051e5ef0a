import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsDocumentStore } from '../../../activities/document-store';
import { createDocumentActivities, loadDocument } from '../../../activities/documents';
import type { DocumentFormat, DocumentSource } from '../../../workflows';
import { articleHtml, HTML_NOISE, scannedPdf, textPdf } from '../../support/document-files';

// Real files in every format a batch reads, made here: what text each turns
// into, and which named error a file that holds no readable text gets.
let dir: string;
const deps = { documents: createFsDocumentStore() };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tlr-formats-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function load(path: string, format?: DocumentFormat) {
  const source: DocumentSource = { kind: 'directory', path: dir, ...(format === undefined ? {} : { format }) };
  return loadDocument(deps, source, { index: 0, id: path.slice(dir.length + 1), path });
}

test('a multi-page PDF gives the text of every page, in order, pages a blank line apart', async () => {
  const path = file('report.pdf', await textPdf([
    ['Quarterly report', 'Revenue grew in every region.'],
    ['Second page: costs', 'Provider spend fell by a third.'],
    ['Third page: outlook'],
  ]));
  const loaded = await load(path);
  expect(loaded.ok).toBe(true);
  const text = (loaded as { text: string }).text;
  expect(text).toContain('Quarterly report');
  expect(text).toContain('Provider spend fell by a third.');
  expect(text.indexOf('Revenue grew')).toBeLessThan(text.indexOf('Second page'));
  expect(text.indexOf('Second page')).toBeLessThan(text.indexOf('Third page'));
  expect(text.split('\n\n')).toHaveLength(3);
});

test('a scanned PDF (page images, no text layer) fails with DocumentUnreadableError that says so', async () => {
  const path = file('scan.pdf', await scannedPdf(2));
  expect(await load(path)).toEqual({ ok: false, errorClass: 'DocumentUnreadableError', message: `${path}: scanned PDF: 2 pages and no text layer (run OCR on it first)` });
});

test('a file that claims to be a PDF but is broken is an InvalidDocumentError', async () => {
  const truncated = (await textPdf([['cut short']])).subarray(0, 200);
  expect(await load(file('broken.pdf', truncated))).toMatchObject({ ok: false, errorClass: 'InvalidDocumentError' });
  expect(await load(file('not-really.pdf', 'plain words'))).toMatchObject({ ok: false, errorClass: 'InvalidDocumentError', message: expect.stringContaining('not a PDF') });
});

test('HTML becomes the article text: navigation, header, footer, sidebar, scripts and styles dropped, structure kept as lines', async () => {
  const loaded = await load(file('page.html', articleHtml()));
  expect(loaded.ok).toBe(true);
  const text = (loaded as { text: string }).text;
  for (const noise of HTML_NOISE) expect(text).not.toContain(noise);
  expect(text).toContain('Routing that survives outages');
  expect(text).toContain('Every provider call is a Temporal activity with its own retry policy.');
  expect(text).not.toContain('https://example.test');
  expect(text).toMatch(/Fallbacks\n\nWhen a deployment fails/);
  expect(text).toContain('* Cooldowns are kept in workflow state.');
});

test('HTML in another declared charset is decoded by it', async () => {
  const latin1 = Buffer.from('<html><head><meta charset="iso-8859-1"></head><body><p>Caf\xe9 cr\xe8me</p></body></html>', 'latin1');
  expect(await load(file('old.htm', latin1))).toEqual({ ok: true, text: 'Café crème' });
});

test('Markdown is read as written, so its headings stay for chunking', async () => {
  const md = '# Title\n\nA paragraph.\n\n## Section\n\n- item\n';
  expect(await load(file('notes.md', md))).toEqual({ ok: true, text: md });
});

test('binary or undecodable files are InvalidDocumentError, never text', async () => {
  const cases: Array<[string, Uint8Array | string, RegExp]> = [
    ['image.txt', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]), /NUL bytes/],
    ['latin1.txt', Buffer.from('r\xe9sum\xe9 in Latin-1', 'latin1'), /not valid UTF-8/],
    ['control.txt', `${'\x01\x02\x03\x04\x05\x06\x07\x08'.repeat(20)} some words`, /control characters/],
  ];
  for (const [name, content, reason] of cases) {
    const loaded = await load(file(name, content));
    expect(loaded).toMatchObject({ ok: false, errorClass: 'InvalidDocumentError' });
    expect((loaded as { message: string }).message).toMatch(reason);
  }
  // Text with a few escape codes (a coloured log) is still text.
  expect(await load(file('log.txt', 'build \x1b[32mpassed\x1b[0m in 3 s\n'))).toMatchObject({ ok: true });
  // UTF-16 with its byte-order mark is text, not binary.
  expect(await load(file('wide.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('wide text', 'utf16le')])))).toEqual({ ok: true, text: 'wide text' });
});

test('the format option overrides the extension, and a PDF without an extension is recognised by its header', async () => {
  const path = file('page.txt', articleHtml());
  expect((await load(path)) as { text: string }).toMatchObject({ ok: true, text: expect.stringContaining('SiteNavigationLink') });
  expect((await load(path, 'html')) as { text: string }).toMatchObject({ ok: true, text: expect.not.stringContaining('SiteNavigationLink') });
  const pdf = file('download', await textPdf([['no extension here']]));
  expect(await load(pdf)).toEqual({ ok: true, text: 'no extension here' });
});

test('a JSONL text field is checked like a file, and converted when the source says it is HTML', async () => {
  const path = file('d.jsonl', [
    JSON.stringify({ id: 'h', text: '<nav>menu</nav><p>Kept paragraph.</p>' }),
    JSON.stringify({ id: 'bin', text: '\u0000\u0001binary' }),
  ].join('\n'));
  const source: DocumentSource = { kind: 'jsonl', path, format: 'html' };
  const page = await createDocumentActivities(deps).listDocuments({ source, cursor: { index: 0 }, limit: 10 });
  expect(await loadDocument(deps, source, page.refs[0]!)).toEqual({ ok: true, text: 'Kept paragraph.' });
  expect(await loadDocument(deps, source, page.refs[1]!)).toMatchObject({ ok: false, errorClass: 'InvalidDocumentError' });
});

test('a directory lists PDF and HTML files by default, beside text and Markdown', async () => {
  for (const name of ['a.txt', 'b.md', 'c.html', 'd.htm', 'e.pdf', 'f.bin', 'g.docx']) file(name, 'x');
  const page = await createDocumentActivities(deps).listDocuments({ source: { kind: 'directory', path: dir }, cursor: { index: 0 }, limit: 20 });
  expect(page.refs.map((r) => r.id)).toEqual(['a.txt', 'b.md', 'c.html', 'd.htm', 'e.pdf']);
});
