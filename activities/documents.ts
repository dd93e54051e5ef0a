// Batch document I/O. The workflow only ever holds references (path, index,
// byte range); these activities read the text, count its tokens and write
// one result file per document, which the final merge turns into the JSONL.
// Every location may be a local path or an `s3://` URL (see document-store.ts).
import { Context } from '@temporalio/activity';
import type {
  DocRef,
  DocumentPage,
  DocumentResultRecord,
  DocumentSource,
  ListCursor,
  BatchOutput,
} from '../workflows/batch-types';
import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isS3Url, parseS3Url, partsLocation, sourceLocation } from '../workflows/locations';
import { tokenizer } from '../src/lazy-modules';
import { textTokensBound } from '../src/providers/tokens';
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

/**
 * Whole files this process decoded last: each chunk of a map-reduce document
 * reads the file again, but decoding (and the binary check) of a 50 MB text
 * runs once, not once per chunk. Keyed by the bytes' length and ends.
 */
const TEXT_CACHE_SIZE = 2;
const TEXT_CACHE_MIN_BYTES = 1024 * 1024;
const textCache: Array<{ key: string; text: string }> = [];

function bytesKey(path: string, format: string | undefined, bytes: Buffer): string {
  return `${path}|${format ?? ''}|${bytes.length}|${bytes.subarray(0, 64).toString('hex')}|${bytes.subarray(-64).toString('hex')}`;
}

async function decodeFile(path: string, bytes: Buffer, format: DocumentSource['format']): Promise<string> {
  if (bytes.length < TEXT_CACHE_MIN_BYTES) return decodeDocument(bytes, path, format);
  const key = bytesKey(path, format, bytes);
  const hit = textCache.find((e) => e.key === key);
  if (hit !== undefined) return hit.text;
  const text = await decodeDocument(bytes, path, format);
  textCache.unshift({ key, text });
  textCache.length = Math.min(textCache.length, TEXT_CACHE_SIZE);
  return text;
}

