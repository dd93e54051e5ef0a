/**
 * A scriptable fake LLM provider on 127.0.0.1 that speaks OpenAI Chat
 * Completions and embeddings, Anthropic Messages (also as Vertex
 * `:rawPredict`), Gemini generateContent (Gemini API and Vertex AI, JSON and
 * `alt=sse`), Bedrock Converse / ConverseStream (binary event stream) and
 * InvokeModel, and Google's OAuth token exchange, so the real SDKs can be
 * driven over HTTP without credentials. Each route (the first path segment)
 * is an independent fake deployment, scripted per call number. Rendering
 * lives in one module per wire (wire-*.ts); this file routes and scripts.
 */
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { cannedReply, fakeTokens, type CannedInput, type CannedReply } from './canned';
import { anthropicCannedInput, anthropicErrorBody, anthropicEvents, anthropicMessage } from './wire-anthropic';
import {
  bedrockCannedInput, bedrockErrorBody, bedrockErrorName, converseResponse, converseStreamEvents, eventFrame, exceptionFrame, invokeEmbeddingResponse,
  verifySigV4, type SigV4Result,
} from './wire-bedrock';
import { geminiCannedInput, geminiEmbedResponse, geminiErrorBody, geminiResponse, geminiStreamChunks, fakeVector, FAKE_EMBEDDING_DIMENSIONS } from './wire-gemini';
import { checkTokenRequest, oauthErrorBody, type TokenGrant } from './wire-google-oauth';
import { createFakeBatches, type FakeBatchRecord, type FakeBatchScript } from './wire-batches';
import { openaiCannedInput, openaiChunks, openaiCompletion, openaiErrorBody } from './wire-openai';

export type WireProtocol = 'openai' | 'anthropic' | 'gemini' | 'bedrock' | 'google-oauth';

/** What the fake saw of a request's credentials: a SigV4 check, an OAuth grant, or a Vertex bearer token. */
export type RecordedAuth = SigV4Result | TokenGrant | { readonly scheme: string; readonly token?: string; readonly problem?: string };

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
  /** Streams: after `cutAfterChunks` (default 0) content chunks, send the wire's in-stream error for this status and end. */
  streamError?: { status: number; message?: string };
}

export interface RecordedRequest {
  route: string;
  protocol: WireProtocol;
  kind: EndpointKind;
  /** Model named in the URL (Gemini, Vertex, Bedrock). */
  model?: string;
  /** Credentials as the fake checked them (Bedrock, Vertex and the token endpoint). */
  auth?: RecordedAuth;
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
  /** AWS keys the Bedrock wire verifies SigV4 signatures with (without them it checks the header's form only). */
  aws?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** PEM public key of the service account whose JWT assertions the token endpoint verifies. */
  googleServiceAccountPublicKey?: string;
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
  /** `api_base` for a Gemini API deployment; @google/genai appends `/v1beta/models/...`. */
  geminiBaseUrl(route: string): string;
  /** `api_base` for a Bedrock deployment (the runtime endpoint); the SDK appends `/model/<id>/converse`. */
  bedrockEndpoint(route: string): string;
  /** `api_base` for a Vertex AI deployment; the SDKs append `/v1beta1/projects/...` (Gemini) or `/v1/projects/...` (Claude). */
  vertexBaseUrl(route: string): string;
  /** A `token_uri` for service-account keys: Google's token exchange, answered on this route. */
  googleTokenUri(route: string): string;
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
  /** Scripts the batches a route accepts (OpenAI Batch API, Anthropic Message Batches): outcome per request, polls before the end. */
  scriptBatches(route: string, script: FakeBatchScript): void;
  /** The batches a route has accepted, with their requests, polls and whether they were cancelled. */
  batches(route: string): FakeBatchRecord[];
  /** Forgets scripts, counts and recorded requests; releases held gates. */
  reset(): void;
  /** Stops listening and destroys every open socket, so no handle outlives the test. */
  close(): Promise<void>;
}

const ROUTE_PATTERN = /^[A-Za-z0-9_.-]+$/;

export type EndpointKind = 'chat' | 'embeddings' | 'token';

