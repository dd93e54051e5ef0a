/**
 * A scriptable fake LLM provider on 127.0.0.1 that speaks OpenAI Chat
 * Completions and Anthropic Messages (JSON and SSE), so the real SDKs can be
 * driven over HTTP without API keys. Each route (the first path segment) is
 * an independent fake deployment, scripted per call number.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { cannedReply, type CannedInput } from './canned';
import { anthropicCannedInput, anthropicErrorBody, anthropicEvents, anthropicMessage } from './wire-anthropic';
import { openaiCannedInput, openaiChunks, openaiCompletion, openaiErrorBody } from './wire-openai';

export type WireProtocol = 'openai' | 'anthropic';

/** Lets a test hold a response until it says so, and learn when the request arrived. */
export interface FakeGate {
  /** Resolves when a request reaches this gate. */
  readonly arrived: Promise<void>;
  readonly isReleased: boolean;
  release(): void;
}

/** What one call to a route does. Omitted fields fall back to a canned success. */
export interface FakeStep {
  /** Non-2xx makes this an error response with `body` (default: the protocol's error shape with `errorMessage`). */
  status?: number;
  headers?: Record<string, string>;
  /** Exact JSON body to send (error or success), replacing the canned one. */
  body?: unknown;
  /** Message for the default error body. */
  errorMessage?: string;
  /** Delay before the response headers. */
  latencyMs?: number;
  /** Streams: delay between the headers and the first chunk. */
  firstTokenDelayMs?: number;
  /** Streams: delay between chunks. */
  chunkDelayMs?: number;
  /** Replace the canned reply text. */
  text?: string;
  /** Protocol-native finish reason (OpenAI `finish_reason` or Anthropic `stop_reason`), e.g. 'content_filter', 'refusal', 'length'. */
  finishReason?: string;
  /** Reported as cached prompt tokens in usage. */
  cachedTokens?: number;
  /** Destroy the socket without answering. */
  reset?: boolean;
  /** Never answer (until the server closes). */
  hang?: boolean;
  /** 200 with a body that is not valid JSON (for streams: a broken `data:` line). */
  malformedJson?: boolean;
  /** Send this many content chunks (JSON: this many bytes of the body), then destroy the socket. */
  cutAfterChunks?: number;
  /** Wait for the gate to be released before answering. */
  gate?: FakeGate;
}

export interface RecordedRequest {
  route: string;
  protocol: WireProtocol;
  /** 1-based call number on this route. */
  callNumber: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  stream: boolean;
  /** `Date.now()` when the request body had been read. */
  receivedAt: number;
}

/**
 * How a response ended: sent in full, closed by the client before the end
 * (an aborted call or a consumer that stopped reading), or cut by the server
 * as scripted (reset, cut mid-stream) or because it was closing.
 */
export type ResponseEnd = 'completed' | 'closed-by-client' | 'closed-by-server';

export interface ScriptOptions {
  /** What every call after the scripted ones does (default: canned success). */
  after?: FakeStep;
}

export interface FakeProviderServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Model name echoed when the request names none. */
  defaultModel?: string;
}

export interface FakeProviderServer {
  /** e.g. `http://127.0.0.1:40123` */
  readonly url: string;
  readonly port: number;
  /** Base URL for the openai SDK (`baseURL`), ending in `/v1`. */
  openaiBaseUrl(route: string): string;
  /** Base URL for @anthropic-ai/sdk (`baseURL`); the SDK appends `/v1/messages`. */
  anthropicBaseUrl(route: string): string;
  /** Base URL for an Azure deployment (`api_base`); the adapter appends `/openai/deployments/...`. */
  azureBaseUrl(route: string): string;
  /** Scripts the next calls on a route, replacing any earlier script; call numbers restart at 1. */
  script(route: string, steps: readonly FakeStep[], options?: ScriptOptions): void;
  /** A gate to put in a step. */
  gate(): FakeGate;
  count(route: string): number;
  requests(route: string): readonly RecordedRequest[];
  /** Resolves once the response to that call (1-based; default the latest) has ended, saying how. */
  responseEnd(route: string, callNumber?: number): Promise<ResponseEnd>;
  /** Resolves once the route has received `n` requests in total (default: one more than now). */
  waitForRequests(route: string, n?: number, timeoutMs?: number): Promise<readonly RecordedRequest[]>;
  /** Forgets scripts, counts and recorded requests; releases held gates. */
  reset(): void;
  /** Stops listening and destroys every open socket, so no handle outlives the test. */
  close(): Promise<void>;
}