async function readDocumentText(deps: DocumentDeps, source: DocumentSource, doc: DocRef): Promise<string> {
  if (doc.offset === undefined || doc.length === undefined) {
    return decodeFile(doc.path, await deps.documents.readFile(doc.path), source.format);
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

/** Characters encoded between two turns of the event loop: a large document never blocks heartbeats for long. */
const ENCODE_PIECE_CHARS = 200_000;

/**
 * Where to cut `text` for encoding near `at`: before a space that follows a
 * non-space, where the tokenizer's own pre-split puts a boundary anyway.
 */
function pieceEnd(text: string, at: number): number {
  if (at >= text.length) return text.length;
  for (let i = at; i < Math.min(text.length, at + 10_000); i++) {
    if (text[i] === ' ' && text[i - 1] !== ' ' && text[i - 1] !== '\n') return i;
  }
  return at;
}

/**
 * The document's tokens, encoded piece by piece with a turn of the event loop
 * between pieces (a 50 MB text takes seconds; the activity heartbeats on).
 * With `cap`, stops and returns null as soon as the count passes it, so a
 * huge document is refused after reading `cap` tokens, not all of them.
 */
async function encodePieces(text: string, cap?: number): Promise<Uint32Array | null> {
  const parts: number[][] = [];
  let count = 0;
  for (let start = 0; start < text.length;) {
    const end = pieceEnd(text, start + ENCODE_PIECE_CHARS);
    const tokens = tokenizer().encode(text.slice(start, end));
    count += tokens.length;
    if (cap !== undefined && count > cap) return null;
    parts.push(tokens);
    start = end;
    if (start < text.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const all = new Uint32Array(count);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

/** Documents whose tokens this process keeps: a map-reduce document is encoded once, not once per chunk. */
const TOKEN_CACHE_SIZE = 2;
const tokenCache: Array<{ key: string; tokens: Uint32Array }> = [];

/** `cacheKey` names the document (location and byte range); the text's length and ends guard against a file that changed. */
function fullKey(text: string, cacheKey: string): string {
  return `${cacheKey}|${text.length}|${text.slice(0, 64)}|${text.slice(-64)}`;
}

async function tokensOf(text: string, cacheKey: string, cap?: number): Promise<Uint32Array | null> {
  const key = fullKey(text, cacheKey);
  const hit = tokenCache.find((e) => e.key === key);
  if (hit !== undefined) return cap !== undefined && hit.tokens.length > cap ? null : hit.tokens;
  const tokens = await encodePieces(text, cap);
  if (tokens === null) return null;
  tokenCache.unshift({ key, tokens });
  tokenCache.length = Math.min(tokenCache.length, TOKEN_CACHE_SIZE);
  return tokens;
}

/**
 * True when `text` cannot have more than `limit` tokens, decided without the
 * tokenizer (`textTokensBound`): a batch of small documents is never
 * tokenised at all. No text has fewer bytes than characters, hence the
 * cheap check first.
 */
export function surelyWithinTokens(text: string, limit: number): boolean {
  return text.length <= limit && textTokensBound(text) <= limit;
}

/** Tokens of a document, or null as soon as they pass `cap`: a 50 MB file is refused after `cap` tokens, not tokenised whole. */
export async function tokenCountWithin(text: string, cap: number | undefined, cacheKey = ''): Promise<number | null> {
  const tokens = await tokensOf(text, cacheKey, cap);
  return tokens === null ? null : tokens.length;
}

/** Tokens of a short text, synchronously (structured chunking counts its pieces with this). */
export function tokenCount(text: string): number {
  return tokenizer().encode(text).length;
}

/** Tokens `range` of a document's text, from the same encoding its count came from. */
export async function tokenSlice(text: string, range: [number, number], cacheKey = ''): Promise<string> {
  const tokens = (await tokensOf(text, cacheKey)) as Uint32Array;
  return tokenizer().decode(Array.from(tokens.subarray(range[0], range[1])));
}

/** One file per document, named by its index: writing it again after a crash replaces it with the same record. */
export function writeResultPart(deps: DocumentDeps, partsDir: string, record: DocumentResultRecord): Promise<void> {
  return deps.documents.writeFileAtomic(childLocation(partsDir, partName(record.index)), JSON.stringify(record));
}

/** A finished chunk summary of a map-reduce document, kept so a resumed batch does not pay for it again. */
export interface ChunkPart {
  part: number;
  of: number;
  summary: string;
  servedBy: string;
  costUsd: number;
}

export function chunkPartLocation(partsDir: string, docIndex: number, part: number): string {
  return childLocation(childLocation(partsDir, CHUNKS_DIR), `${String(docIndex).padStart(10, '0')}-${String(part).padStart(6, '0')}.json`);
}

export function writeChunkPart(deps: DocumentDeps, partsDir: string, docIndex: number, chunk: ChunkPart): Promise<void> {
  return deps.documents.writeFileAtomic(chunkPartLocation(partsDir, docIndex, chunk.part), JSON.stringify(chunk));
}

/** Why an output location cannot be written, or undefined when it can (as far as this process can tell). */
export async function outputLocationProblem(location: string): Promise<string | undefined> {
  // A bucket is checked by the write itself; its credentials are the worker's.
  if (isS3Url(location)) return undefined;
  let stats;
  try {
    stats = await stat(location);
  } catch (err) {
    // ENOTDIR: a file where a folder should be; the walk below names it.
    if (errorCode(err) !== 'ENOENT' && errorCode(err) !== 'ENOTDIR') return `${location}: ${(err as Error).message}`;
  }
  if (stats?.isDirectory()) return `${location}: is a directory (expected a file path for the output JSONL)`;
  const parent = dirname(location);
  let dir = parent;
  // The store creates missing folders: the nearest existing ancestor must be a writable folder.
  for (;;) {
    try {
      const s = await stat(dir);
      if (!s.isDirectory()) return `${location}: ${dir} is not a directory`;
      break;
    } catch (err) {
      if (errorCode(err) !== 'ENOENT' || dirname(dir) === dir) return `${location}: ${(err as Error).message}`;
      dir = dirname(dir);
    }
  }
  try {
    await access(dir, fsConstants.W_OK);
  } catch {
    return `${location}: ${dir} is not writable`;
  }
  return undefined;
}

export function createDocumentActivities(deps: DocumentDeps) {
  /** Before the first provider call: the outputs can be written (a directory as --out is found now, not after every call). */
  async function checkOutput(input: { output: BatchOutput }): Promise<void> {
    for (const location of [input.output.jsonlPath, input.output.markdownPath]) {
      if (location === undefined) continue;
      const problem = isS3Url(location) ? await bucketWriteProblem(location) : await outputLocationProblem(location);
      if (problem !== undefined) throw documentFailure('OutputNotWritableError', `output ${problem}`);
    }
  }

  /** A bucket output is tried with the worker's own credentials: one small object written beside the results, then deleted. */
  async function bucketWriteProblem(location: string): Promise<string | undefined> {
    const probeDir = childLocation(partsLocation(location), WRITE_CHECK_DIR);
    try {
      await deps.documents.writeFileAtomic(childLocation(probeDir, 'probe'), 'llm-router write check');
      await deps.documents.removeAll(probeDir);
      return undefined;
    } catch (err) {
      return `${location}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  /** A resumed batch: the finished chunk summaries of one document, by part index. */
  async function loadChunkParts(input: { partsDir: string; docIndex: number; of: number }): Promise<Record<number, string>> {
    const found: Record<number, string> = {};
    const prefix = `${String(input.docIndex).padStart(10, '0')}-`;
    const dir = childLocation(input.partsDir, CHUNKS_DIR);
    try {
      for await (const name of deps.documents.list(dir, { recursive: false })) {
        if (!name.startsWith(prefix)) continue;
        const chunk = JSON.parse((await deps.documents.readFile(childLocation(dir, name))).toString('utf8')) as ChunkPart;
        // A chunk of another split (the document or the chain's windows changed) is not reused.
        if (chunk.of === input.of) found[chunk.part] = chunk.summary;
      }
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
    }
    return found;
  }

  /** Resumed batches: marks references whose summary an earlier run already wrote. */
  async function markReused(refs: DocRef[], partsDir: string): Promise<void> {
    for (const ref of refs) {
      let record: DocumentResultRecord;
      try {
        record = JSON.parse((await deps.documents.readFile(childLocation(partsDir, partName(ref.index)))).toString('utf8')) as DocumentResultRecord;
      } catch {
        continue;
      }
      if (record.status === 'ok' && record.id === ref.id) ref.reused = true;
    }
  }

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

  async function listDocuments(input: { source: DocumentSource; cursor: ListCursor; limit: number; reuseFrom?: string }): Promise<DocumentPage> {
    const page = await listPage(input);
    if (input.reuseFrom !== undefined) await markReused(page.refs, input.reuseFrom);
    return page;
  }

  async function listPage(input: { source: DocumentSource; cursor: ListCursor; limit: number }): Promise<DocumentPage> {
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

  return { checkOutput, countDocuments, listDocuments, loadChunkParts, writeDocumentResult, mergeResults, removeResultParts };
}

const PART_NAME = /^\d{10}\.json$/;
const CHUNKS_DIR = 'chunks';
/** Where checkOutput tries a bucket write; removed at once. */
const WRITE_CHECK_DIR = 'write-check';
/** Result files read at once by the merge: enough to hide a bucket's round trip, few enough to stay small. */
export const MERGE_READS_IN_FLIGHT = 32;

function partName(index: number): string {
  return `${String(index).padStart(10, '0')}.json`;
}
