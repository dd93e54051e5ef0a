/**
 * Bedrock runtime's wire: Converse JSON, ConverseStream in AWS's binary
 * event-stream framing (built with smithy's codec, the one the SDK decodes
 * with), InvokeModel for Titan and Cohere embeddings, AWS error bodies, and
 * a SigV4 check of every request's Authorization header.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { SignatureV4 } from '@smithy/signature-v4';
import { type CannedInput, type CannedReply, fakeTokens } from './canned';
import { FAKE_EMBEDDING_DIMENSIONS, fakeVector } from './wire-gemini';
import { textPieces } from './wire-openai';

type Json = Record<string, unknown>;

function blocksText(content: unknown): { text: string; toolResult: boolean } {
  if (!Array.isArray(content)) return { text: '', toolResult: false };
  const texts: string[] = [];
  let toolResult = false;
  for (const block of content as Json[]) {
    if (typeof block.text === 'string') texts.push(block.text);
    const result = block.toolResult as Json | undefined;
    if (result) {
      toolResult = true;
      texts.push(blocksText(result.content).text);
    }
  }
  return { text: texts.join('\n'), toolResult };
}

export function bedrockCannedInput(body: Json, route: string): CannedInput {
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  const system = blocksText(body.system).text;
  const flat: CannedInput['messages'] = system ? [{ role: 'system', text: system }] : [];
  for (const m of messages) {
    const { text, toolResult } = blocksText(m.content);
    flat.push({ role: toolResult ? 'tool' : String(m.role), text });
  }
  const toolConfig = (body.toolConfig ?? {}) as Json;
  const tools = (Array.isArray(toolConfig.tools) ? (toolConfig.tools as Json[]) : []).map((t) => (t.toolSpec ?? {}) as Json);
  const choice = (toolConfig.toolChoice ?? {}) as Json;
  let forcedTool: string | undefined;
  if (choice.tool) forcedTool = String((choice.tool as Json).name);
  if (choice.any) forcedTool = String(tools[0]?.name ?? '');
  return {
    messages: flat,
    tools: tools.map((t) => ({ name: String(t.name), schema: (t.inputSchema as Json | undefined)?.json })),
    forcedTool,
    toolsDisabled: false,
    route,
  };
}

export interface BedrockRenderOptions {
  model: string;
  stopReason?: string;
  cachedTokens: number;
  promptText: string;
  callNumber: number;
}

function usage(reply: CannedReply, o: BedrockRenderOptions): Json {
  const input = fakeTokens(o.promptText);
  const output = fakeTokens(reply.text + JSON.stringify(reply.toolCalls));
  return { inputTokens: input, outputTokens: output, totalTokens: input + o.cachedTokens + output, cacheReadInputTokens: o.cachedTokens, cacheWriteInputTokens: 0 };
}

function stopReason(reply: CannedReply, o: BedrockRenderOptions): string {
  return o.stopReason ?? (reply.toolCalls.length > 0 ? 'tool_use' : 'end_turn');
}

export function converseResponse(reply: CannedReply, o: BedrockRenderOptions): Json {
  const content: Json[] = [];
  if (reply.text !== '') content.push({ text: reply.text });
  reply.toolCalls.forEach((c, i) => content.push({ toolUse: { toolUseId: `tooluse_${o.callNumber}_${i}`, name: c.name, input: c.input } }));
  return { output: { message: { role: 'assistant', content } }, stopReason: stopReason(reply, o), usage: usage(reply, o), metrics: { latencyMs: 1 } };
}

/** ConverseStream events as `[event type, payload]`, in the order Bedrock sends them. */
export function converseStreamEvents(reply: CannedReply, o: BedrockRenderOptions): Array<{ type: string; payload: Json; content: boolean }> {
  const out: Array<{ type: string; payload: Json; content: boolean }> = [{ type: 'messageStart', payload: { role: 'assistant' }, content: false }];
  let index = 0;
  if (reply.text !== '') {
    for (const piece of textPieces(reply.text)) out.push({ type: 'contentBlockDelta', payload: { contentBlockIndex: index, delta: { text: piece } }, content: true });
    out.push({ type: 'contentBlockStop', payload: { contentBlockIndex: index }, content: false });
    index += 1;
  }
  reply.toolCalls.forEach((c, i) => {
    out.push({ type: 'contentBlockStart', payload: { contentBlockIndex: index, start: { toolUse: { toolUseId: `tooluse_${o.callNumber}_${i}`, name: c.name } } }, content: true });
    const args = JSON.stringify(c.input);
    const mid = Math.ceil(args.length / 2);
    for (const part of [args.slice(0, mid), args.slice(mid)]) {
      if (part !== '') out.push({ type: 'contentBlockDelta', payload: { contentBlockIndex: index, delta: { toolUse: { input: part } } }, content: true });
    }
    out.push({ type: 'contentBlockStop', payload: { contentBlockIndex: index }, content: false });
    index += 1;
  });
  out.push({ type: 'messageStop', payload: { stopReason: stopReason(reply, o) }, content: false });
  out.push({ type: 'metadata', payload: { usage: usage(reply, o), metrics: { latencyMs: 1 } }, content: false });
  return out;
}

