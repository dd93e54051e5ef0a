// Batch document I/O. The workflow only ever holds references (path, index,
// byte range); these activities read the text, count its tokens and write
// one result file per document, which the final merge turns into the JSONL.
import { Context } from '@temporalio/activity';
import { decode, encode } from 'gpt-tokenizer';
import { join } from 'node:path';
import type {
  DocRef,
  DocumentPage,
  DocumentResultRecord,
  DocumentSource,
  ListCursor,
  BatchOutput,
} from '../workflows/batch-types';
import { documentFailure } from '../src/temporal/to-application-failure';
import type { DocumentStore } from './document-store';
import { globToRegExp, splitGlob } from './glob';

export const DEFAULT_TEXT_FIELD = 'text';
export const DEFAULT_ID_FIELD = 'id';
export const DEFAULT_DIRECTORY_EXTENSIONS = ['.txt', '.md', '.markdown'];

export interface DocumentDeps {
  documents: DocumentStore;
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function unreadable(err: unknown, path: string): { errorClass: string; message: string } {
  const code = errorCode(err);
  if (code === 'ENOENT') return { errorClass: 'DocumentNotFoundError', message: `${path}: no such file` };
  if (code === 'EACCES' || code === 'EPERM') return { errorClass: 'DocumentUnreadableError', message: `${path}: permission denied` };
  if (code === 'EISDIR') return { errorClass: 'DocumentUnreadableError', message: `${path}: is a directory` };
  return { errorClass: 'DocumentUnreadableError', message: `${path}: ${err instanceof Error ? err.message : String(err)}` };
}

async function listSourceFiles(deps: DocumentDeps, source: DocumentSource): Promise<{ dir: string; files: string[] }> {
  if (source.kind === 'directory') {
    const extensions = source.extensions ?? DEFAULT_DIRECTORY_EXTENSIONS;
    const files = await deps.documents.listFiles(source.path, false);
    return { dir: source.path, files: files.filter((f) => extensions.some((e) => f.toLowerCase().endsWith(e))) };
  }
  if (source.kind === 'glob') {
    const { base, rest } = splitGlob(source.pattern);
    const dir = source.cwd !== undefined && !base.startsWith('/') ? join(source.cwd, base) : base;
    const matcher = globToRegExp(rest);
    const files = await deps.documents.listFiles(dir, rest.includes('**') || rest.includes('/'));
    return { dir, files: files.filter((f) => matcher.test(f)) };
  }
  throw new Error(`not a file-list source: ${source.kind}`);
}

function sourceFailure(err: unknown, source: DocumentSource): never {
  const where = source.kind === 'glob' ? source.pattern : source.path;
  const { errorClass, message } = unreadable(err, where);
  throw documentFailure(errorClass === 'DocumentNotFoundError' ? 'SourceNotFoundError' : 'SourceUnreadableError', `document source ${message}`);
}

/** Byte ranges of the non-blank lines of a JSONL buffer, from `start`. */
function* jsonlLines(buffer: Buffer, start: number): Generator<{ offset: number; length: number }> {
  let offset = start;
  while (offset < buffer.length) {
    let end = buffer.indexOf(0x0a, offset);
    if (end === -1) end = buffer.length;
    const line = buffer.subarray(offset, end);
    if (line.toString('utf8').trim() !== '') yield { offset, length: end - offset };
    offset = end + 1;
  }
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

async function readDocumentText(deps: DocumentDeps, source: DocumentSource, doc: DocRef): Promise<string> {
  if (source.kind !== 'jsonl' || doc.offset === undefined || doc.length === undefined) {
    return (await deps.documents.readFile(doc.path)).toString('utf8');
  }
  const line = (await deps.documents.readRange(doc.path, doc.offset, doc.length)).toString('utf8');
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (err) {
    throw Object.assign(new Error(`line ${doc.index + 1} is not valid JSON (${(err as Error).message})`), { code: 'EINVALID' });
  }
  const field = source.textField ?? DEFAULT_TEXT_FIELD;
  const text = typeof record === 'object' && record !== null ? (record as Record<string, unknown>)[field] : undefined;
  if (typeof text !== 'string') throw Object.assign(new Error(`line ${doc.index + 1} has no string "${field}"`), { code: 'EINVALID' });
  return text;
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
    if (errorCode(err) === 'EINVALID') return { ok: false, errorClass: 'InvalidDocumentError', message: `${doc.path}: ${(err as Error).message}` };
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
  return deps.documents.writeFileAtomic(join(partsDir, partName(record.index)), JSON.stringify(record));
}


export function createDocumentActivities(deps: DocumentDeps) {
  async function countDocuments(input: { source: DocumentSource }): Promise<number> {
    const { source } = input;
    try {
      if (source.kind === 'jsonl') {
        const buffer = await deps.documents.readFile(source.path);
        let n = 0;
        for (const _ of jsonlLines(buffer, 0)) n++;
        return n;
      }
      return (await listSourceFiles(deps, source)).files.length;
    } catch (err) {
      return sourceFailure(err, source);
    }
  }

  async function listDocuments(input: { source: DocumentSource; cursor: ListCursor; limit: number }): Promise<DocumentPage> {
    const { source, cursor, limit } = input;
    const refs: DocRef[] = [];
    try {
      if (source.kind === 'jsonl') {
        const buffer = await deps.documents.readFile(source.path);
        const idField = source.idField ?? DEFAULT_ID_FIELD;
        let index = cursor.index;
        for (const { offset, length } of jsonlLines(buffer, cursor.byteOffset ?? 0)) {
          if (refs.length === limit) return { refs, next: { index, byteOffset: offset } };
          refs.push({ index, id: jsonlId(buffer.subarray(offset, offset + length), idField, index), path: source.path, offset, length });
          index++;
        }
        return { refs, next: null };
      }
      const { dir, files } = await listSourceFiles(deps, source);
      const page = files.slice(cursor.index, cursor.index + limit);
      page.forEach((file, i) => refs.push({ index: cursor.index + i, id: file, path: join(dir, file) }));
      const nextIndex = cursor.index + page.length;
      return { refs, next: nextIndex < files.length ? { index: nextIndex } : null };
    } catch (err) {
      return sourceFailure(err, source);
    }
  }

  /** For documents that never got a summary (unreadable, or routing gave up); summaries are written by the call itself. */
  async function writeDocumentResult(input: { partsDir: string; record: DocumentResultRecord }): Promise<void> {
    await writeResultPart(deps, input.partsDir, input.record);
  }

  /**
   * Joins the per-document files into the JSONL (and markdown), in input
   * order. Each document has exactly one file, so each appears exactly once,
   * however often its activity ran.
   */
  async function mergeResults(input: { partsDir: string; output: BatchOutput }): Promise<{ written: number; failed: number }> {
    let names: string[] = [];
    try {
      names = (await deps.documents.listFiles(input.partsDir, false)).filter((n) => PART_NAME.test(n));
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
    }
    const lines: string[] = [];
    const markdown: string[] = [];
    let failed = 0;
    for (const [i, name] of names.entries()) {
      if (i % 500 === 0) Context.current().heartbeat(i);
      const record = JSON.parse((await deps.documents.readFile(join(input.partsDir, name))).toString('utf8')) as DocumentResultRecord;
      if (record.status === 'failed') failed++;
      lines.push(JSON.stringify(record));
      if (input.output.markdownPath !== undefined) {
        markdown.push(`## ${record.id}\n\n${record.status === 'ok' ? record.summary ?? '' : `_failed: ${record.errorClass}: ${record.error}_`}\n`);
      }
    }
    await deps.documents.writeFileAtomic(input.output.jsonlPath, lines.length ? `${lines.join('\n')}\n` : '');
    if (input.output.markdownPath !== undefined) await deps.documents.writeFileAtomic(input.output.markdownPath, markdown.join('\n'));
    return { written: lines.length, failed };
  }

  return { countDocuments, listDocuments, writeDocumentResult, mergeResults };
}

const PART_NAME = /^\d{10}\.json$/;

function partName(index: number): string {
  return `${String(index).padStart(10, '0')}.json`;
}
