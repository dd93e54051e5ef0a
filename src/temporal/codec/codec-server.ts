import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';

// The Temporal Web UI and CLI codec-server protocol: POST /encode and
// POST /decode (optionally under a /{namespace}/ prefix) with a proto3-JSON
// body `{ "payloads": [{ "metadata": { k: base64 }, "data": base64 }] }`.

/** The dev server's UI origin, on both spellings a browser may use. */
export const DEFAULT_CODEC_CORS_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'] as const;
export const DEFAULT_CODEC_SERVER_HOST = '127.0.0.1';
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback by default: anyone who can reach this server can decrypt. */
  host?: string;
  /** Browser origins allowed to call the server (the Web UI's). */
  corsOrigins?: readonly string[];
  /**
   * Called per request with its headers before any payload is touched; return
   * false to answer 401. The UI can forward the user's token in Authorization.
   */
  authorize?: (headers: http.IncomingHttpHeaders) => boolean | Promise<boolean>;
}

export interface CodecServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

class BadRequest extends Error {}

function fromJson(p: unknown, index: number): Payload {
  if (typeof p !== 'object' || p === null) throw new BadRequest(`payloads[${index}]: expected an object`);
  const { metadata = {}, data } = p as JsonPayload;
  if (typeof metadata !== 'object' || metadata === null) throw new BadRequest(`payloads[${index}].metadata: expected an object`);
  const out: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new BadRequest(`payloads[${index}].metadata.${k}: expected a base64 string`);
    out[k] = Buffer.from(v, 'base64');
  }
  if (data !== undefined && typeof data !== 'string') throw new BadRequest(`payloads[${index}].data: expected a base64 string`);
  return { metadata: out, data: Buffer.from(data ?? '', 'base64') };
}

function toJson(p: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = Buffer.from(v ?? new Uint8Array()).toString('base64');
  return { metadata, data: Buffer.from(p.data ?? new Uint8Array()).toString('base64') };
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Which operation a path asks for: `/decode`, `/encode`, or the same under `/{namespace}/`. */
export function codecOperation(pathname: string): 'encode' | 'decode' | null {
  const last = pathname.split('/').filter((s) => s !== '').pop();
  return last === 'encode' || last === 'decode' ? last : null;
}

export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const origins = new Set(options.corsOrigins ?? DEFAULT_CODEC_CORS_ORIGINS);
  const sockets = new Set<Socket>();

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined && origins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
    }
    // The path as sent, not parsed as a URL: the Temporal CLI asks for `//decode` when its endpoint ends in a
    // `/{namespace}` it leaves empty, which a URL parser would read as a host named "decode".
    const op = codecOperation((req.url ?? '/').split('?')[0] ?? '/');
    if (op === null) return void res.writeHead(404).end();
    if (req.method === 'OPTIONS') return void res.writeHead(origin !== undefined && origins.has(origin) ? 204 : 403).end();
    if (req.method !== 'POST') return void res.writeHead(405, { Allow: 'POST, OPTIONS' }).end();
    if (options.authorize && !(await options.authorize(req.headers))) return void res.writeHead(401).end();
    let payloads: Payload[];
    try {
      const body: unknown = JSON.parse(await readBody(req));
      const list = (body as { payloads?: unknown } | null)?.payloads;
      if (!Array.isArray(list)) throw new BadRequest('body: expected {"payloads": [...]}');
      payloads = list.map(fromJson);
    } catch (err) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end(err instanceof BadRequest ? err.message : 'body: invalid JSON');
      return;
    }
    let result: Payload[];
    try {
      result = op === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
    } catch (err) {
      // The reason (e.g. an unknown key id) helps an operator; it never contains key material.
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end(err instanceof Error ? err.message : 'codec failed');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ payloads: result.map(toJson) }));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? DEFAULT_CODEC_SERVER_HOST;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
