// A load generator's client for gateways' request rates: one POST of a chat
// completion over Node's `http` with kept-alive connections, and nothing else.
//
// Why not the `openai` SDK here: on a 2-core machine the load generator shares
// the cores with the gateway under test and the fake provider. The SDK over
// the global fetch costs this process about 0.8 ms of CPU per request, as much
// as the gateways it measures, so every gateway's rate was capped by the
// client and the rates of fast and slow gateways were squeezed together. This
// client costs a fraction of that (measured in the run: the load generator's
// CPU per request), so a gateway's rate is closer to what the gateway itself
// can serve. It is the same client for every gateway and for the floor proxy:
// like with like. Latency "added" keeps the SDK (interleaved with direct SDK
// calls), since there the client's cost is the same on both sides.
//
// A call fails unless the status is 200 and the body is a chat completion
// with a choice, so an error page or an empty answer never counts as served.
import http from 'node:http';
import { messagesFor } from './systems';

export interface RawChatTarget {
  /** The chat completions URL, e.g. `http://127.0.0.1:4000/v1/chat/completions`. */
  url: string;
  apiKey: string;
  model: string;
  headers?: Record<string, string>;
}

export class RawChatError extends Error {
  override readonly name = 'RawChatError';
}

export function rawChatClient(target: RawChatTarget, maxSockets = 64): (seq: number) => Promise<void> {
  const url = new URL(target.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${target.apiKey}`, ...target.headers };
  return (seq) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ model: target.model, messages: messagesFor(seq), max_tokens: 64 });
      const req = http.request(
        { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) return reject(new RawChatError(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
            // A cheap shape check, not a full parse: the parse would cost this process what the SDK did.
            if (!text.includes('"choices":[{')) return reject(new RawChatError(`not a chat completion: ${text.slice(0, 200)}`));
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}
