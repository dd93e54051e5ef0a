// `llm-router codec-server`: the real binary, as an operator starts it for the
// Temporal Web UI. A payload encrypted with the keys of its environment is
// posted to /decode (as the UI does, from its origin) and comes back in clear.
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, parseKeyring } from '../../../src/temporal/codec';
import { errorLines, runCli, startCli, type CliProcess } from './run-cli';

const KEYS = `ui-2026:${randomBytes(32).toString('base64')},old-2025:${randomBytes(32).toString('base64')}`;
const UI_ORIGIN = 'http://ui.example.test:8080';

type JsonPayload = { metadata: Record<string, string>; data: string };
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});
const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});

let server: CliProcess;
let url: string;

beforeAll(async () => {
  server = startCli(['codec-server', '--port', '0', '--cors-origin', UI_ORIGIN, '--json'], { env: { LLM_ROUTER_CODEC_KEYS: KEYS } });
  await server.waitFor(/"url":"[^"]+"/);
  const info = JSON.parse(server.stdout().split('\n')[0] ?? '') as { url: string; activeKeyId: string; keyIds: string[]; corsOrigins: string[] };
  expect(info).toMatchObject({ activeKeyId: 'ui-2026', keyIds: ['ui-2026', 'old-2025'], corsOrigins: [UI_ORIGIN] });
  expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  url = info.url;
});

afterAll(async () => {
  server.child.kill('SIGINT');
  expect((await server.done).code).toBe(0);
});

test('POST /{namespace}/decode from the UI origin returns the clear payloads, whichever key encrypted them', async () => {
  const keyring = parseKeyring(KEYS);
  const current = new AesGcmPayloadCodec(keyring);
  const old = new AesGcmPayloadCodec({ activeKeyId: 'old-2025', keys: keyring.keys });
  const prompt = 'Summarise the Kestrel audit: findings due 2 May';
  const [a] = await current.encode([defaultPayloadConverter.toPayload(prompt)]);
  const [b] = await old.encode([defaultPayloadConverter.toPayload({ summary: 'two findings' })]);
  expect(Buffer.from(a!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
  expect(Buffer.from(a!.data!).toString('latin1')).not.toContain('Kestrel');

  const res = await fetch(`${url}/default/decode`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: UI_ORIGIN, 'X-Namespace': 'default' },
    body: JSON.stringify({ payloads: [toJson(a!), toJson(b!)] }),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  const body = (await res.json()) as { payloads: JsonPayload[] };
  expect(body.payloads.map((p) => defaultPayloadConverter.fromPayload(fromJson(p)))).toEqual([prompt, { summary: 'two findings' }]);
});

test('/encode encrypts with the first key; a preflight from another origin is refused', async () => {
  const res = await fetch(`${url}/encode`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ payloads: [toJson(defaultPayloadConverter.toPayload('hello'))] }),
  });
  expect(res.status).toBe(200);
  const [encoded] = ((await res.json()) as { payloads: JsonPayload[] }).payloads;
  expect(Buffer.from(encoded!.metadata['encryption-key-id'] ?? '', 'base64').toString()).toBe('ui-2026');
  const [decoded] = await new AesGcmPayloadCodec(parseKeyring(KEYS)).decode([fromJson(encoded!)]);
  expect(defaultPayloadConverter.fromPayload(decoded!)).toBe('hello');

  const preflight = await fetch(`${url}/decode`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example.test' } });
  expect(preflight.status).toBe(403);
  expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
});

test('without LLM_ROUTER_CODEC_KEYS, or with a bad key or origin, it exits 2 with one line', async () => {
  // Started together: each is a cold Node start, and a loaded machine makes them slow one by one.
  const [none, short, origin, port] = await Promise.all([
    runCli(['codec-server', '--port', '0'], { env: { LLM_ROUTER_CODEC_KEYS: '' } }),
    runCli(['codec-server', '--port', '0'], { env: { LLM_ROUTER_CODEC_KEYS: `k:${randomBytes(16).toString('base64')}` } }),
    runCli(['codec-server', '--port', '0', '--cors-origin', 'localhost:8233'], { env: { LLM_ROUTER_CODEC_KEYS: KEYS } }),
    runCli(['codec-server', '--port', '70000'], { env: { LLM_ROUTER_CODEC_KEYS: KEYS } }),
  ]);
  expect(none.code).toBe(2);
  expect(errorLines(none)).toEqual([expect.stringContaining('LLM_ROUTER_CODEC_KEYS is not set')]);

  expect(short.code).toBe(2);
  expect(errorLines(short)).toEqual([expect.stringContaining('AES-256 needs 32 bytes, got 16')]);

  expect(origin.code).toBe(2);
  expect(errorLines(origin)).toEqual([expect.stringContaining('--cors-origin "localhost:8233"')]);

  expect(port.code).toBe(2);
  expect(port.stderr).toContain('"70000" is not a TCP port');
});
