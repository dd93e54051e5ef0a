// Our HTTP transport (src/providers/http-fetch.ts) against a real server on
// 127.0.0.1: it answers like the global fetch where the SDKs and our error
// taxonomy look (status, headers, streamed body, how a connection failure
// and an abort reject), and hands what it does not do to the global fetch.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyProviderError } from '../../../src/errors';
import { httpFetch } from '../../../src/providers/http-fetch';

let server: Server;
let base: string;
const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];

/** Requests served per connection, for the stale-socket case. */
const perSocket = new WeakMap<object, number>();

function handle(req: IncomingMessage, res: ServerResponse): void {
  const n = (perSocket.get(req.socket) ?? 0) + 1;
  perSocket.set(req.socket, n);
  // '/second-resets': a kept-alive connection dies as its second request arrives.
  if (req.url === '/second-resets' && n >= 2) {
    seen.push({ method: req.method ?? '', url: `${req.url} (reset)`, headers: req.headers, body: '' });
    req.socket.destroy();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
    if (req.url === '/json') {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2', 'set-cookie': ['a=1', 'b=2'] });
      res.end('{"error":{"message":"slow down"}}');
    } else if (req.url === '/ok-json') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req_1' });
      // The body in three writes: the transport reads it whole before it answers.
      res.write('\ufeff{"choices":[{"text":');
      setTimeout(() => res.end('"ü"}],"n":1}'), 20);
      res.write('\n ');
    } else if (req.url === '/cut-json') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"choices":[');
      setTimeout(() => req.socket.destroy(), 20);
    } else if (req.url === '/slow-json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"choices":[');
      const timer = setTimeout(() => res.end(']}'), 5_000);
      res.on('close', () => clearTimeout(timer));
    } else if (req.url === '/empty') {
      res.writeHead(204).end();
    } else if (req.url === '/moved') {
      res.writeHead(307, { location: '/json' }).end();
    } else if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let n = 0;
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        res.write(`data: ${n++}\n\n`);
      }, 10);
      res.on('close', () => clearInterval(timer));
    } else {
      res.writeHead(200).end('ok');
    }
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen.length = 0;
});

test('sends method, headers and a string body; answers with status, headers and the body', async () => {
  const response = await httpFetch(`${base}/json`, { method: 'POST', headers: new Headers({ 'x-api-key': 'k', 'content-type': 'application/json' }), body: '{"q":"ü"}' });
  expect(response.status).toBe(429);
  expect(response.ok).toBe(false);
  expect(response.headers.get('retry-after')).toBe('2');
  expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
  expect(await response.clone().text()).toBe('{"error":{"message":"slow down"}}');
  expect(await response.json()).toEqual({ error: { message: 'slow down' } });
  expect(seen).toEqual([expect.objectContaining({ method: 'POST', url: '/json', body: '{"q":"ü"}' })]);
  expect(seen[0]?.headers).toMatchObject({ 'x-api-key': 'k', 'content-length': String(Buffer.byteLength('{"q":"ü"}')) });
  expect(seen[0]?.headers['accept-encoding']).toBeUndefined();
});

test('a 204 has no body; a redirect is followed as the global fetch follows it', async () => {
  const empty = await httpFetch(`${base}/empty`);
  expect(empty.status).toBe(204);
  expect(empty.body).toBeNull();
  const moved = await httpFetch(`${base}/moved`);
  expect(moved.status).toBe(429);
  expect(seen.map((s) => s.url)).toEqual(['/empty', '/moved', '/moved', '/json']);
});

test('a body it does not send itself (FormData) goes to the global fetch', async () => {
  const form = new FormData();
  form.append('purpose', 'batch');
  const response = await httpFetch(`${base}/upload`, { method: 'POST', body: form });
  expect(response.status).toBe(200);
  expect(seen[0]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  expect(seen[0]?.body).toContain('batch');
});

test('a refused connection rejects as the global fetch does, and classifies as an APIConnectionError', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const ours = await httpFetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
  const theirs = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
  for (const err of [ours, theirs]) {
    expect((err as Error).name).toBe('TypeError');
    expect((err as TypeError).message).toBe('fetch failed');
    expect(((err as TypeError).cause as { code?: string }).code).toBe('ECONNREFUSED');
  }
  expect(classifyProviderError(ours, { provider: 'openai', deployment: 'd' }).name).toBe('APIConnectionError');
});

