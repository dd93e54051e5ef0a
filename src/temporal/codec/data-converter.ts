import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from './aes-gcm-codec';
import { keyringFromEnv, type CodecKeyring } from './keys';

/**
 * The data converter every client and worker of one deployment must share.
 * Encryption is opt-in: with no keyring it is Temporal's default converter.
 */
export function routerDataConverter(keyring: CodecKeyring | null): DataConverter {
  return keyring === null ? {} : { payloadCodecs: [new AesGcmPayloadCodec(keyring)] };
}

/** Same, with the keyring read from `LLM_ROUTER_CODEC_KEYS`. */
export function routerDataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter {
  return routerDataConverter(keyringFromEnv(env));
}
