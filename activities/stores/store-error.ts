/**
 * A failure of a store, in the vocabulary of Node's file errors, so callers
 * treat a missing disk file and a missing object alike: `ENOENT` (missing),
 * `EACCES` (refused), `EISDIR`, or `EIO` (anything else). `reason` is the
 * short cause that follows the location in messages ("no such bucket").
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: 'ENOENT' | 'EACCES' | 'EISDIR' | 'EIO',
    readonly location: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${location}: ${reason}`, options);
  }
}
