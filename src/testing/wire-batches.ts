// The providers' batch protocols for the fake server: OpenAI's Files and
// Batch API (`/v1/files`, `/v1/batches`, a JSONL input file, output and error
// files) and Anthropic's Message Batches (`/v1/messages/batches`, results as
// JSONL at `results_url`). A batch ends after a scripted number of polls;
// each request's outcome (succeeded, errored, expired) is scripted by its
// position in the batch; a cancelled batch cancels what has not ended.
// Successful results are the same canned replies the synchronous wire gives.
import { cannedReply } from './canned';
import { anthropicCannedInput, anthropicMessage } from './wire-anthropic';
import { openaiCannedInput, openaiCompletion } from './wire-openai';

type Json = Record<string, unknown>;

export type FakeBatchOutcome = 'succeeded' | 'errored' | 'expired';

export interface FakeBatchScript {
  /** Outcome of the request at `position` (0-based, input order) with `customId`; default succeeded. */
  outcome?: (position: number, customId: string) => FakeBatchOutcome;
  /** Status polls (retrieve calls) before the batch has ended; default 1. */
  pollsBeforeEnd?: number;
}

/** What the fake knows of one batch, for assertions. */
export interface FakeBatchRecord {
  id: string;
  protocol: 'openai' | 'anthropic';
  route: string;
  requests: Array<{ customId: string; body: Json }>;
  polls: number;
  cancelled: boolean;
  ended: boolean;
}

interface BatchState extends FakeBatchRecord {
  createdAt: number;
  outcomes: Array<FakeBatchOutcome | 'cancelled'>;
  inputFileId?: string;
  endpoint?: string;
  completionWindow?: string;
  /** OpenAI: the metadata the batch was created with. */
  metadata?: Record<string, string>;
}

export interface BatchHttpRequest {
  method: string;
  /** Path without the route segment, e.g. `/v1/batches/batch_1`. */
  path: string;
  route: string;
  headers: Record<string, string>;
  raw: Buffer;
  /** Server base URL, for `results_url`. */
  baseUrl: string;
}

export interface BatchHttpResponse {
  status: number;
  contentType: string;
  body: string;
}

const json = (status: number, body: unknown): BatchHttpResponse => ({ status, contentType: 'application/json', body: JSON.stringify(body) });
const jsonl = (lines: unknown[]): BatchHttpResponse => ({ status: 200, contentType: 'application/x-ndjson', body: lines.map((l) => `${JSON.stringify(l)}\n`).join('') });
const openaiError = (status: number, message: string) => json(status, { error: { message, type: 'invalid_request_error', param: null, code: null } });
const anthropicError = (status: number, message: string) => json(status, { type: 'error', error: { type: status === 404 ? 'not_found_error' : 'invalid_request_error', message } });

/** The file part of a multipart/form-data body (what the SDKs' file uploads send). */
function multipartFile(raw: Buffer, contentType: string): { filename: string; data: Buffer; fields: Record<string, string> } | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const mark = boundary?.[1] ?? boundary?.[2];
  if (!mark) return undefined;
  const delimiter = Buffer.from(`--${mark}`);
  const fields: Record<string, string> = {};
  let file: { filename: string; data: Buffer } | undefined;
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = raw.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const data = part.subarray(split + 4);
    const name = /name="([^"]*)"/.exec(head)?.[1] ?? '';
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    if (filename !== undefined) file = { filename, data };
    else fields[name] = data.toString('utf8');
    start = next;
  }
  return file && { ...file, fields };
}

function parseJsonl(text: string): Json[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Json);
}

export interface FakeBatches {
  /** Answers a batch request, or undefined when the path is none of the batch endpoints. */
  handle(request: BatchHttpRequest): BatchHttpResponse | undefined;
  script(route: string, script: FakeBatchScript): void;
  batches(route: string): FakeBatchRecord[];
  reset(): void;
}

