import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { createActivities } from '../../../activities';
import { createProviderRegistry } from '../../../src/providers';
import { parseKeyring, routerDataConverter, startCodecServer, type CodecServer } from '../../../src/temporal/codec';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import type { RoutedCompletionInput, RoutedCompletionResult } from '../../../workflows';
import { historyContains } from '../../support/history';
import { FAKE_KEY_ENV, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';
import { requireTestEnv } from '../../support/test-env';

// Distinctive strings: finding either in stored history would mean a leak.
const PROMPT = 'Summarise the Nightjar merger memo: board vote on 14 March';
const SUMMARY = 'Nightjar merger approved; closing expected in Q3 (confidential)';
const UI_ORIGIN = 'http://localhost:8233';

let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let codecServer: CodecServer;
const keyring = parseKeyring(`test-key:${randomBytes(32).toString('base64')}`);
const dataConverter = routerDataConverter(keyring);

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  codecServer = await startCodecServer({ codec: dataConverter.payloadCodecs![0]!, corsOrigins: [UI_ORIGIN] });
});
afterAll(async () => {
  await codecServer.close();
  await fake.close();
  await ctx.close();
});

type JsonPayload = { metadata: Record<string, string>; data: string };
const toJson = (p: temporal.api.common.v1.IPayload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});
const valueOf = (p: JsonPayload): unknown => defaultPayloadConverter.fromPayload({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});

