// Health, metrics, routes that do not exist, and graceful shutdown: a stream
// in flight finishes while the gateway stops accepting, then it closes.
import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { deployment, MASTER_KEY, rejection, startTestGateway, withKeys, type TestGateway } from './helpers';

let fake: FakeProviderServer;
beforeAll(async () => {
  fake = await startFakeProviderServer();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const config = () => withKeys({ model_list: [deployment(fake, 'chat', 'a', 'openai/gpt-4o-mini'), deployment(fake, 'claude', 'c', 'anthropic/claude-3-5-haiku-20241022')] });

describe('health, metrics and unknown routes', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(config());
  });
  afterAll(() => gw.close());

  it('is alive and ready without a key, and says why', async () => {
    const live = await fetch(`${gw.url}/health/liveness`);
    expect(live.status).toBe(200);
    expect(await (await fetch(`${gw.url}/health/liveliness`)).json()).toEqual({ status: 'alive' });
    const ready = await fetch(`${gw.url}/health/readiness`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', config: { source: '(object)', model_groups: 2, deployments: 2 }, temporal: 'not used', shared_health: 'off' });
  });

  it('serves Prometheus text counting requests by status and errors by class', async () => {
    await gw.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    await rejection(gw.openai('gw-wrong-0000').chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }));
    const res = await fetch(`${gw.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('llm_router_gateway_requests_total{route="/v1/chat/completions",model_group="chat",path="in-process",status="200",key="master_key"} 1');
    expect(text).toContain('llm_router_gateway_errors_total{error_class="GatewayError",status="401"} 1');
    expect(text).toMatch(/llm_router_provider_call_duration_seconds_count\{deployment="a",outcome="success"\} 1/);
    expect(text).toContain('llm_router_provider_calls_total{deployment="a",model_group="chat",outcome="success"} 1');
  });

  it('sends a stream\'s deployment, attempts and cost as HTTP trailers, known only at its end', async () => {
    const { status, headers, trailers, body } = await new Promise<{ status: number; headers: Record<string, unknown>; trailers: Record<string, string>; body: string }>((resolve, reject) => {
      const req = httpRequest(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER_KEY}` } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, trailers: res.trailers as Record<string, string>, body: text }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'trail me' }] }));
    });
    expect(status).toBe(200);
    expect(headers['content-type']).toMatch(/^text\/event-stream/);
    expect(headers.trailer).toMatch(/x-llm-router-deployment/);
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(trailers['x-llm-router-deployment']).toBe('a');
    expect(trailers['x-llm-router-attempts']).toBe('1');
  });

  it('answers an unknown route with a 404 in the wire format of its path', async () => {
    const res = await fetch(`${gw.url}/v1/embeddings`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { type: string; message: string } }).error.message).toMatch(/^no route POST \/v1\/embeddings/);
  });

  it('refuses the durable header without Temporal with a 400 naming it', async () => {
    const error = await rejection(gw.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-llm-router-durable': 'true' } }));
    expect(error.status).toBe(400);
    expect(error.message).toContain('x-llm-router-durable: this gateway runs without Temporal');
    const bad = await rejection(gw.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-llm-router-durable': 'maybe' } }));
    expect(bad.message).toContain('x-llm-router-durable: expected true or false, got "maybe"');
    expect(fake.count('a')).toBe(0);
  });
});

describe('graceful shutdown', () => {
  it('stops accepting, lets the stream in flight finish, then closes', async () => {
    const gw = await startTestGateway(config());
    fake.script('c', [{ chunkDelayMs: 60 }]);
    const stream = await gw.openai().chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'finish this answer before you stop' }], stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    let text = (await iterator.next()).value?.choices[0]?.delta.content ?? '';
    let closedAt = 0;
    const closing = gw.close().then(() => {
      closedAt = Date.now();
    });
    // Draining: not ready, and a new request is refused.
    const refused = await fetch(`${gw.url}/health/readiness`).then(
      (r) => r.status,
      () => 'connection refused',
    );
    expect([503, 'connection refused']).toContain(refused);
    const newRequest = await rejection(gw.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'too late' }] }));
    expect(newRequest.status === 503 || newRequest instanceof OpenAI.APIConnectionError).toBe(true);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) text += next.value.choices[0]?.delta.content ?? '';
    const streamEndedAt = Date.now();
    expect(text).toBe('Hello from fake deployment "c". You said: finish this answer before you stop');
    await closing;
    expect(closedAt).toBeGreaterThanOrEqual(streamEndedAt - 5);
    await expect(fake.responseEnd('c', 1)).resolves.toBe('completed');
    expect(fake.count('a')).toBe(0);
  });

  it('cuts a request still in flight after the grace period', async () => {
    const gw = await startTestGateway(config(), { shutdownGraceMs: 300 });
    fake.script('a', [{ hang: true }]);
    const pending = rejection(gw.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'never answered' }] }));
    await fake.waitForRequests('a', 1);
    const started = Date.now();
    await gw.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
    // The cut connection aborted the provider call too.
    await expect(fake.responseEnd('a', 1)).resolves.toBe('closed-by-client');
  });
});
