// Opt-in payload encryption: an AES-256-GCM codec, the env keyring it reads,
// and the codec server the Temporal Web UI calls to show decrypted payloads.
export { AesGcmPayloadCodec, PayloadDecryptionError, ENCRYPTED_ENCODING, KEY_ID_METADATA_KEY, CIPHER_METADATA_KEY } from './aes-gcm-codec';
export { parseKeyring, keyringFromEnv, CodecKeyError, CODEC_KEYS_ENV, AES_256_KEY_BYTES } from './keys';
export type { CodecKeyring } from './keys';
export { startCodecServer, codecOperation, DEFAULT_CODEC_CORS_ORIGINS, DEFAULT_CODEC_SERVER_HOST } from './codec-server';
export type { CodecServer, CodecServerOptions } from './codec-server';
export { routerDataConverter, routerDataConverterFromEnv } from './data-converter';
