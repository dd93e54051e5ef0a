// Batch document I/O. The workflow only ever holds references (path, index,
// byte range); these activities read the text, count its tokens and write
// one result file per document, which the final merge turns into the JSONL.
// Every location may be a local path or an `s3://` URL (see document-store.ts).
import { Context } from '@temporalio/activity';
import { decode, encode } from 'gpt-tokenizer';
import type {
  DocRef,
  DocumentPage,
  DocumentResultRecord,
  DocumentSource,
  ListCursor,
  BatchOutput,
} from '../workflows/batch-types';
import { isS3Url, parseS3Url, sourceLocation } from '../workflows/locations';
import { documentFailure } from '../src/temporal/to-application-failure';
import { childLocation, type DocumentStore } from './document-store';
import { decodeDocument, decodeField, DocumentFormatError } from './formats';
import { globToRegExp, splitGlob } from './glob';
import { inOrderWindow } from './ordered-window';

export const DEFAULT_TEXT_FIELD = 'text';
export const DEFAULT_ID_FIELD = 'id';
export const DEFAULT_DIRECTORY_EXTENSIONS = ['.txt', '.md', '.markdown', '.html', '.htm', '.pdf'];

export interface DocumentDeps {
  documents: DocumentStore;
}

/** Items between heartbeats of a long listing or merge. */
const HEARTBEAT_EVERY = 500;

/**
 * Heartbeats when running as an activity: counting a large bucket prefix
 * takes longer than the listing activities' heartbeat timeout. A no-op when
 * the function is called directly (tests, scripts).
 */
function heartbeat(done: number): void {
  if (done % HEARTBEAT_EVERY !== 0) return;
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return;
  }
  context.heartbeat(done);
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function unreadable(err: unknown, path: string): { errorClass: string; message: string } {
  const code = errorCode(err);
  // Store errors carry their own cause ("no such bucket", "access denied by …").
  const reason = (err as { reason?: unknown } | null)?.reason;
  const said = typeof reason === 'string' ? reason : undefined;
  if (code === 'ENOENT') return { errorClass: 'DocumentNotFoundError', message: `${path}: ${said ?? 'no such file'}` };
  if (code === 'EACCES' || code === 'EPERM') return { errorClass: 'DocumentUnreadableError', message: `${path}: ${said ?? 'permission denied'}` };
  if (code === 'EISDIR') return { errorClass: 'DocumentUnreadableError', message: `${path}: is a directory` };
  return { errorClass: 'DocumentUnreadableError', message: `${path}: ${said ?? (err instanceof Error ? err.message : String(err))}` };
}

/** A source read as one JSONL file or object. */
interface JsonlPlan {
  mode: 'jsonl';
  location: string;
  idField: string;
}

/** A source read as many files: those under `dir` that `accept` lets through. */
interface FilesPlan {
  mode: 'files';
  dir: string;
  recursive: boolean;
  accept: (name: string) => boolean;
  /** A bucket key that may name one object rather than a prefix: the fallback when the prefix holds nothing. */
  single?: string;
}

function byExtension(extensions: string[] | undefined): (name: string) => boolean {
  const list = (extensions ?? DEFAULT_DIRECTORY_EXTENSIONS).map((e) => e.toLowerCase());
  return (name) => list.some((e) => name.toLowerCase().endsWith(e));
}

function planFor(source: DocumentSource): JsonlPlan | FilesPlan {
  const idField = (source.kind === 'jsonl' || source.kind === 's3' ? source.idField : undefined) ?? DEFAULT_ID_FIELD;
  if (source.kind === 'jsonl') return { mode: 'jsonl', location: source.path, idField };
  if (source.kind === 'directory') return { mode: 'files', dir: source.path, recursive: false, accept: byExtension(source.extensions) };
  if (source.kind === 'glob') {
    const { base, rest } = splitGlob(source.pattern);
    const dir = source.cwd !== undefined && !base.startsWith('/') && !isS3Url(base) ? childLocation(source.cwd, base) : base;
    const matcher = globToRegExp(rest);
    return { mode: 'files', dir, recursive: rest.includes('**') || rest.includes('/'), accept: (name) => matcher.test(name) };
  }
  const { key } = parseS3Url(source.url);
  if (/\.jsonl$/i.test(key)) return { mode: 'jsonl', location: source.url, idField };
  // A bucket has no folders: a prefix is everything below it.
  return { mode: 'files', dir: source.url, recursive: true, accept: byExtension(source.extensions), ...(key === '' || key.endsWith('/') ? {} : { single: source.url }) };
}

