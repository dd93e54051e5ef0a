import { AesGcmPayloadCodec, CodecKeyError, CODEC_KEYS_ENV, DEFAULT_CODEC_CORS_ORIGINS, keyringFromEnv, startCodecServer } from '../../temporal/codec';
import { CliError, EXIT } from '../exit-codes';
import { writeJson } from '../output';
import { untilInterrupted } from '../until-interrupted';

export interface CodecServerFlags {
  port: number;
  host: string;
  corsOrigin?: string[];
  json?: boolean;
}

/** Runs the codec server until SIGINT or SIGTERM. */
export async function runCodecServer(flags: CodecServerFlags): Promise<void> {
  let keyring;
  try {
    keyring = keyringFromEnv();
  } catch (err) {
    if (err instanceof CodecKeyError) throw new CliError(err.message, EXIT.USAGE);
    throw err;
  }
  if (keyring === null) {
    throw new CliError(`${CODEC_KEYS_ENV} is not set: the codec server needs the same keys as the workers and clients (see docs/security.md)`, EXIT.USAGE);
  }
  const corsOrigins = flags.corsOrigin?.length ? flags.corsOrigin : [...DEFAULT_CODEC_CORS_ORIGINS];
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new CliError(`--cors-origin "${origin}": expected an origin such as http://localhost:8233 (scheme, host, port; no path)`, EXIT.USAGE);
  }
  let server;
  try {
    server = await startCodecServer({ codec: new AesGcmPayloadCodec(keyring), port: flags.port, host: flags.host, corsOrigins });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot listen on ${flags.host}:${flags.port} (${code ?? (err instanceof Error ? err.message : String(err))})`, EXIT.FAILURE);
  }
  if (!['127.0.0.1', 'localhost', '::1'].includes(flags.host)) {
    process.stderr.write(`warning: the codec server listens on ${flags.host}; anyone who can reach it can decrypt payloads, so put it behind your own authentication\n`);
  }
  const keyIds = [...keyring.keys.keys()];
  if (flags.json) {
    writeJson({ url: server.url, port: server.port, corsOrigins, activeKeyId: keyring.activeKeyId, keyIds });
  } else {
    process.stdout.write(
      [
        `codec server listening on ${server.url}`,
        `  keys:         ${keyIds.join(', ')} (encrypts with ${keyring.activeKeyId})`,
        `  CORS origins: ${corsOrigins.join(', ')}`,
        `  Web UI:       Settings > Codec Server > ${server.url}`,
        `  temporal CLI: --codec-endpoint '${server.url}/{namespace}'`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  }
  await untilInterrupted(() => server.close());
}
