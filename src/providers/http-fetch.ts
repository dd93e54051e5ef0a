/**
 * The `fetch` our SDK clients call providers with: Node's `http`/`https`
 * with keep-alive agents, answering with a standard `Response`.
 *
 * Why not the global `fetch`: its spec machinery (request and header
 * cloning, CORS and redirect policy, body mixins over web streams) cost
 * about 0.19 ms of CPU per call on this project's bench machine, more than
 * all of the routing around the call. This keeps what a provider call needs:
 * method, headers, a string or byte body, an abort signal (the SDKs' own
 * timeouts abort through it), and a streamed body for SSE.
 *
 * It behaves like the global `fetch` where the SDKs and our error taxonomy
 * look: a failed connection rejects with `TypeError('fetch failed')` whose
 * `cause` is the socket error (so `ECONNREFUSED`, `ECONNRESET` and the rest
 * classify as before); an abort rejects with an `AbortError`. Anything else
 * (a FormData or stream body, a redirect, a non-http URL) goes to the global
 * `fetch`, unchanged. No `accept-encoding` is sent, so nothing arrives
 * compressed.
 */
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

/**
 * An idle kept-alive connection is closed after this, or sooner when the
 * server announces a shorter `Keep-Alive: timeout` (Node's agent honours the
 * hint only when it has a timeout of its own). The global fetch keeps idle
 * connections 4 s too. A connection the server closed as it was reused
 * fails the call as a reset: it cannot be told from a server that took the
 * request and died, so it is not sent twice.
 */
export const IDLE_CONNECTION_TIMEOUT_MS = 4_000;

const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_TIMEOUT_MS }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_TIMEOUT_MS }),
};

/** Statuses whose Response may not have a body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

type RequestBody = string | Uint8Array | undefined;

function plainBody(body: RequestInit['body']): RequestBody | null {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  return null;
}

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  if (headers instanceof Headers) headers.forEach((value, name) => (out[name] = value));
  else if (Array.isArray(headers)) for (const [name, value] of headers as Array<[string, string]>) out[name.toLowerCase()] = value;
  else for (const [name, value] of Object.entries(headers as Record<string, string>)) out[name.toLowerCase()] = value;
  return out;
}

function responseHeaders(raw: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  return headers;
}

/** What the global fetch rejects with on an abort: the signal's reason. */
function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

export const httpFetch: typeof fetch = (input, init) => {
  const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : new URL(input.url);
  const body = plainBody(init?.body);
  const agent = agents[url.protocol as keyof typeof agents];
  const isRequest = typeof input === 'object' && !(input instanceof URL);
  if (agent === undefined || body === null || isRequest || (init?.redirect !== undefined && init.redirect !== 'follow')) {
    return fetch(input, init);
  }
  const signal = init?.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const headers = headerRecord(init?.headers);
  if (body !== undefined) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    let incoming: http.IncomingMessage | undefined;
    const req = request(url, { agent, method: init?.method ?? 'GET', headers }, (res) => {
      settled = true;
      incoming = res;
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location !== undefined) {
        // A redirect: the global fetch follows it, with its rules.
        res.resume();
        signal?.removeEventListener('abort', onAbort);
        resolve(fetch(input, init));
        return;
      }
      const stream = NULL_BODY.has(status) ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
      if (stream === null) res.resume();
      res.once('close', () => signal?.removeEventListener('abort', onAbort));
      resolve(new Response(stream, { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res.headers) }));
    });
    // Before the response, the request fails with the abort; after it, the body does (as the global fetch's would),
    // so an SDK reading a stream sees an AbortError, not a reset connection.
    const onAbort = () => {
      const reason = abortError(signal as AbortSignal) as Error;
      if (incoming !== undefined) incoming.destroy(reason);
      else req.destroy(reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.once('error', (err) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(abortError(signal));
      else reject(new TypeError('fetch failed', { cause: err }));
    });
    req.end(body);
  });
};
