/**
 * Why a document's bytes give no text to summarise: `InvalidDocumentError`
 * for input that is not what it claims to be (binary, undecodable, a broken
 * PDF), `DocumentUnreadableError` for a valid document with no readable text
 * (a scanned PDF without a text layer, a password-protected PDF). Both are
 * per-document answers, never provider failures.
 */
export class DocumentFormatError extends Error {
  override readonly name = 'DocumentFormatError';
  constructor(readonly errorClass: 'InvalidDocumentError' | 'DocumentUnreadableError', readonly reason: string) {
    super(reason);
  }
}