const codec = new EventStreamCodec((bytes) => new TextDecoder().decode(bytes), (text) => new TextEncoder().encode(text));

/** One event-stream frame: prelude, headers, JSON payload and CRCs. */
export function eventFrame(type: string, payload: Json): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: type },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: new TextEncoder().encode(JSON.stringify(payload)),
  });
}

/** An exception inside the stream (`:message-type: exception`), as Bedrock sends a mid-stream throttle. */
export function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'exception' },
    },
    body: new TextEncoder().encode(JSON.stringify({ message })),
  });
}

/** Exception names Bedrock returns for each status (others get a name the SDK does not model). */
const ERROR_NAMES: Readonly<Record<number, string>> = {
  400: 'ValidationException',
  401: 'UnrecognizedClientException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  424: 'ModelErrorException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

export function bedrockErrorName(status: number): string {
  return ERROR_NAMES[status] ?? `FakeStatus${status}Exception`;
}

export function bedrockErrorBody(_status: number, message: string): Json {
  return { message };
}

/** InvokeModel answers for Titan and Cohere embedding models; undefined for anything else. */
export function invokeEmbeddingResponse(model: string, body: Json): { body: Json; inputTokens: number } | undefined {
  if (model.includes('amazon.titan-embed')) {
    const text = String(body.inputText ?? '');
    const tokens = fakeTokens(text);
    return { body: { embedding: fakeVector(text, Number(body.dimensions ?? FAKE_EMBEDDING_DIMENSIONS)), inputTextTokenCount: tokens }, inputTokens: tokens };
  }
  if (model.includes('cohere.embed')) {
    const texts = Array.isArray(body.texts) ? (body.texts as unknown[]).map(String) : [];
    const vectors = texts.map((t) => fakeVector(t, Number(body.output_dimension ?? FAKE_EMBEDDING_DIMENSIONS)));
    const typed = Array.isArray(body.embedding_types);
    return {
      body: { id: 'emb_fake', texts, embeddings: typed ? { float: vectors } : vectors, response_type: typed ? 'embeddings_by_type' : 'embeddings_floats' },
      inputTokens: texts.reduce((sum, t) => sum + fakeTokens(t), 0),
    };
  }
  return undefined;
}

// --- SigV4 ---

function bytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

/** The Checksum shape smithy's signer takes, over node:crypto (HMAC when given a secret). */
class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret?: string | Uint8Array;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.secret = secret === undefined || typeof secret === 'string' ? secret : bytes(secret);
    this.hash = this.make();
  }
  private make(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.make();
  }
}

export interface SigV4Result {
  readonly scheme: string;
  /** `AKID/date/region/service/aws4_request`. */
  readonly credentialScope?: string;
  readonly signedHeaders?: readonly string[];
  /** Recomputed with the fake's known secret; undefined when the fake was given none. */
  readonly signatureValid?: boolean;
  readonly problem?: string;
}

const AUTH_PATTERN = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

/** Parses the Authorization header and, given the secret, recomputes the signature over the signed headers. */
export async function verifySigV4(
  request: { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body: string },
  secret: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined,
): Promise<SigV4Result> {
  const header = request.headers.authorization;
  if (header === undefined) return { scheme: 'none', problem: 'no Authorization header' };
  const match = AUTH_PATTERN.exec(header);
  if (!match) return { scheme: header.split(' ')[0] ?? '', problem: 'not an AWS4-HMAC-SHA256 Authorization header' };
  const credentialScope = match[1] as string;
  const signedHeaders = (match[2] as string).split(';');
  const [accessKeyId, , region, service] = credentialScope.split('/');
  const base = { scheme: 'AWS4-HMAC-SHA256', credentialScope, signedHeaders };
  if (!secret) return base;
  if (accessKeyId !== secret.accessKeyId) return { ...base, signatureValid: false, problem: `unknown access key ${accessKeyId ?? ''}` };
  const amzDate = request.headers['x-amz-date'] ?? '';
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!date) return { ...base, signatureValid: false, problem: 'missing or malformed x-amz-date' };
  const signingDate = new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]), Number(date[4]), Number(date[5]), Number(date[6])));
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = request.headers[name] ?? '';
  const [hostname, port] = (request.headers.host ?? '').split(':');
  const signer = new SignatureV4({ credentials: secret, region: region ?? '', service: service ?? '', sha256: NodeSha256 });
  const signed = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: hostname ?? '', ...(port ? { port: Number(port) } : {}), path: request.path, query: request.query, headers, body: request.body },
    { signingDate },
  );
  const expected = AUTH_PATTERN.exec(String(signed.headers.authorization ?? ''))?.[3];
  return { ...base, signatureValid: expected === match[3], ...(expected === match[3] ? {} : { problem: 'signature does not match' }) };
}