test('an abort before the answer rejects with the signal\'s reason; during a streamed body, the body fails with it', async () => {
  const early = new AbortController();
  early.abort();
  await expect(httpFetch(`${base}/json`, { signal: early.signal })).rejects.toMatchObject({ name: 'AbortError' });

  const controller = new AbortController();
  const response = await httpFetch(`${base}/stream`, { signal: controller.signal });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toContain('data: 0');
  controller.abort(new DOMException('deployment timeout', 'TimeoutError'));
  let caught: unknown;
  try {
    for (;;) if ((await reader.read()).done) break;
  } catch (err) {
    caught = err;
  }
  expect(caught).toMatchObject({ name: 'TimeoutError', message: 'deployment timeout' });
});

test('a connection reset on a reused kept-alive connection fails the call (the server may have taken the request): it is not sent twice', async () => {
  // Each body read to its end, so the connection goes back to the pool for the next request.
  expect(await (await httpFetch(`${base}/second-resets`, { method: 'POST', body: '{}' })).text()).toBe('ok');
  const err = await httpFetch(`${base}/second-resets`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
  expect(seen.map((s) => s.url)).toEqual(['/second-resets', '/second-resets (reset)']);
  expect((err as Error).message).toBe('fetch failed');
  expect(((err as Error).cause as { code?: string }).code).toBe('ECONNRESET');
  expect(classifyProviderError(err, { provider: 'openai', deployment: 'd' }).name).toBe('APIConnectionError');
});

test('a JSON answer is read whole and reads like a standard Response: once, by any reader, cloned before it is read', async () => {
  const response = await httpFetch(`${base}/ok-json`);
  expect(response).toBeInstanceOf(Response);
  expect(response.status).toBe(200);
  expect(response.ok).toBe(true);
  expect(response.headers.get('x-request-id')).toBe('req_1');
  expect(response.bodyUsed).toBe(false);
  const copy = response.clone();
  expect(await response.json()).toEqual({ choices: [{ text: 'ü' }], n: 1 });
  expect(response.bodyUsed).toBe(true);
  await expect(response.text()).rejects.toThrow(TypeError);
  expect(() => response.clone()).toThrow(TypeError);
  // The copy's body as a stream, as an SDK that streams would read it: the same text as text() gives (the standard
  // reader drops the byte order mark, as ours does).
  const streamed = await new Response(copy.body).text();
  expect(streamed).toBe('{"choices":[{"text":\n "ü"}],"n":1}');
  expect(copy.bodyUsed).toBe(true);
  const again = await httpFetch(`${base}/ok-json`);
  expect(new TextDecoder().decode(await again.arrayBuffer())).toContain('"n":1');
  expect(await (await httpFetch(`${base}/ok-json`)).text()).toBe('{"choices":[{"text":\n "ü"}],"n":1}');
});

test('a JSON answer cut on the way fails the call as a lost connection; an abort while it arrives rejects with the reason', async () => {
  const cut = await httpFetch(`${base}/cut-json`).catch((e: unknown) => e);
  expect((cut as Error).message).toBe('fetch failed');
  expect(((cut as Error).cause as { code?: string }).code).toBe('ECONNRESET');
  expect(classifyProviderError(cut, { provider: 'openai', deployment: 'd' }).name).toBe('APIConnectionError');

  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort(new DOMException('deployment timeout', 'TimeoutError')), 50);
  await expect(httpFetch(`${base}/slow-json`, { signal: controller.signal })).rejects.toMatchObject({ name: 'TimeoutError', message: 'deployment timeout' });
  expect(Date.now() - started).toBeLessThan(2_000);
});