const ROUTE_PATTERN = /^[A-Za-z0-9_.-]+$/;

function createGate(): FakeGate {
  let release!: () => void;
  let arrive!: () => void;
  let released = false;
  const releasedPromise = new Promise<void>((resolve) => {
    release = resolve;
  });
  const arrived = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  const gate = {
    arrived,
    get isReleased() {
      return released;
    },
    release() {
      released = true;
      release();
    },
    wait(): Promise<void> {
      arrive();
      return releasedPromise;
    },
  };
  return gate;
}

function delay(ms: number | undefined, closed: Promise<void>): Promise<void> {
  if (!ms || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void closed.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function writeFlushed(res: http.ServerResponse, data: string): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) resolve();
    else res.write(data, () => resolve());
  });
}

interface RouteState {
  steps: readonly FakeStep[];
  after?: FakeStep;
  requests: RecordedRequest[];
  /** Parallel to `requests`. */
  ends: Array<Promise<ResponseEnd>>;
  waiters: Array<{ n: number; resolve: () => void }>;
}

export async function startFakeProviderServer(options: FakeProviderServerOptions = {}): Promise<FakeProviderServer> {
  const routes = new Map<string, RouteState>();
  const sockets = new Set<Socket>();
  const gates = new Set<FakeGate>();
  let closing = false;
  let signalClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    signalClosed = resolve;
  });

  const stateOf = (route: string): RouteState => {
    let state = routes.get(route);
    if (!state) {
      state = { steps: [], requests: [], ends: [], waiters: [] };
      routes.set(route, state);
    }
    return state;
  };

  const server = http.createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const segments = url.pathname.split('/').filter((s) => s !== '');
    const protocol: WireProtocol | undefined = url.pathname.endsWith('/chat/completions')
      ? 'openai'
      : url.pathname.endsWith('/messages')
        ? 'anthropic'
        : undefined;
    const route = segments[0] === 'v1' || segments.length === 0 ? 'default' : (segments[0] ?? 'default');
    const raw = await readBody(req);
    if (!protocol || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(openaiErrorBody(404, `no fake endpoint at ${req.method} ${url.pathname}`)));
      return;
    }
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      // Recorded as-is; the canned reply copes with an empty request.
    }
    const state = stateOf(route);
    const callNumber = state.requests.length + 1;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => {
      query[k] = v;
    });
    const stream = body.stream === true;
    state.requests.push({ route, protocol, callNumber, method: req.method, path: url.pathname, query, headers, body, stream, receivedAt: Date.now() });
    let cutByServer = false;
    state.ends.push(
      new Promise<ResponseEnd>((resolve) => {
        res.once('close', () => resolve(res.writableFinished ? 'completed' : cutByServer || closing ? 'closed-by-server' : 'closed-by-client'));
      }),
    );
    state.waiters = state.waiters.filter((w) => {
      if (state.requests.length >= w.n) w.resolve();
      return state.requests.length < w.n;
    });

    const step: FakeStep = state.steps[callNumber - 1] ?? state.after ?? {};
    if (step.gate) await (step.gate as FakeGate & { wait(): Promise<void> }).wait();
    await delay(step.latencyMs, closed);
    if (closing) return;

    if (step.hang) return; // the socket is destroyed on close()
    if (step.reset) {
      cutByServer = true;
      req.socket.destroy();
      return;
    }
    const extraHeaders = step.headers ?? {};
    const status = step.status ?? 200;
    if (status >= 300) {
      const message = step.errorMessage ?? `fake ${status} from route "${route}"`;
      const errorBody = step.body ?? (protocol === 'openai' ? openaiErrorBody(status, message) : anthropicErrorBody(status, message));
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_fake_${route}_${callNumber}`, ...extraHeaders });
      res.end(typeof errorBody === 'string' ? errorBody : JSON.stringify(errorBody));
      return;
    }

    const canned: CannedInput = protocol === 'openai' ? openaiCannedInput(body, route) : anthropicCannedInput(body, route);
    const reply = cannedReply(canned);
    if (step.text !== undefined) reply.text = step.text;
    const promptText = canned.messages.map((m) => m.text).join('\n');
    const model = typeof body.model === 'string' ? body.model : (options.defaultModel ?? 'fake-model');
    const id = `${protocol === 'openai' ? 'chatcmpl' : 'msg'}_fake_${route}_${callNumber}`;
    const render = { id, model, promptText, callNumber, cachedTokens: step.cachedTokens ?? 0, finishReason: step.finishReason, stopReason: step.finishReason, created: 1_700_000_000 };
    const baseHeaders = { 'x-request-id': `req_fake_${route}_${callNumber}`, ...extraHeaders };

    if (!stream) {
      if (step.malformedJson) {
        res.writeHead(200, { 'content-type': 'application/json', ...baseHeaders }).end('{"id": "broken", "choices": [');
        return;
      }
      const payload = JSON.stringify(step.body ?? (protocol === 'openai' ? openaiCompletion(reply, render) : anthropicMessage(reply, render)));
      if (step.cutAfterChunks !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...baseHeaders });
        await writeFlushed(res, payload.slice(0, Math.max(1, step.cutAfterChunks)));
        cutByServer = true;
        res.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', ...baseHeaders }).end(payload);
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...baseHeaders });
    res.flushHeaders();
    await delay(step.firstTokenDelayMs, closed);
    if (closing) return;
    if (step.malformedJson) {
      res.end(protocol === 'openai' ? 'data: {"id": "broken", "choices": [\n\n' : 'event: message_start\ndata: {"type": "message_start", "message": \n\n');
      return;
    }
    const frames: Array<{ frame: string; content: boolean }> = [];
    if (protocol === 'openai') {
      const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
      for (const chunk of openaiChunks(reply, render, includeUsage)) {
        const choices = chunk.choices as Array<{ delta: Record<string, unknown> }>;
        const delta = choices[0]?.delta;
        frames.push({ frame: `data: ${JSON.stringify(chunk)}\n\n`, content: typeof delta?.content === 'string' && delta.content !== '' || delta?.tool_calls !== undefined });
      }
      frames.push({ frame: 'data: [DONE]\n\n', content: false });
    } else {
      for (const [event, data] of anthropicEvents(reply, render)) {
        frames.push({ frame: `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`, content: data.type === 'content_block_delta' });
      }
    }
    let contentSent = 0;
    for (const { frame, content } of frames) {
      if (closing || res.destroyed) return;
      if (content && step.cutAfterChunks !== undefined && contentSent >= step.cutAfterChunks) {
        cutByServer = true;
        res.destroy();
        return;
      }
      // Wait for the kernel to take each frame, so a later cut cannot discard it.
      await writeFlushed(res, frame);
      if (content) {
        contentSent += 1;
        await delay(step.chunkDelayMs, closed);
      }
    }
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const checkRoute = (route: string): string => {
    if (!ROUTE_PATTERN.test(route)) throw new Error(`fake route "${route}" must match ${ROUTE_PATTERN}`);
    return route;
  };

  return {
    url,
    port,
    openaiBaseUrl: (route) => `${url}/${checkRoute(route)}/v1`,
    anthropicBaseUrl: (route) => `${url}/${checkRoute(route)}`,
    azureBaseUrl: (route) => `${url}/${checkRoute(route)}`,
    script(route, steps, scriptOptions = {}) {
      const state = stateOf(checkRoute(route));
      state.steps = [...steps];
      state.after = scriptOptions.after;
      state.requests = [];
      state.ends = [];
    },
    gate() {
      const gate = createGate();
      gates.add(gate);
      return gate;
    },
    count: (route) => routes.get(route)?.requests.length ?? 0,
    requests: (route) => [...(routes.get(route)?.requests ?? [])],
    responseEnd(route, callNumber) {
      const ends = routes.get(route)?.ends ?? [];
      const end = ends[(callNumber ?? ends.length) - 1];
      return end ?? Promise.reject(new Error(`fake route "${route}" has no call ${callNumber ?? ends.length}`));
    },
    waitForRequests(route, n, timeoutMs = 10_000) {
      const state = stateOf(checkRoute(route));
      const target = n ?? state.requests.length + 1;
      if (state.requests.length >= target) return Promise.resolve([...state.requests]);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fake route "${route}": ${state.requests.length} of ${target} requests after ${timeoutMs} ms`)), timeoutMs);
        state.waiters.push({
          n: target,
          resolve: () => {
            clearTimeout(timer);
            resolve([...state.requests]);
          },
        });
      });
    },
    reset() {
      for (const gate of gates) gate.release();
      gates.clear();
      routes.clear();
    },
    async close() {
      closing = true;
      signalClosed();
      for (const gate of gates) gate.release();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
