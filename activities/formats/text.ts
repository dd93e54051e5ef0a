// Bytes to text, refusing what is not text: a binary file must become a
// per-document InvalidDocumentError, never a "summary" of garbage.
import { DocumentFormatError } from './format-error';

/** Share of control characters (other than tab, newline, carriage return, form feed) above which a decoded file is taken for binary. */
export const MAX_CONTROL_CHARACTER_SHARE = 0.1;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function controlShare(text: string): number {
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f || (c >= 0x80 && c <= 0x9f)) control++;
  }
  return text.length === 0 ? 0 : control / text.length;
}

/** Rejects text whose characters are mostly control codes (also for text taken from a JSONL field). */
export function checkText(text: string): string {
  if (text.includes('\u0000')) throw new DocumentFormatError('InvalidDocumentError', 'binary content (NUL characters), not text');
  const share = controlShare(text);
  if (share > MAX_CONTROL_CHARACTER_SHARE) {
    throw new DocumentFormatError('InvalidDocumentError', `binary content (${Math.round(share * 100)}% control characters), not text`);
  }
  return text;
}

/**
 * UTF-8 (a BOM is dropped), or UTF-16 when the file starts with its BOM;
 * `encoding` is a label the document declared itself (an HTML meta charset).
 */
export function decodeText(bytes: Uint8Array, encoding?: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return checkText(new TextDecoder('utf-16le').decode(bytes.subarray(2)));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return checkText(new TextDecoder('utf-16be').decode(bytes.subarray(2)));
  if (bytes.includes(0)) throw new DocumentFormatError('InvalidDocumentError', 'binary content (NUL bytes), not text');
  let text: string;
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
    let decoder: { decode(input: Uint8Array): string };
    try {
      decoder = new TextDecoder(encoding, { fatal: true });
    } catch {
      throw new DocumentFormatError('InvalidDocumentError', `unknown character encoding "${encoding}"`);
    }
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new DocumentFormatError('InvalidDocumentError', `not valid ${encoding} text`);
    }
  } else {
    try {
      text = UTF8.decode(bytes);
    } catch {
      throw new DocumentFormatError('InvalidDocumentError', 'not valid UTF-8 text (binary, or another encoding)');
    }
  }
  return checkText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}