test('with the codec on, history holds neither prompt nor summary, and the codec server decodes the payloads', async () => {
  fake.script('dep-a', [{ text: SUMMARY }]);
  const encryptedClient = new Client({ connection: ctx.connection, dataConverter });
  const worker = await Worker.create({
    connection: ctx.nativeConnection,
    taskQueue: ctx.taskQueue,
    workflowBundle: { codePath: requireTestEnv('bundle') },
    activities: createActivities({ providers: createProviderRegistry({ env: { [FAKE_KEY_ENV]: 'sk-fake' } }) }),
    dataConverter,
  });
  const input: RoutedCompletionInput = {
    config: fakeRouterConfig(fake, [{ id: 'dep-a', group: 'chat' }]),
    request: { model: 'chat', messages: [{ role: 'user', content: PROMPT }] },
  };
  const workflowId = uniqueWorkflowId('codec');
  const result = await worker.runUntil(
    encryptedClient.workflow.execute('routedCompletion', { taskQueue: ctx.taskQueue, workflowId, args: [input] }) as Promise<RoutedCompletionResult>,
  );
  // The texts really flowed through the workflow, so their absence below means something.
  expect(result.response.choices[0]?.message.content).toBe(SUMMARY);
  expect(JSON.stringify(fake.requests('dep-a')[0]?.body)).toContain(PROMPT);

  // A client with no codec sees the history exactly as the server stores it.
  const raw = await ctx.client.workflow.getHandle(workflowId).fetchHistory();
  expect(historyContains(raw, PROMPT)).toBe(false);
  expect(historyContains(raw, SUMMARY)).toBe(false);
  expect(historyContains(raw, 'Nightjar')).toBe(false);

  const events = raw.events ?? [];
  const input0 = events.find((e) => e.workflowExecutionStartedEventAttributes)?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  const output0 = events.find((e) => e.workflowExecutionCompletedEventAttributes)?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0];
  expect(input0).toBeDefined();
  expect(output0).toBeDefined();

  // What the Web UI does: POST the stored payloads to /{namespace}/decode from its own origin.
  const response = await fetch(`${codecServer.url}/default/decode`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', Origin: UI_ORIGIN },
    body: JSON.stringify({ payloads: [toJson(input0!), toJson(output0!)] }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  const decoded = (await response.json()) as { payloads: JsonPayload[] };
  expect((valueOf(decoded.payloads[0]!) as RoutedCompletionInput).request.messages[0]?.content).toBe(PROMPT);
  expect((valueOf(decoded.payloads[1]!) as RoutedCompletionResult).response.choices[0]?.message.content).toBe(SUMMARY);
});

test('the Temporal CLI decodes an encrypted history through `--codec-endpoint` as docs/security.md gives it', async () => {
  fake.script('dep-a', [{ text: SUMMARY }]);
  const encryptedClient = new Client({ connection: ctx.connection, dataConverter });
  const worker = await Worker.create({
    connection: ctx.nativeConnection,
    taskQueue: ctx.taskQueue,
    workflowBundle: { codePath: requireTestEnv('bundle') },
    activities: createActivities({ providers: createProviderRegistry({ env: { [FAKE_KEY_ENV]: 'sk-fake' } }) }),
    dataConverter,
  });
  const workflowId = uniqueWorkflowId('codec-cli');
  await worker.runUntil(encryptedClient.workflow.execute('routedCompletion', {
    taskQueue: ctx.taskQueue,
    workflowId,
    args: [{ config: fakeRouterConfig(fake, [{ id: 'dep-a', group: 'chat' }]), request: { model: 'chat', messages: [{ role: 'user', content: PROMPT }] } } satisfies RoutedCompletionInput],
  }));
  const show = (endpoint?: string) => promisify(execFile)(requireTestEnv('cliPath'), [
    'workflow', 'show', '--address', requireTestEnv('address'), '--namespace', requireTestEnv('namespace'), '-w', workflowId, '--output', 'json',
    ...(endpoint === undefined ? [] : ['--codec-endpoint', endpoint]),
  ]);
  // The CLI's JSON output keeps payloads as base64: read every payload's data as text.
  const texts = (stdout: string) => {
    const found: string[] = [];
    JSON.stringify(JSON.parse(stdout), (key, value: unknown) => {
      if (key === 'data' && typeof value === 'string') found.push(Buffer.from(value, 'base64').toString('utf8'));
      return value;
    });
    return found.join('\n');
  };
  // Without the codec the CLI shows ciphertext; with the documented endpoint (and the `/{namespace}` form) the texts.
  expect(texts((await show()).stdout)).not.toContain('Nightjar');
  for (const endpoint of [codecServer.url, `${codecServer.url}/{namespace}`]) {
    const decoded = texts((await show(endpoint)).stdout);
    expect(decoded).toContain(PROMPT);
    expect(decoded).toContain(SUMMARY);
  }
});

test('codec server: CORS preflight for the UI origin only, /encode round-trips through /decode, bad bodies are 400', async () => {
  const preflight = (origin: string) => fetch(`${codecServer.url}/decode`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
  });
  const ok = await preflight(UI_ORIGIN);
  expect(ok.status).toBe(204);
  expect(ok.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/);
  const other = await preflight('http://evil.example');
  expect(other.status).toBe(403);
  expect(other.headers.get('access-control-allow-origin')).toBeNull();

  const plain = toJson(defaultPayloadConverter.toPayload({ note: 'operator input' }));
  const encoded = (await (await fetch(`${codecServer.url}/encode`, { method: 'POST', body: JSON.stringify({ payloads: [plain] }) })).json()) as { payloads: JsonPayload[] };
  expect(Buffer.from(encoded.payloads[0]!.data, 'base64').toString('utf8')).not.toContain('operator input');
  const back = (await (await fetch(`${codecServer.url}/decode`, { method: 'POST', body: JSON.stringify(encoded) })).json()) as { payloads: JsonPayload[] };
  expect(valueOf(back.payloads[0]!)).toEqual({ note: 'operator input' });

  const bad = await fetch(`${codecServer.url}/decode`, { method: 'POST', body: '{"payloads": 3}' });
  expect(bad.status).toBe(400);
  expect(await bad.text()).toMatch(/expected \{"payloads": \[\.\.\.\]\}/);
  expect((await fetch(`${codecServer.url}/decode`)).status).toBe(405);
  expect((await fetch(`${codecServer.url}/other`, { method: 'POST', body: '{}' })).status).toBe(404);
});
