// A document's bytes to the text that is summarised, by format: chosen by the
// source's `format` (the CLI's --format), else by extension, else sniffed.
import type { DocumentFormat } from '../../workflows/batch-types';
import { DocumentFormatError } from './format-error';
import { decodeHtml, htmlToText } from './html';
import { decodePdf } from './pdf';
import { checkText, decodeText } from './text';

export { DocumentFormatError } from './format-error';

const BY_EXTENSION: Record<string, DocumentFormat> = {
  '.txt': 'text', '.text': 'text', '.md': 'markdown', '.markdown': 'markdown', '.html': 'html', '.htm': 'html', '.xhtml': 'html', '.pdf': 'pdf',
};

/** The format of a file by its name, or undefined when the extension says nothing. */
export function formatByExtension(path: string): DocumentFormat | undefined {
  const dot = path.lastIndexOf('.');
  return dot === -1 || dot < path.lastIndexOf('/') ? undefined : BY_EXTENSION[path.slice(dot).toLowerCase()];
}

function startsWithPdfHeader(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-';
}

/** Text of a whole file. Markdown is kept as written: its headings and paragraphs are the structure chunking follows. */
export async function decodeDocument(bytes: Uint8Array, path: string, format?: DocumentFormat): Promise<string> {
  const chosen = format ?? formatByExtension(path) ?? (startsWithPdfHeader(bytes) ? 'pdf' : 'text');
  if (chosen === 'pdf') return decodePdf(bytes);
  if (chosen === 'html') return decodeHtml(bytes);
  return decodeText(bytes);
}

/** Text held in a JSONL field: checked like a file's, and converted when the source says it is HTML. */
export function decodeField(text: string, format?: DocumentFormat): string {
  if (format === 'pdf') throw new DocumentFormatError('InvalidDocumentError', 'a JSONL text field cannot hold a PDF (use --format text, markdown or html)');
  const checked = checkText(text);
  return format === 'html' ? htmlToText(checked) : checked;
}