interface Endpoint {
  protocol: WireProtocol;
  route: string;
  kind: EndpointKind;
  /** Set by the URL (Gemini `:streamGenerateContent`, Bedrock `converse-stream`); else the body's `stream`. */
  stream?: boolean;
  model?: string;
  /** A Vertex AI path (`/projects/.../locations/...`): needs a bearer token issued by the token route. */
  vertex?: boolean;
  /** The Gemini method or Bedrock operation. */
  method?: string;
}

/** Which wire a POST path speaks, and for which route (its first segment; `/v1/...` is route "default"). */
function matchEndpoint(pathname: string): Endpoint | undefined {
  const segments = pathname.split('/').filter((x) => x !== '');
  const route = segments[0] === 'v1' || segments.length === 0 ? 'default' : (segments[0] ?? 'default');
  const vertex = /\/projects\/[^/]+\/locations\/[^/]+\//.test(pathname);
  const google = /\/models\/([^/:]+):([A-Za-z]+)$/.exec(pathname);
  if (google) {
    const model = decodeURIComponent(google[1] as string);
    const method = google[2] as string;
    if (method === 'rawPredict' || method === 'streamRawPredict') return { protocol: 'anthropic', route, kind: 'chat', model, vertex, method };
    if (method === 'generateContent') return { protocol: 'gemini', route, kind: 'chat', stream: false, model, vertex, method };
    if (method === 'streamGenerateContent') return { protocol: 'gemini', route, kind: 'chat', stream: true, model, vertex, method };
    if (method === 'embedContent' || method === 'batchEmbedContents' || method === 'predict') return { protocol: 'gemini', route, kind: 'embeddings', stream: false, model, vertex, method };
    return undefined;
  }
  const bedrock = /\/model\/([^/]+)\/(converse|converse-stream|invoke)$/.exec(pathname);
  if (bedrock) {
    const model = decodeURIComponent(bedrock[1] as string);
    const method = bedrock[2] as string;
    return { protocol: 'bedrock', route, kind: method === 'invoke' ? 'embeddings' : 'chat', stream: method === 'converse-stream', model, method };
  }
  if (pathname.endsWith('/chat/completions')) return { protocol: 'openai', route, kind: 'chat' };
  if (pathname.endsWith('/embeddings')) return { protocol: 'openai', route, kind: 'embeddings', stream: false };
  if (pathname.endsWith('/messages')) return { protocol: 'anthropic', route, kind: 'chat' };
  if (pathname.endsWith('/token')) return { protocol: 'google-oauth', route, kind: 'token', stream: false };
  return undefined;
}

function errorBodyFor(protocol: WireProtocol, status: number, message: string): unknown {
  switch (protocol) {
    case 'openai':
      return openaiErrorBody(status, message);
    case 'anthropic':
      return anthropicErrorBody(status, message);
    case 'gemini':
      return geminiErrorBody(status, message);
    case 'bedrock':
      return bedrockErrorBody(status, message);
    case 'google-oauth':
      return oauthErrorBody(status, message);
  }
}

function cannedInputFor(protocol: WireProtocol, body: Record<string, unknown>, route: string): CannedInput {
  if (protocol === 'anthropic') return anthropicCannedInput(body, route);
  if (protocol === 'gemini') return geminiCannedInput(body, route);
  if (protocol === 'bedrock') return bedrockCannedInput(body, route);
  return openaiCannedInput(body, route);
}

type Render = { id: string; model: string; promptText: string; callNumber: number; cachedTokens: number; finishReason?: string; stopReason?: string; created: number };

function completionFor(protocol: WireProtocol, reply: CannedReply, render: Render): unknown {
  if (protocol === 'anthropic') return anthropicMessage(reply, render);
  if (protocol === 'gemini') return geminiResponse(reply, render);
  if (protocol === 'bedrock') return converseResponse(reply, render);
  return openaiCompletion(reply, render);
}