function sourceFailure(err: unknown, source: DocumentSource): never {
  const { errorClass, message } = unreadable(err, sourceLocation(source));
  throw documentFailure(errorClass === 'DocumentNotFoundError' ? 'SourceNotFoundError' : 'SourceUnreadableError', `document source ${message}`);
}

function isBlank(line: Buffer): boolean {
  for (const byte of line) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return true;
}

/**
 * The non-blank lines of a JSONL file or object from byte `start`, with their
 * byte offsets, read as a stream: memory holds one chunk and one line, however
 * large the file.
 */
async function* jsonlLines(store: DocumentStore, location: string, start: number): AsyncGenerator<{ offset: number; line: Buffer }> {
  let pending: Buffer = Buffer.alloc(0);
  let pendingOffset = start;
  for await (const chunk of store.readStream(location, start)) {
    const buffer = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let position = 0;
    for (;;) {
      const end = buffer.indexOf(0x0a, position);
      if (end === -1) break;
      const line = buffer.subarray(position, end);
      if (!isBlank(line)) yield { offset: pendingOffset + position, line };
      position = end + 1;
    }
    pending = buffer.subarray(position);
    pendingOffset += position;
  }
  if (pending.length > 0 && !isBlank(pending)) yield { offset: pendingOffset, line: pending };
}

function jsonlId(line: Buffer, idField: string, index: number): string {
  try {
    const value = (JSON.parse(line.toString('utf8')) as Record<string, unknown>)[idField];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  } catch {
    // An unparsable line still gets a reference; reading it reports the problem for this document alone.
  }
  return `line-${index + 1}`;
}

/** Matching names of a files plan, in order, after `after`; a lone object when a bucket key names one. */
async function* matchingFiles(deps: DocumentDeps, plan: FilesPlan, after?: string): AsyncGenerator<{ name: string; location: string }> {
  let any = false;
  for await (const name of deps.documents.list(plan.dir, { recursive: plan.recursive, ...(after === undefined ? {} : { after }) })) {
    any = true;
    if (plan.accept(name)) yield { name, location: childLocation(plan.dir, name) };
  }
  if (any || after !== undefined || plan.single === undefined) return;
  try {
    await deps.documents.readRange(plan.single, 0, 1);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return;
    throw err;
  }
  const key = parseS3Url(plan.single).key;
  yield { name: key.slice(key.lastIndexOf('/') + 1), location: plan.single };
}

async function readDocumentText(deps: DocumentDeps, source: DocumentSource, doc: DocRef): Promise<string> {
  if (doc.offset === undefined || doc.length === undefined) {
    return decodeDocument(await deps.documents.readFile(doc.path), doc.path, source.format);
  }
  const line = (await deps.documents.readRange(doc.path, doc.offset, doc.length)).toString('utf8');
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (err) {
    throw new DocumentFormatError('InvalidDocumentError', `line ${doc.index + 1} is not valid JSON (${(err as Error).message})`);
  }
  const field = (source.kind === 'jsonl' || source.kind === 's3' ? source.textField : undefined) ?? DEFAULT_TEXT_FIELD;
  const text = typeof record === 'object' && record !== null ? (record as Record<string, unknown>)[field] : undefined;
  if (typeof text !== 'string') throw new DocumentFormatError('InvalidDocumentError', `line ${doc.index + 1} has no string "${field}"`);
  return decodeField(text, source.format);
}

export type LoadedDocument = { ok: true; text: string } | { ok: false; errorClass: string; message: string };

/**
 * The text behind a reference, or why there is none. An unreadable document
 * is an answer, not a crash: the batch reports it and goes on.
 */
export async function loadDocument(deps: DocumentDeps, source: DocumentSource, doc: DocRef): Promise<LoadedDocument> {
  let text: string;
  try {
    text = await readDocumentText(deps, source, doc);
  } catch (err) {
    if (err instanceof DocumentFormatError) return { ok: false, errorClass: err.errorClass, message: `${doc.path}: ${err.reason}` };
    return { ok: false, ...unreadable(err, doc.path) };
  }
  if (text.trim() === '') return { ok: false, errorClass: 'EmptyDocumentError', message: `${doc.path}: document ${doc.id} is empty` };
  return { ok: true, text };
}

export function tokenCount(text: string): number {
  return encode(text).length;
}

export function tokenSlice(text: string, range: [number, number]): string {
  return decode(encode(text).slice(range[0], range[1]));
}

/** One file per document, named by its index: writing it again after a crash replaces it with the same record. */
export function writeResultPart(deps: DocumentDeps, partsDir: string, record: DocumentResultRecord): Promise<void> {
  return deps.documents.writeFileAtomic(childLocation(partsDir, partName(record.index)), JSON.stringify(record));
}

