// Structured chunking for documents of any size. `splitText` (workflows/split-text.ts) is pure and
// synchronous; on a text of tens of megabytes it would hold the event loop for many seconds, long past a
// hop's heartbeat timeout. So a large text is cut into segments that end at a paragraph break (else a
// sentence end, else whitespace), each segment is split on its own, and the event loop gets a turn between
// segments so the heartbeat timer keeps beating. A segment boundary is itself a structural cut.
import { splitText, type SplitOptions, type TextChunk } from '../workflows/split-text';

/** Characters split in one go (about 0.2 s of cutting on this project's 2-core machine). */
export const STRUCTURED_SEGMENT_CHARS = 1_000_000;
/** More chunks than this are not carried in a refusal's details (each is three numbers in history): the workflow then cuts at token offsets. */
export const MAX_STRUCTURED_CHUNKS = 20_000;

/** Where a segment that should end near `target` ends: the last paragraph break, else sentence end, else whitespace, in its second half. */
export function segmentEnd(text: string, start: number, target: number): number {
  if (target >= text.length) return text.length;
  const floor = start + Math.floor((target - start) / 2);
  for (const mark of ['\n\n', '. ', '\n', ' ']) {
    const at = text.lastIndexOf(mark, target);
    if (at >= floor) return at + mark.length;
  }
  return target;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The chunks of `text`, cut at its structure; undefined when there would be too many to carry. */
export async function structuredChunks(text: string, options: SplitOptions, segmentChars = STRUCTURED_SEGMENT_CHARS): Promise<TextChunk[] | undefined> {
  if (text.length <= segmentChars) return splitText(text, options);
  const chunks: TextChunk[] = [];
  // The whole text's token count says nothing about one segment.
  const { totalTokens: _whole, ...perSegment } = options;
  for (let start = 0; start < text.length;) {
    const end = segmentEnd(text, start, start + segmentChars);
    for (const [s, e, n] of splitText(text.slice(start, end), perSegment)) chunks.push([s + start, e + start, n]);
    if (chunks.length > MAX_STRUCTURED_CHUNKS) return undefined;
    start = end;
    await turn();
  }
  return chunks;
}