function streamFramesFor(protocol: WireProtocol, reply: CannedReply, render: Render, body: Record<string, unknown>): Array<{ frame: string | Uint8Array; content: boolean }> {
  switch (protocol) {
    case 'openai': {
      const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
      const frames = openaiChunks(reply, render, includeUsage).map((chunk) => {
        const delta = (chunk.choices as Array<{ delta: Record<string, unknown> }>)[0]?.delta;
        return { frame: `data: ${JSON.stringify(chunk)}\n\n`, content: (typeof delta?.content === 'string' && delta.content !== '') || delta?.tool_calls !== undefined };
      });
      return [...frames, { frame: 'data: [DONE]\n\n', content: false }];
    }
    case 'anthropic':
      return anthropicEvents(reply, render).map(([event, data]) => ({ frame: `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`, content: data.type === 'content_block_delta' }));
    case 'gemini':
      // Google ends each SSE event with CRLF pairs.
      return geminiStreamChunks(reply, render).map(({ data, content }) => ({ frame: `data: ${JSON.stringify(data)}\r\n\r\n`, content }));
    case 'bedrock':
      return converseStreamEvents(reply, render).map(({ type, payload, content }) => ({ frame: eventFrame(type, payload), content }));
    default:
      return [];
  }
}

function malformedStreamFor(protocol: WireProtocol): string | Uint8Array {
  if (protocol === 'openai') return 'data: {"id": "broken", "choices": [\n\n';
  if (protocol === 'gemini') return 'data: {"candidates": [\r\n\r\n';
  // A frame whose length prelude promises more than follows, then a bad CRC.
  if (protocol === 'bedrock') return Uint8Array.from([0, 0, 0, 40, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  return 'event: message_start\ndata: {"type": "message_start", "message": \n\n';
}

function streamErrorFrame(protocol: WireProtocol, status: number, message: string): string | Uint8Array {
  if (protocol === 'bedrock') {
    const name = bedrockErrorName(status);
    return exceptionFrame(name.charAt(0).toLowerCase() + name.slice(1), message);
  }
  if (protocol === 'gemini') return `data: ${JSON.stringify(geminiErrorBody(status, message))}\r\n\r\n`;
  if (protocol === 'anthropic') return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(status, message))}\n\n`;
  return `data: ${JSON.stringify(openaiErrorBody(status, message))}\n\n`;
}

function embeddingAnswer(protocol: WireProtocol, endpoint: Endpoint, body: Record<string, unknown>): { body: unknown; headers?: Record<string, string> } {
  if (protocol === 'gemini') return { body: geminiEmbedResponse(body, endpoint.method ?? '') };
  if (protocol === 'bedrock') {
    const answer = invokeEmbeddingResponse(endpoint.model ?? '', body);
    if (!answer) return { body: { message: `fake InvokeModel serves embedding models only, not ${endpoint.model ?? ''}` } };
    return { body: answer.body, headers: { 'x-amzn-bedrock-input-token-count': String(answer.inputTokens) } };
  }
  const inputs = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? (body.input as unknown[]).map(String) : [];
  const dims = typeof body.dimensions === 'number' ? body.dimensions : FAKE_EMBEDDING_DIMENSIONS;
  const tokens = inputs.reduce((sum, t) => sum + fakeTokens(t), 0);
  return {
    body: {
      object: 'list',
      data: inputs.map((t, index) => ({ object: 'embedding', index, embedding: fakeVector(t, dims) })),
      model: typeof body.model === 'string' ? body.model : 'fake-embedding',
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
  };
}

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

// The AWS SDK's Bedrock client speaks HTTP/2 (cleartext to an http: endpoint), so the Bedrock wire
// is also served over h2c on a second port; both servers share routes, scripts and records.
type FakeRequest = http.IncomingMessage | http2.Http2ServerRequest;
type FakeResponse = http.ServerResponse | http2.Http2ServerResponse;

function endedNormally(res: FakeResponse): boolean {
  // An HTTP/2 response reports itself finished even when the client reset the stream.
  if ('stream' in res) return res.writableEnded && !res.stream.aborted && res.stream.rstCode === http2.constants.NGHTTP2_NO_ERROR;
  return res.writableFinished;
}

/** Drops the connection (HTTP/1.1) or resets the stream (HTTP/2), mid-answer or before one. */
function cut(req: FakeRequest, res: FakeResponse): void {
  if ('stream' in req) req.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  else req.socket.destroy();
  void res;
}

function writeFlushed(res: FakeResponse, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) resolve();
    else (res as http.ServerResponse).write(data, () => resolve());
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
  const issuedTokens = new Set<string>();
  const batchWire = createFakeBatches();
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

  const onRequest = (req: FakeRequest, res: FakeResponse): void => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
  const server = http.createServer(onRequest);
  const h2server = http2.createServer(onRequest);
  for (const s of [server, h2server]) {
    s.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  }

  async function readBody(req: FakeRequest): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handle(req: FakeRequest, res: FakeResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const batchAnswer = answerBatch(req, url, raw);
    if (batchAnswer) {
      res.writeHead(batchAnswer.status, { 'content-type': batchAnswer.contentType }).end(batchAnswer.body);
      return;
    }
    const endpoint = req.method === 'POST' ? matchEndpoint(url.pathname) : undefined;
    if (!endpoint) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(openaiErrorBody(404, `no fake endpoint at ${req.method} ${url.pathname}`)));
      return;
    }
    const { protocol, route, kind } = endpoint;
    let body: Record<string, unknown> = {};
    if (kind !== 'token') {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // Recorded as-is; the canned reply copes with an empty request.
      }
    }
    const state = stateOf(route);
    const callNumber = state.requests.length + 1;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => {
      query[k] = v;
    });
    const stream = endpoint.stream ?? body.stream === true;
    const auth = await authOf(protocol, endpoint, { method: req.method ?? 'POST', path: url.pathname, query, headers, body: raw });
    const recorded: RecordedRequest = { route, protocol, kind, callNumber, method: req.method ?? 'POST', path: url.pathname, query, headers, body: kind === 'token' ? Object.fromEntries(new URLSearchParams(raw)) : body, stream, receivedAt: Date.now() };
    if (endpoint.model !== undefined) recorded.model = endpoint.model;
    if (auth) recorded.auth = auth;
    state.requests.push(recorded);
    let cutByServer = false;
    state.ends.push(
      new Promise<ResponseEnd>((resolve) => {
        res.once('close', () => resolve(endedNormally(res) ? 'completed' : cutByServer || closing ? 'closed-by-server' : 'closed-by-client'));
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
      cut(req, res);
      return;
    }
    const extraHeaders = step.headers ?? {};
    const requestId = `req_fake_${route}_${callNumber}`;
    const denied = auth && 'problem' in auth && auth.problem !== undefined ? auth : undefined;
    const status = denied && step.status === undefined ? (protocol === 'bedrock' ? 403 : 401) : (step.status ?? 200);
    if (status >= 300) {
      const message = step.errorMessage ?? (denied ? `fake auth failure: ${String(denied.problem)}` : `fake ${status} from route "${route}"`);
      const errorBody = step.body ?? errorBodyFor(protocol, status, message);
      const errorHeaders: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
      if (protocol === 'bedrock') {
        errorHeaders['x-amzn-requestid'] = requestId;
        errorHeaders['x-amzn-errortype'] = `${denied && step.status === undefined ? 'InvalidSignatureException' : bedrockErrorName(status)}:http://internal.amazon.com/coral/com.amazon.bedrock/`;
      }
      res.writeHead(status, { ...errorHeaders, ...extraHeaders });
      res.end(typeof errorBody === 'string' ? errorBody : JSON.stringify(errorBody));
      return;
    }
    const baseHeaders: Record<string, string> = { 'x-request-id': requestId, ...(protocol === 'bedrock' ? { 'x-amzn-requestid': requestId } : {}), ...extraHeaders };

    if (kind === 'token') {
      const token = `ya29.fake-${route}-${callNumber}`;
      issuedTokens.add(token);
      res.writeHead(200, { 'content-type': 'application/json', ...baseHeaders }).end(JSON.stringify(step.body ?? { access_token: token, expires_in: 3599, token_type: 'Bearer' }));
      return;
    }
    if (kind === 'embeddings') {
      const answer = embeddingAnswer(protocol, endpoint, body);
      if (answer.headers) Object.assign(baseHeaders, answer.headers);
      res.writeHead(200, { 'content-type': 'application/json', ...baseHeaders }).end(JSON.stringify(step.body ?? answer.body));
      return;
    }

    const canned: CannedInput = cannedInputFor(protocol, body, route);
    const reply = cannedReply(canned);
    if (step.text !== undefined) reply.text = step.text;
    const promptText = canned.messages.map((m) => m.text).join('\n');
    const model = typeof body.model === 'string' ? body.model : (endpoint.model ?? options.defaultModel ?? 'fake-model');
    const id = `${protocol === 'openai' ? 'chatcmpl' : protocol === 'gemini' ? 'resp' : 'msg'}_fake_${route}_${callNumber}`;
    const render = { id, model, promptText, callNumber, cachedTokens: step.cachedTokens ?? 0, finishReason: step.finishReason, stopReason: step.finishReason, created: 1_700_000_000 };

    if (!stream) {
      if (step.malformedJson) {
        res.writeHead(200, { 'content-type': 'application/json', ...baseHeaders }).end('{"id": "broken", "choices": [');
        return;
      }
      const payload = JSON.stringify(step.body ?? completionFor(protocol, reply, render));
      if (step.cutAfterChunks !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...baseHeaders });
        await writeFlushed(res, payload.slice(0, Math.max(1, step.cutAfterChunks)));
        cutByServer = true;
        cut(req, res);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', ...baseHeaders }).end(payload);
      return;
    }

    const binary = protocol === 'bedrock';
    res.writeHead(200, binary ? { 'content-type': 'application/vnd.amazon.eventstream', ...baseHeaders } : { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...baseHeaders });
    if ('flushHeaders' in res) res.flushHeaders();
    await delay(step.firstTokenDelayMs, closed);
    if (closing) return;
    if (step.malformedJson) {
      res.end(malformedStreamFor(protocol));
      return;
    }
    const frames = streamFramesFor(protocol, reply, render, body);
    let contentSent = 0;
    for (const { frame, content } of frames) {
      if (closing || res.destroyed) return;
      if (content && step.streamError !== undefined && contentSent >= (step.cutAfterChunks ?? 0)) {
        await writeFlushed(res, streamErrorFrame(protocol, step.streamError.status, step.streamError.message ?? `fake in-stream ${step.streamError.status}`));
        res.end();
        return;
      }
      if (content && step.cutAfterChunks !== undefined && contentSent >= step.cutAfterChunks) {
        cutByServer = true;
        cut(req, res);
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

  /** The batch endpoints (files, batches, message batches) of a route, answered by wire-batches.ts. */
  function answerBatch(req: FakeRequest, url: URL, raw: string): ReturnType<typeof batchWire.handle> {
    if (!/\/v1\/(files|batches|messages\/batches)(\/|$)/.test(url.pathname)) return undefined;
    const segments = url.pathname.split('/').filter((x) => x !== '');
    const route = segments[0] === 'v1' ? 'default' : (segments[0] ?? 'default');
    const path = segments[0] === 'v1' ? url.pathname : `/${segments.slice(1).join('/')}`;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    return batchWire.handle({ method: req.method ?? 'GET', path, route, headers, raw: Buffer.from(raw, 'utf8'), baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  }

  async function authOf(protocol: WireProtocol, endpoint: Endpoint, request: { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body: string }): Promise<RecordedAuth | undefined> {
    if (protocol === 'bedrock') return verifySigV4(request, options.aws);
    if (endpoint.kind === 'token') return checkTokenRequest(request.body, options.googleServiceAccountPublicKey, Math.floor(Date.now() / 1000));
    if (endpoint.vertex) {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (token === undefined) return { scheme: 'none', problem: 'no bearer token' };
      return issuedTokens.has(token) ? { scheme: 'Bearer', token } : { scheme: 'Bearer', token, problem: 'token was not issued by this server' };
    }
    return undefined;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    h2server.once('error', reject);
    h2server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const h2url = `http://127.0.0.1:${(h2server.address() as AddressInfo).port}`;
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
    geminiBaseUrl: (route) => `${url}/${checkRoute(route)}`,
    bedrockEndpoint: (route) => `${h2url}/${checkRoute(route)}`,
    vertexBaseUrl: (route) => `${url}/${checkRoute(route)}`,
    googleTokenUri: (route) => `${url}/${checkRoute(route)}/token`,
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
    scriptBatches: (route, script) => batchWire.script(checkRoute(route), script),
    batches: (route) => batchWire.batches(route),
    reset() {
      batchWire.reset();
      for (const gate of gates) gate.release();
      gates.clear();
      // Issued tokens survive a reset, as a token service's would: clients cache them.
      routes.clear();
    },
    async close() {
      closing = true;
      signalClosed();
      for (const gate of gates) gate.release();
      for (const socket of sockets) socket.destroy();
      await Promise.all([server, h2server].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