export function createDocumentActivities(deps: DocumentDeps) {
  async function countDocuments(input: { source: DocumentSource }): Promise<number> {
    const { source } = input;
    try {
      const plan = planFor(source);
      let n = 0;
      if (plan.mode === 'jsonl') {
        for await (const _ of jsonlLines(deps.documents, plan.location, 0)) heartbeat(++n);
      } else {
        for await (const _ of matchingFiles(deps, plan)) heartbeat(++n);
      }
      return n;
    } catch (err) {
      return sourceFailure(err, source);
    }
  }

  async function listDocuments(input: { source: DocumentSource; cursor: ListCursor; limit: number }): Promise<DocumentPage> {
    const { source, cursor, limit } = input;
    const refs: DocRef[] = [];
    try {
      const plan = planFor(source);
      if (plan.mode === 'jsonl') {
        let index = cursor.index;
        for await (const { offset, line } of jsonlLines(deps.documents, plan.location, cursor.byteOffset ?? 0)) {
          if (refs.length === limit) return { refs, next: { index, byteOffset: offset } };
          refs.push({ index, id: jsonlId(line, plan.idField, index), path: plan.location, offset, length: line.length });
          index++;
        }
        return { refs, next: null };
      }
      // A cursor without `after` (a continued run resumes by index) skips the first `index` matches.
      let skip = cursor.after === undefined ? cursor.index : 0;
      let index = cursor.index;
      for await (const file of matchingFiles(deps, plan, cursor.after)) {
        if (skip > 0) {
          heartbeat(skip--);
          continue;
        }
        if (refs.length === limit) return { refs, next: { index, after: refs[refs.length - 1]?.id as string } };
        refs.push({ index, id: file.name, path: file.location });
        index++;
      }
      return { refs, next: null };
    } catch (err) {
      return sourceFailure(err, source);
    }
  }

  /** For documents that never got a summary (unreadable, or routing gave up); summaries are written by the call itself. */
  async function writeDocumentResult(input: { partsDir: string; record: DocumentResultRecord }): Promise<void> {
    await writeResultPart(deps, input.partsDir, input.record);
  }

  /** Names of the per-document files, in input order, as the listing pages in; none when there is no parts folder. */
  async function* partNames(partsDir: string): AsyncGenerator<string> {
    try {
      for await (const name of deps.documents.list(partsDir, { recursive: false })) if (PART_NAME.test(name)) yield name;
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
    }
  }

  /**
   * Joins the per-document files into the JSONL (and markdown), in input
   * order. Each document has exactly one file, so each appears exactly once,
   * however often its activity ran. Streamed: a window of reads in flight and
   * the output written as it goes (a multipart upload in a bucket), so memory
   * stays bounded however many documents the batch had.
   */
  async function mergeResults(input: { partsDir: string; output: BatchOutput }): Promise<{ written: number; failed: number }> {
    const jsonl = await deps.documents.createWriter(input.output.jsonlPath);
    const markdown = input.output.markdownPath === undefined ? undefined : await deps.documents.createWriter(input.output.markdownPath);
    let written = 0;
    let failed = 0;
    try {
      const reads = inOrderWindow(partNames(input.partsDir), MERGE_READS_IN_FLIGHT, (name) => deps.documents.readFile(childLocation(input.partsDir, name)));
      for await (const bytes of reads) {
        heartbeat(written);
        const record = JSON.parse(bytes.toString('utf8')) as DocumentResultRecord;
        if (record.status === 'failed') failed++;
        await jsonl.write(`${JSON.stringify(record)}\n`);
        if (markdown !== undefined) {
          const entry = `## ${record.id}\n\n${record.status === 'ok' ? record.summary ?? '' : `_failed: ${record.errorClass}: ${record.error}_`}\n`;
          await markdown.write(written === 0 ? entry : `\n${entry}`);
        }
        written++;
      }
      await jsonl.close();
      await markdown?.close();
    } catch (err) {
      await jsonl.abort();
      await markdown?.abort();
      throw err;
    }
    return { written, failed };
  }

  /** After the final merge: the per-document files are in the JSONL now. Deleting twice is harmless. */
  async function removeResultParts(input: { partsDir: string }): Promise<void> {
    await deps.documents.removeAll(input.partsDir);
  }

  return { countDocuments, listDocuments, writeDocumentResult, mergeResults, removeResultParts };
}

const PART_NAME = /^\d{10}\.json$/;
/** Result files read at once by the merge: enough to hide a bucket's round trip, few enough to stay small. */
export const MERGE_READS_IN_FLIGHT = 32;

function partName(index: number): string {
  return `${String(index).padStart(10, '0')}.json`;
}
