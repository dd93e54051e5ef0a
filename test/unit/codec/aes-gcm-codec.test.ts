import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  AesGcmPayloadCodec,
  CodecKeyError,
  KEY_ID_METADATA_KEY,
  keyringFromEnv,
  parseKeyring,
  PayloadDecryptionError,
} from '../../../src/temporal/codec';

const key = () => randomBytes(32).toString('base64');
const SECRET_TEXT = 'Quarterly revenue for Project Nightjar fell 12%';

function metadataText(value: Uint8Array | null | undefined): string {
  return Buffer.from(value ?? new Uint8Array()).toString('utf8');
}

test('round trip restores the payload, and the ciphertext holds no plaintext', async () => {
  const codec = new AesGcmPayloadCodec(parseKeyring(`k1:${key()}`));
  const original = defaultPayloadConverter.toPayload({ prompt: SECRET_TEXT });
  const [encrypted] = await codec.encode([original]);
  expect(metadataText(encrypted?.metadata?.encoding)).toBe('binary/encrypted');
  expect(metadataText(encrypted?.metadata?.[KEY_ID_METADATA_KEY])).toBe('k1');
  expect(Buffer.from(encrypted!.data!).includes(Buffer.from('Nightjar'))).toBe(false);
  // The original encoding is inside the ciphertext too, not in clear metadata.
  expect(Buffer.from(encrypted!.data!).includes(Buffer.from('json/plain'))).toBe(false);
  const [decoded] = await codec.decode([encrypted!]);
  expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ prompt: SECRET_TEXT });
});

test('the same value encrypts differently each time (fresh IV per payload)', async () => {
  const codec = new AesGcmPayloadCodec(parseKeyring(`k1:${key()}`));
  const p = defaultPayloadConverter.toPayload('same');
  const [a, b] = await codec.encode([p, p]);
  expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
});

test('rotation: a payload written under the old key decodes once a new key leads the ring', async () => {
  const oldKey = key();
  const before = new AesGcmPayloadCodec(parseKeyring(`2026-05:${oldKey}`));
  const [old] = await before.encode([defaultPayloadConverter.toPayload(SECRET_TEXT)]);
  const after = new AesGcmPayloadCodec(parseKeyring(`2026-11:${key()},2026-05:${oldKey}`));
  const [fresh] = await after.encode([defaultPayloadConverter.toPayload('new')]);
  expect(metadataText(fresh?.metadata?.[KEY_ID_METADATA_KEY])).toBe('2026-11');
  const [decodedOld, decodedFresh] = await after.decode([old!, fresh!]);
  expect(defaultPayloadConverter.fromPayload(decodedOld!)).toBe(SECRET_TEXT);
  expect(defaultPayloadConverter.fromPayload(decodedFresh!)).toBe('new');
});

test('an unknown key id and a tampered payload are named errors, never garbage', async () => {
  const writer = new AesGcmPayloadCodec(parseKeyring(`k1:${key()}`));
  const [p] = await writer.encode([defaultPayloadConverter.toPayload(SECRET_TEXT)]);
  const stranger = new AesGcmPayloadCodec(parseKeyring(`k2:${key()}`));
  await expect(stranger.decode([p!])).rejects.toThrow(/key id "k1", which is not in the keyring/);
  await expect(stranger.decode([p!])).rejects.toBeInstanceOf(PayloadDecryptionError);

  const tampered = { ...p!, data: Buffer.from(p!.data!) };
  tampered.data[20] = (tampered.data[20] ?? 0) ^ 0xff;
  await expect(writer.decode([tampered])).rejects.toThrow(/failed authentication under key id "k1"/);
});

test('unencrypted payloads pass through decode, so history written before encryption stays readable', async () => {
  const codec = new AesGcmPayloadCodec(parseKeyring(`k1:${key()}`));
  const plain = defaultPayloadConverter.toPayload('legacy');
  const [out] = await codec.decode([plain]);
  expect(defaultPayloadConverter.fromPayload(out!)).toBe('legacy');
});

test.each([
  ['empty', '', /no keys/],
  ['no colon', 'nokey', /LLM_ROUTER_CODEC_KEYS\[0\]: expected "keyId:base64Key"/],
  ['bad key id', `bad id:${randomBytes(32).toString('base64')}`, /LLM_ROUTER_CODEC_KEYS\[0\]: the key id \(6 characters before the colon\) must match/],
  ['short key', `k1:${randomBytes(16).toString('base64')}`, /LLM_ROUTER_CODEC_KEYS\[0\] \("k1"\): AES-256 needs 32 bytes, got 16/],
  ['duplicate id', `k1:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`, /LLM_ROUTER_CODEC_KEYS\[1\]: key id "k1" appears twice/],
])('keyring spec (%s) is rejected with the entry named', (_label, spec, message) => {
  expect(() => parseKeyring(spec)).toThrow(message);
  expect(() => parseKeyring(spec)).toThrow(CodecKeyError);
});

test('an entry written the wrong way round ("key:id") is refused without printing the key', () => {
  const secret = randomBytes(32).toString('base64');
  let message = '';
  try {
    parseKeyring(`${secret}:2026-11`);
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toMatch(/LLM_ROUTER_CODEC_KEYS\[0\]: the key id \(44 characters before the colon\)/);
  expect(message).not.toContain(secret);
  expect(message).not.toContain(secret.slice(0, 12));
});

test('encryption is off when the variable is unset or blank', () => {
  expect(keyringFromEnv({})).toBeNull();
  expect(keyringFromEnv({ LLM_ROUTER_CODEC_KEYS: '  ' })).toBeNull();
  expect(keyringFromEnv({ LLM_ROUTER_CODEC_KEYS: `a:${key()},b:${key()}` })?.activeKeyId).toBe('a');
});
