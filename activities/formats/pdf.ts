// PDF text through unpdf (Mozilla's PDF.js, packaged for servers), in one
// long-lived worker thread per process: PDF.js ships as ES modules only, which
// a thread loads in every runtime (compiled, tsx, Jest's sandbox), and parsing
// a large PDF there keeps the activity worker's event loop free for heartbeats.
import { Worker } from 'node:worker_threads';
import { DocumentFormatError } from './format-error';

/** One PDF's text extraction may take this long before its thread is replaced and the document reported unreadable. */
export const PDF_EXTRACTION_TIMEOUT_MS = 60_000;

const THREAD_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const unpdf = require(workerData.entry);
parentPort.on('message', async ({ id, bytes }) => {
  try {
    const pdf = await unpdf.getDocumentProxy(bytes, { verbosity: 0 });
    try {
      const { totalPages, text } = await unpdf.extractText(pdf, { mergePages: false });
      parentPort.postMessage({ id, ok: true, totalPages, pages: text });
    } finally {
      await pdf.destroy();
    }
  } catch (err) {
    parentPort.postMessage({ id, ok: false, name: (err && err.name) || 'Error', message: String((err && err.message) || err) });
  }
});
`;

type Reply = { id: number; ok: true; totalPages: number; pages: string[] } | { id: number; ok: false; name: string; message: string };

interface PdfThread {
  worker: Worker;
  pending: Map<number, { resolve: (reply: Reply) => void; reject: (err: Error) => void }>;
}

let thread: PdfThread | undefined;
let nextId = 0;

function pdfThread(): PdfThread {
  if (thread !== undefined) return thread;
  const worker = new Worker(THREAD_CODE, { eval: true, workerData: { entry: require.resolve('unpdf') } });
  const current: PdfThread = { worker, pending: new Map() };
  const fail = (err: Error) => {
    if (thread === current) thread = undefined;
    for (const p of current.pending.values()) p.reject(err);
    current.pending.clear();
  };
  worker.on('message', (reply: Reply) => {
    const p = current.pending.get(reply.id);
    if (p === undefined) return;
    current.pending.delete(reply.id);
    // An idle thread must not keep the process alive.
    if (current.pending.size === 0) worker.unref();
    p.resolve(reply);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the PDF reader thread exited (code ${code})`)));
  worker.unref();
  thread = current;
  return current;
}

function extract(bytes: Uint8Array): Promise<Reply> {
  const t = pdfThread();
  const id = nextId++;
  const copy = new Uint8Array(bytes);
  return new Promise<Reply>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A PDF that hangs the parser takes the thread with it; the next PDF gets a new one.
      void t.worker.terminate();
      reject(new DocumentFormatError('DocumentUnreadableError', `PDF text extraction took over ${PDF_EXTRACTION_TIMEOUT_MS / 1000} s`));
    }, PDF_EXTRACTION_TIMEOUT_MS);
    t.pending.set(id, {
      resolve: (reply) => {
        clearTimeout(timer);
        resolve(reply);
      },
      reject: (err) => {
        clearTimeout(timer);
        reject(err);
      },
    });
    t.worker.ref();
    t.worker.postMessage({ id, bytes: copy }, [copy.buffer]);
  });
}

export function looksLikePdf(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 1024)).includes('%PDF-');
}

/**
 * The text of every page, pages separated by a blank line. A PDF whose pages
 * hold no text at all is a scan (images of pages): DocumentUnreadableError,
 * since only OCR could read it.
 */
export async function decodePdf(bytes: Uint8Array): Promise<string> {
  if (!looksLikePdf(bytes)) throw new DocumentFormatError('InvalidDocumentError', 'not a PDF (no %PDF- header)');
  const reply = await extract(bytes);
  if (!reply.ok) {
    if (reply.name === 'PasswordException') throw new DocumentFormatError('DocumentUnreadableError', 'password-protected PDF');
    if (reply.name === 'InvalidPDFException') throw new DocumentFormatError('InvalidDocumentError', `not a valid PDF (${reply.message})`);
    throw new DocumentFormatError('InvalidDocumentError', `could not read the PDF (${reply.name}: ${reply.message})`);
  }
  const pages = reply.pages.map((p) => p.trim());
  if (pages.every((p) => p === '')) {
    throw new DocumentFormatError('DocumentUnreadableError', `scanned PDF: ${reply.totalPages} page${reply.totalPages === 1 ? '' : 's'} and no text layer (run OCR on it first)`);
  }
  return pages.filter((p) => p !== '').join('\n\n');
}
