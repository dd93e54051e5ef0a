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
 * classify as before); an abort rejects with an `AbortError`.
 *
 * A JSON answer (the SDKs read it whole at once) is read whole before the
 * call resolves and served from its bytes, so no web stream is built for it
 * unless someone asks for `body`: the stream, its Node adapter and the
 * reader behind `json()` were the largest cost left in a gateway request
 * after the SDK itself. A cut while that body arrives rejects the call as a
 * failed connection, as a cut before the answer would. Anything else
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

/** `application/json` and `…+json`: answers the SDKs parse whole. Everything else (SSE, files) streams. */
function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const media = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json' || media.endsWith('+json');
}

/**
 * A Response over bytes already read. `text()` and `json()` decode them
 * directly; `body`, and every other way to read it, go through a standard
 * Response made from the bytes on first use, so it reads like any other.
 */
class BufferedResponse extends Response {
  readonly #bytes: Buffer;
  readonly #init: ResponseInit;
  #used = false;
  #standard: Response | undefined;

  constructor(bytes: Buffer, init: ResponseInit) {
    super(null, init);
    this.#bytes = bytes;
    this.#init = init;
  }

  /** The standard Response these bytes would have made; from then on it holds the body's state. */
  standard(): Response {
    this.#standard ??= new Response(this.#used ? null : this.#bytes, this.#init);
    return this.#standard;
  }

  used(): boolean {
    return this.#standard === undefined ? this.#used : this.#standard.bodyUsed;
  }

  readText(): Promise<string> {
    if (this.#standard !== undefined) return this.#standard.text();
    if (this.#used) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.#used = true;
    // As the standard reader does, a UTF-8 byte order mark is not part of the text.
    const bytes = this.#bytes;
    const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    return Promise.resolve(bytes.toString('utf8', bom ? 3 : 0));
  }

  copy(): Response {
    if (this.used()) throw new TypeError('Response.clone: Body has already been consumed.');
    // Each Response copies the init's headers into its own, so a clone shares nothing with this one.
    return new BufferedResponse(this.#bytes, this.#init);
  }
}
// TypeScript's lib declares Response's members as properties, so a subclass cannot override them as methods or
// accessors; they are defined on the prototype instead. Readers other than text() and json() (arrayBuffer, blob,
// formData, and bytes where Node has it) use the standard Response.
const method = (value: (this: BufferedResponse) => unknown): PropertyDescriptor => ({ configurable: true, writable: true, value });
const standardReader = (name: string) => method(function read(this: BufferedResponse) {
  const standard = this.standard() as unknown as Record<string, () => unknown>;
  return standard[name]?.call(standard);
});
Object.defineProperties(BufferedResponse.prototype, {
  body: { configurable: true, get(this: BufferedResponse) { return this.standard().body; } },
  bodyUsed: { configurable: true, get(this: BufferedResponse) { return this.used(); } },
  text: method(function text(this: BufferedResponse) { return this.readText(); }),
  json: method(function json(this: BufferedResponse) { return this.readText().then((t) => JSON.parse(t) as unknown); }),
  clone: method(function clone(this: BufferedResponse) { return this.copy(); }),
  ...Object.fromEntries(['arrayBuffer', 'blob', 'formData', 'bytes'].filter((n) => n in Response.prototype).map((n) => [n, standardReader(n)])),
});

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

/** What a call that failed on its connection rejects with: the abort's reason if it was aborted, else the global fetch's error. */
function connectionFailure(err: unknown, signal: AbortSignal | undefined): unknown {
  return signal?.aborted ? abortError(signal) : new TypeError('fetch failed', { cause: err });
}

/** The whole body; a cut (or an abort) on the way rejects as the call itself would have. */
function readWhole(res: http.IncomingMessage, signal: AbortSignal | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const fail = (err: unknown) => reject(connectionFailure(err, signal));
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.once('error', fail);
    res.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    res.once('close', () => {
      if (!res.complete) fail(Object.assign(new Error('the connection closed before the response body was complete'), { code: 'ECONNRESET' }));
    });
  });
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
      res.once('close', () => signal?.removeEventListener('abort', onAbort));
      const answer = { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res.headers) };
      if (NULL_BODY.has(status)) {
        res.resume();
        resolve(new Response(null, answer));
      } else if (isJson(res.headers['content-type'])) {
        readWhole(res, signal).then((bytes) => resolve(new BufferedResponse(bytes, answer)), reject);
      } else {
        resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, answer));
      }
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
      reject(connectionFailure(err, signal));
    });
    req.end(body);
  });
};
