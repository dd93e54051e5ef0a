import { createHash } from 'node:crypto';
import type { DurableRouterConfig } from '../../../workflows/types';

/** Hex digits of the SHA-256 kept in a reference: 128 bits, no collision between config versions in practice. */
const REF_HEX_DIGITS = 32;

/** The content hash a request carries instead of its config: equal configs, equal refs, whichever process computes it. */
export function configRefOf(config: DurableRouterConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, REF_HEX_DIGITS);
}