export function createFakeBatches(): FakeBatches {
  const files = new Map<string, { route: string; filename: string; purpose: string; data: Buffer; createdAt: number }>();
  const batches = new Map<string, BatchState>();
  const scripts = new Map<string, FakeBatchScript>();
  let seq = 0;
  const now = () => Math.floor(Date.now() / 1000);

  function start(protocol: 'openai' | 'anthropic', route: string, requests: Array<{ customId: string; body: Json }>): BatchState {
    const script = scripts.get(route) ?? {};
    const id = protocol === 'openai' ? `batch_fake_${++seq}` : `msgbatch_fake_${++seq}`;
    const state: BatchState = {
      id, protocol, route, requests, polls: 0, cancelled: false, ended: false, createdAt: now(),
      outcomes: requests.map((r, i) => script.outcome?.(i, r.customId) ?? 'succeeded'),
    };
    batches.set(id, state);
    return state;
  }

  /** A retrieve is a poll: the batch ends once it has been polled enough (a cancelled one at the next poll). */
  function poll(state: BatchState): void {
    state.polls++;
    if (state.ended) return;
    if (state.cancelled || state.polls >= (scripts.get(state.route)?.pollsBeforeEnd ?? 1)) state.ended = true;
  }

  function counts(state: BatchState) {
    const c = { succeeded: 0, errored: 0, expired: 0, cancelled: 0 };
    if (state.ended) for (const o of state.outcomes) c[o]++;
    return c;
  }

  function completion(state: BatchState, i: number): Json {
    const request = state.requests[i] as { customId: string; body: Json };
    const canned = state.protocol === 'openai' ? openaiCannedInput(request.body, state.route) : anthropicCannedInput(request.body, state.route);
    const reply = cannedReply(canned);
    const render = {
      id: `${state.protocol === 'openai' ? 'chatcmpl' : 'msg'}_fake_${state.id}_${i}`,
      model: typeof request.body.model === 'string' ? request.body.model : 'fake-model',
      promptText: canned.messages.map((m) => m.text).join('\n'),
      callNumber: i + 1,
      cachedTokens: 0,
      created: state.createdAt,
    };
    return state.protocol === 'openai' ? openaiCompletion(reply, render) : anthropicMessage(reply, render);
  }

  // --- OpenAI ---
  function openaiBatch(state: BatchState): Json {
    const c = counts(state);
    const status = !state.ended ? (state.cancelled ? 'cancelling' : 'in_progress')
      : state.cancelled ? 'cancelled'
        : c.expired > 0 && c.succeeded + c.errored === 0 ? 'expired' : 'completed';
    const hasOutput = state.ended && c.succeeded > 0;
    const hasErrors = state.ended && c.errored + c.expired + c.cancelled > 0;
    return {
      id: state.id,
      object: 'batch',
      endpoint: state.endpoint ?? '/v1/chat/completions',
      errors: null,
      input_file_id: state.inputFileId ?? '',
      completion_window: state.completionWindow ?? '24h',
      status,
      output_file_id: hasOutput ? `file-out-${state.id}` : null,
      error_file_id: hasErrors ? `file-err-${state.id}` : null,
      created_at: state.createdAt,
      in_progress_at: state.createdAt,
      expires_at: state.createdAt + 86_400,
      completed_at: status === 'completed' ? now() : null,
      cancelled_at: status === 'cancelled' ? now() : null,
      expired_at: status === 'expired' ? now() : null,
      request_counts: { total: state.requests.length, completed: c.succeeded, failed: c.errored + c.expired + c.cancelled },
      metadata: state.metadata ?? null,
    };
  }

  function openaiFileContent(fileId: string): BatchHttpResponse | undefined {
    const output = /^file-(out|err)-(.+)$/.exec(fileId);
    if (!output) {
      const file = files.get(fileId);
      return file && { status: 200, contentType: 'application/octet-stream', body: file.data.toString('utf8') };
    }
    const state = batches.get(output[2] as string);
    if (!state?.ended) return undefined;
    const lines: unknown[] = [];
    state.requests.forEach((r, i) => {
      const outcome = state.outcomes[i];
      const base = { id: `batch_req_${state.id}_${i}`, custom_id: r.customId };
      if (output[1] === 'out') {
        if (outcome === 'succeeded') lines.push({ ...base, response: { status_code: 200, request_id: `req_${state.id}_${i}`, body: completion(state, i) }, error: null });
        return;
      }
      if (outcome === 'errored') {
        lines.push({ ...base, response: { status_code: 500, request_id: `req_${state.id}_${i}`, body: { error: { message: `fake batch failure of ${r.customId}`, type: 'server_error', param: null, code: null } } }, error: null });
      } else if (outcome === 'expired' || outcome === 'cancelled') {
        const code = outcome === 'expired' ? 'batch_expired' : 'batch_cancelled';
        lines.push({ ...base, response: null, error: { code, message: outcome === 'expired' ? 'This request could not be executed before the completion window expired.' : 'This request was cancelled with its batch.' } });
      }
    });
    return jsonl(lines);
  }

  function handleOpenai(req: BatchHttpRequest): BatchHttpResponse | undefined {
    if (req.method === 'POST' && req.path === '/v1/files') {
      const upload = multipartFile(req.raw, req.headers['content-type'] ?? '');
      if (!upload) return openaiError(400, 'expected a multipart/form-data upload with a file');
      const id = `file-fake-${++seq}`;
      files.set(id, { route: req.route, filename: upload.filename, purpose: upload.fields.purpose ?? '', data: upload.data, createdAt: now() });
      return json(200, { id, object: 'file', bytes: upload.data.length, created_at: now(), filename: upload.filename, purpose: upload.fields.purpose ?? '', status: 'processed', status_details: null });
    }
    const content = /^\/v1\/files\/([^/]+)\/content$/.exec(req.path);
    if (req.method === 'GET' && content) return openaiFileContent(decodeURIComponent(content[1] as string)) ?? openaiError(404, `no file ${content[1]}`);
    if (req.method === 'POST' && req.path === '/v1/batches') {
      const body = JSON.parse(req.raw.toString('utf8') || '{}') as Json;
      const file = files.get(String(body.input_file_id));
      if (!file) return openaiError(400, `no input file ${String(body.input_file_id)}`);
      if (file.purpose !== 'batch') return openaiError(400, `file ${String(body.input_file_id)} has purpose "${file.purpose}", not "batch"`);
      const lines = parseJsonl(file.data.toString('utf8'));
      const state = start('openai', req.route, lines.map((l) => ({ customId: String(l.custom_id), body: (l.body ?? {}) as Json })));
      state.inputFileId = String(body.input_file_id);
      state.endpoint = String(body.endpoint ?? '/v1/chat/completions');
      state.completionWindow = String(body.completion_window ?? '24h');
      if (typeof body.metadata === 'object' && body.metadata !== null) state.metadata = body.metadata as Record<string, string>;
      return json(200, openaiBatch(state));
    }
    // The route's batches, newest first, one page (listing is not a poll).
    if (req.method === 'GET' && req.path === '/v1/batches') {
      const data = [...batches.values()].filter((b) => b.protocol === 'openai' && b.route === req.route).reverse().map((b) => openaiBatch(b));
      return json(200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false });
    }
    const one = /^\/v1\/batches\/([^/]+)(\/cancel)?$/.exec(req.path);
    if (one) {
      const state = batches.get(decodeURIComponent(one[1] as string));
      if (!state || state.protocol !== 'openai') return openaiError(404, `no batch ${one[1]}`);
      if (one[2] && req.method === 'POST') {
        if (!state.ended) {
          state.cancelled = true;
          state.outcomes = state.outcomes.map(() => 'cancelled');
        }
        return json(200, openaiBatch(state));
      }
      if (req.method === 'GET') {
        poll(state);
        return json(200, openaiBatch(state));
      }
    }
    return undefined;
  }

  // --- Anthropic ---
  function anthropicBatch(state: BatchState, baseUrl: string): Json {
    const c = counts(state);
    return {
      id: state.id,
      type: 'message_batch',
      processing_status: state.ended ? 'ended' : state.cancelled ? 'canceling' : 'in_progress',
      request_counts: {
        processing: state.ended ? 0 : state.requests.length,
        succeeded: c.succeeded,
        errored: c.errored,
        canceled: c.cancelled,
        expired: c.expired,
      },
      created_at: new Date(state.createdAt * 1000).toISOString(),
      expires_at: new Date((state.createdAt + 86_400) * 1000).toISOString(),
      ended_at: state.ended ? new Date().toISOString() : null,
      cancel_initiated_at: state.cancelled ? new Date().toISOString() : null,
      archived_at: null,
      results_url: state.ended ? `${baseUrl}/${state.route}/v1/messages/batches/${state.id}/results` : null,
    };
  }

  function handleAnthropic(req: BatchHttpRequest): BatchHttpResponse | undefined {
    if (req.method === 'POST' && req.path === '/v1/messages/batches') {
      const body = JSON.parse(req.raw.toString('utf8') || '{}') as { requests?: Array<{ custom_id?: unknown; params?: Json }> };
      if (!Array.isArray(body.requests) || body.requests.length === 0) return anthropicError(400, 'requests: expected a non-empty list');
      const state = start('anthropic', req.route, body.requests.map((r) => ({ customId: String(r.custom_id), body: r.params ?? {} })));
      return json(200, anthropicBatch(state, req.baseUrl));
    }
    const one = /^\/v1\/messages\/batches\/([^/]+)(\/cancel|\/results)?$/.exec(req.path);
    if (!one) return undefined;
    const state = batches.get(decodeURIComponent(one[1] as string));
    if (!state || state.protocol !== 'anthropic') return anthropicError(404, `no message batch ${one[1]}`);
    if (one[2] === '/cancel' && req.method === 'POST') {
      if (!state.ended) {
        state.cancelled = true;
        state.outcomes = state.outcomes.map(() => 'cancelled');
      }
      return json(200, anthropicBatch(state, req.baseUrl));
    }
    if (one[2] === '/results' && req.method === 'GET') {
      if (!state.ended) return anthropicError(400, `message batch ${state.id} has not ended`);
      return jsonl(state.requests.map((r, i) => {
        const outcome = state.outcomes[i];
        const result = outcome === 'succeeded' ? { type: 'succeeded', message: completion(state, i) }
          : outcome === 'errored' ? { type: 'errored', error: { type: 'error', error: { type: 'api_error', message: `fake batch failure of ${r.customId}` } } }
            : { type: outcome === 'expired' ? 'expired' : 'canceled' };
        return { custom_id: r.customId, result };
      }));
    }
    if (one[2] === undefined && req.method === 'GET') {
      poll(state);
      return json(200, anthropicBatch(state, req.baseUrl));
    }
    return undefined;
  }

  return {
    handle(req) {
      if (req.path.startsWith('/v1/messages/batches')) return handleAnthropic(req);
      if (req.path.startsWith('/v1/files') || req.path.startsWith('/v1/batches')) return handleOpenai(req);
      return undefined;
    },
    script(route, script) {
      scripts.set(route, script);
    },
    batches: (route) => [...batches.values()].filter((b) => b.route === route).map((b) => ({
      id: b.id, protocol: b.protocol, route: b.route, requests: b.requests, polls: b.polls, cancelled: b.cancelled, ended: b.ended,
    })),
    reset() {
      files.clear();
      batches.clear();
      scripts.clear();
    },
  };
}
