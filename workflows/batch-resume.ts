// Where a batch run that continues as new resumes its listing. A JSONL source
// resumes at a byte offset. A folder or bucket prefix resumes after the name
// of the last document launched, so the next run's first listing starts
// there (S3's StartAfter) instead of listing and skipping every name before it,
// which made each run of a 100,000-object batch page through the whole prefix.
import type { DocRef, ListCursor } from './batch-types';

/** Runs that continued as new before this resumed by index alone; their replays keep doing so. */
export const RESUME_AFTER_NAME_PATCH = 'resume-after-name';

/**
 * `next`: the first reference not launched yet (undefined when the buffer is
 * empty); `cursor`: where the next page starts; `previous`: the last reference
 * launched; `byName`: whether resuming after a name is allowed (the patch).
 */
export function resumeCursor(next: DocRef | undefined, cursor: ListCursor | null, previous: DocRef | undefined, byName: boolean): ListCursor | null {
  if (next === undefined) return cursor;
  if (next.offset !== undefined) return { index: next.index, byteOffset: next.offset };
  // A file listing names each document by its name under the source (its id), in listing order.
  if (byName && previous !== undefined && previous.offset === undefined && previous.index === next.index - 1) return { index: next.index, after: previous.id };
  return { index: next.index };
}
