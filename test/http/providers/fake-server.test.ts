import OpenAI from 'openai';
import { startFakeProviderServer, fakeSummary, type FakeProviderServer } from '../../../src/testing';

// The fake server itself, driven by the plain openai SDK and by fetch.
let fake: FakeProviderServer;
beforeAll(async () => {
  fake = await startFakeProviderServer();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const client = (route: string): OpenAI => new OpenAI({ apiKey: 'k', baseURL: fake.openaiBaseUrl(route), maxRetries: 0 });
const ask = (route: string, content = 'hello') => client(route).chat.completions.create({ model: 'm', messages: [{ role: 'user', content }] });

describe('fake provider server', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers deterministically, with a short summary for summary requests', async () => {
    const text = 'Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron.';
    const a = await ask('det', `Summarize this: ${text}`);
    const b = await ask('det', `Summarize this: ${text}`);
    expect(a.choices[0]?.message.content).toBe(b.choices[0]?.message.content);
    expect(a.choices[0]?.message.content).toBe(fakeSummary(`Summarize this: ${text}`));
    expect(fakeSummary(text)).toBe('Summary: Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu ... (15 words)');
  });

  it('scripts each route per call number, then falls back to the after step', async () => {
    fake.script('seq', [{ status: 429 }, { text: 'second' }], { after: { status: 500 } });
    fake.script('other', [{ text: 'independent' }]);
    await expect(ask('seq')).rejects.toMatchObject({ status: 429 });
    expect((await ask('seq')).choices[0]?.message.content).toBe('second');
    await expect(ask('seq')).rejects.toMatchObject({ status: 500 });
    await expect(ask('seq')).rejects.toMatchObject({ status: 500 });
    expect((await ask('other')).choices[0]?.message.content).toBe('independent');
    expect(fake.count('seq')).toBe(4);
    expect(fake.requests('seq').map((r) => r.callNumber)).toEqual([1, 2, 3, 4]);
  });

  it('records bodies, headers and arrival times', async () => {
    const before = Date.now();
    await ask('rec', 'record me');
    const [request] = fake.requests('rec');
    expect(request?.protocol).toBe('openai');
    expect(request?.headers.authorization).toBe('Bearer k');
    expect(request?.body).toMatchObject({ model: 'm', messages: [{ role: 'user', content: 'record me' }] });
    expect(request?.receivedAt).toBeGreaterThanOrEqual(before);
  });

  it('holds a response behind a gate and says when the request arrived', async () => {
    const gate = fake.gate();
    fake.script('held', [{ gate, text: 'released' }]);
    let settled = false;
    const pending = ask('held').then((r) => {
      settled = true;
      return r;
    });
    await gate.arrived;
    expect(fake.count('held')).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    gate.release();
    expect((await pending).choices[0]?.message.content).toBe('released');
  });

  it('waits for a number of requests', async () => {
    const waiting = fake.waitForRequests('wait', 2, 5_000);
    await ask('wait');
    await ask('wait');
    expect((await waiting).map((r) => r.callNumber)).toEqual([1, 2]);
    await expect(fake.waitForRequests('never', 1, 20)).rejects.toThrow('0 of 1 requests');
  });

  it('serves Anthropic SSE in the Messages event order', async () => {
    const response = await fetch(`${fake.anthropicBaseUrl('sse')}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = (await response.text()).split('\n').filter((l) => l.startsWith('event: ')).map((l) => l.slice(7));
    expect(events[0]).toBe('message_start');
    expect(events.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
  });

  it('says how each response ended: completed, or cut by the server as scripted', async () => {
    fake.script('ends', [{}, { reset: true }, { cutAfterChunks: 10 }]);
    await ask('ends');
    await expect(ask('ends')).rejects.toThrow();
    await expect(ask('ends')).rejects.toThrow();
    await expect(fake.responseEnd('ends', 1)).resolves.toBe('completed');
    await expect(fake.responseEnd('ends', 2)).resolves.toBe('closed-by-server');
    await expect(fake.responseEnd('ends', 3)).resolves.toBe('closed-by-server');
    await expect(fake.responseEnd('ends', 4)).rejects.toThrow('has no call 4');
  });

  it('answers unknown paths with 404', async () => {
    const response = await fetch(`${fake.url}/x/v1/no-such-endpoint`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
  });

  it('closes with requests still hanging, leaving nothing open', async () => {
    const own = await startFakeProviderServer();
    own.script('hang', [{ hang: true }]);
    const pending = new OpenAI({ apiKey: 'k', baseURL: own.openaiBaseUrl('hang'), maxRetries: 0 }).chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .then(() => 'answered', () => 'failed');
    await own.waitForRequests('hang', 1);
    await own.close();
    expect(await pending).toBe('failed');
  });
});
