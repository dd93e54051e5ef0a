import type { Command } from 'commander';
import type { CodecServerFlags } from '../actions/codec-server';
import { collect, parseListenPort } from '../parse';

// Loaded on first use; see commands/batch.ts.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const actions = (): typeof import('../actions/codec-server') => require('../actions/codec-server') as typeof import('../actions/codec-server');

export const DEFAULT_CODEC_SERVER_PORT = 8081;

export function registerCodecServer(program: Command): void {
  program
    .command('codec-server')
    .description('Serve /encode and /decode with the payload codec of LLM_ROUTER_CODEC_KEYS, so the Temporal Web UI and the temporal CLI show decrypted payloads')
    .option('--port <port>', `port to listen on (0: any free port)`, parseListenPort, DEFAULT_CODEC_SERVER_PORT)
    .option('--host <address>', 'address to bind; anyone who can reach the server can decrypt', '127.0.0.1')
    .option('--cors-origin <origin>', 'browser origin allowed to call it, the Web UI\'s (repeatable; default http://localhost:8233 and http://127.0.0.1:8233)', collect)
    .option('--json', 'print the URL as one JSON line')
    .action(async (flags: CodecServerFlags) => actions().runCodecServer(flags));
}
