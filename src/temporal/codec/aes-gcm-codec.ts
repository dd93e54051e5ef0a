import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { CodecKeyring } from './keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA_KEY = 'encryption-key-id';
export const CIPHER_METADATA_KEY = 'encryption-cipher';
const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

const text = (s: string) => new TextEncoder().encode(s);
const readText = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

/**
 * Encrypts each whole payload (metadata included, so even the encoding of the
 * original value is hidden) with AES-256-GCM. The key id travels in clear
 * metadata so a payload written before a rotation still finds its key.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keyring: CodecKeyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keyring.activeKeyId;
    const key = this.keyring.keys.get(keyId)!;
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      // A fresh random 96-bit IV per payload: GCM must never reuse one under a key.
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(CIPHER, key, iv);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: text(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA_KEY]: text(keyId),
          [CIPHER_METADATA_KEY]: text(CIPHER),
        },
        data: Buffer.concat([iv, body, cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (readText(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
      const keyId = readText(payload.metadata?.[KEY_ID_METADATA_KEY]);
      const key = keyId === undefined ? undefined : this.keyring.keys.get(keyId);
      if (key === undefined) {
        throw new PayloadDecryptionError(`payload encrypted with key id "${keyId ?? '(none)'}", which is not in the keyring`);
      }
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError('encrypted payload is too short');
      const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new PayloadDecryptionError(`payload failed authentication under key id "${keyId}" (tampered, or the wrong key)`);
      }
      return temporal.api.common.v1.Payload.decode(plain) as Payload;
    });
  }
}
