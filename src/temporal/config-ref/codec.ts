// The worker's half of config references: a payload codec that gives a
// routedCompletion input its config back before the workflow sees it.
//
// A request's input is written to history as
//   {"configRef":"<hash>","request":…,"options":…}
// (the client leaves `config` out; see DurableRouter), so history per request
// no longer grows with the config. Decoding (worker side, outside the
// workflow sandbox, where I/O is allowed) fills `config` in from the
// ConfigSource; the content hash makes that deterministic, so replay sees
// the same input on every worker. Payloads without the prefix pass through
// untouched, and so does an input that still carries its whole config
// (histories from before references, or a client that inlines it).
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { ConfigSource } from './store';

const PREFIX = new TextEncoder().encode('{"configRef":"');
const JSON_PLAIN = 'json/plain';
const decoder = new TextDecoder();
const encoder = new TextEncoder();

function refPayload(p: Payload): boolean {
  const data = p.data;
  if (data === undefined || data === null || data.length < PREFIX.length) return false;
  for (let i = 0; i < PREFIX.length; i++) if (data[i] !== PREFIX[i]) return false;
  const encoding = p.metadata?.encoding;
  return encoding !== undefined && encoding !== null && decoder.decode(encoding) === JSON_PLAIN;
}

export class ConfigRefCodec implements PayloadCodec {
  constructor(private readonly source: ConfigSource) {}

  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(payloads);
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    if (!payloads.some(refPayload)) return payloads;
    return Promise.all(payloads.map(async (p) => {
      if (!refPayload(p)) return p;
      const input = JSON.parse(decoder.decode(p.data as Uint8Array)) as { configRef: string; config?: unknown };
      if (input.config !== undefined) return p;
      const config = await this.source.get(input.configRef);
      return { ...p, data: encoder.encode(JSON.stringify({ ...input, config })) };
    }));
  }
}
