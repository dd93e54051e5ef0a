// Codec keys come from the environment only, never from config files that
// might be committed or from workflow input that would land in history.
//
//   LLM_ROUTER_CODEC_KEYS="2026-11:<base64 32 bytes>,2026-05:<base64 32 bytes>"
//
// The first entry encrypts; every entry decrypts. Rotating a key is adding a
// new first entry and keeping the old one until no open history needs it.

export const CODEC_KEYS_ENV = 'LLM_ROUTER_CODEC_KEYS';
export const AES_256_KEY_BYTES = 32;
// At most 32 characters: shorter than any base64 AES-256 key (43-44), so an
// id echoed in an error can never be a key written the wrong way round.
const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;

export interface CodecKeyring {
  /** Id of the key that encrypts new payloads. */
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export class CodecKeyError extends Error {
  override readonly name = 'CodecKeyError';
}

/** Parses `id:base64,id:base64`; every problem names the variable and the entry. */
export function parseKeyring(spec: string, source = CODEC_KEYS_ENV): CodecKeyring {
  const entries = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (entries.length === 0) throw new CodecKeyError(`${source}: no keys; expected "keyId:base64Key[,keyId:base64Key...]"`);
  const keys = new Map<string, Buffer>();
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new CodecKeyError(`${source}[${i}]: expected "keyId:base64Key"`);
    const id = entry.slice(0, colon);
    // Not echoed: an entry written as "key:id" would print the key.
    if (!KEY_ID_PATTERN.test(id)) {
      throw new CodecKeyError(`${source}[${i}]: the key id (${id.length} characters before the colon) must match ${KEY_ID_PATTERN.source}; the id comes first, "keyId:base64Key"`);
    }
    if (keys.has(id)) throw new CodecKeyError(`${source}[${i}]: key id "${id}" appears twice`);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== AES_256_KEY_BYTES) {
      throw new CodecKeyError(`${source}[${i}] ("${id}"): AES-256 needs ${AES_256_KEY_BYTES} bytes, got ${key.length} after base64 decoding`);
    }
    keys.set(id, key);
  });
  return { activeKeyId: entries[0]!.slice(0, entries[0]!.indexOf(':')), keys };
}

/** The keyring from the environment, or null when encryption is off (variable unset or empty). */
export function keyringFromEnv(env: NodeJS.ProcessEnv = process.env): CodecKeyring | null {
  const spec = env[CODEC_KEYS_ENV];
  return spec === undefined || spec.trim() === '' ? null : parseKeyring(spec);
}
