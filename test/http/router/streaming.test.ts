import type { RouterChunk } from '../../../src/router';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { ask, collectText, counts, deployment, loadTestConfig, makeRouter } from './helpers';

async function drain(stream: AsyncIterable<RouterChunk>): Promise<{ text: string; chunks: RouterChunk[] }> {
  const chunks: RouterChunk[] = [];
  let text = '';
  for await (const chunk of stream) {
    chunks.push(chunk);
    for (const c of chunk.choices) text += c.delta.content ?? '';
  }
  return { text, chunks };
}

describe('streaming fallback', () => {
  let fake: FakeProviderServer;
  beforeAll(async () => {
    fake = await startFakeProviderServer();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const ROUTES = ['a', 'b', 'c'];
  const config = () =>
    loadTestConfig(
      [
        deployment(fake, 'chat', 'a', 'openai/gpt-4o-mini', { weight: 1000 }),
        deployment(fake, 'chat', 'b', 'anthropic/claude-3-5-haiku-20241022', { weight: 1 }),
        deployment(fake, 'backup', 'c', 'openai/gpt-4o'),
      ],
      { num_retries: 1, fallbacks: [{ chat: ['backup'] }] },
    );

  it('falls back before the first chunk exactly like a completion', async () => {
    fake.script('a', [{ status: 503 }]);
    fake.script('b', [{ text: 'hello from b' }]);
    const { text, chunks } = await drain(makeRouter(config()).stream(ask('chat')));
    expect(text).toBe('hello from b');
    expect(counts(fake, ROUTES)).toEqual({ a: 1, b: 1, c: 0 });
    const routing = chunks[chunks.length - 1]?.routing;
    expect(routing).toMatchObject({ deployment: 'b', attempts: 2, provider: 'anthropic' });
    expect(routing?.continuedFrom).toBeUndefined();
    // Only the final chunk carries routing metadata.
    expect(chunks.slice(0, -1).every((c) => c.routing === undefined)).toBe(true);
  });

  it.each(['a', 'b'])('ends with usage, time to first token and cost in the routing metadata (deployment %s)', async (route) => {
    // A clock that ticks on every read, so every interval the router measures is positive and ordered.
    let t = 1_800_000_000_000;
    const now = () => (t += 1);
    const prices = { input_cost_per_token: 0.000001, output_cost_per_token: 0.000004 };
    const cfg = loadTestConfig([
      deployment(fake, 'chat', 'a', 'openai/gpt-4o-mini', prices),
      deployment(fake, 'chat', 'b', 'anthropic/claude-3-5-haiku-20241022', prices),
    ]);
    const router = makeRouter(cfg, { now });
    const other = route === 'a' ? 'b' : 'a';
    fake.script(other, [{ status: 503 }], { after: { status: 503 } });
    const { chunks } = await drain(router.stream(ask('chat')));
    const last = chunks[chunks.length - 1];
    const usage = last?.usage;
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    const routing = last?.routing;
    expect(routing?.deployment).toBe(route);
    expect(routing?.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(routing?.timeToFirstTokenMs).toBeLessThan(routing?.attemptLatencyMs ?? 0);
    expect(routing?.costUsd).toBeCloseTo((usage?.prompt_tokens ?? 0) * 0.000001 + (usage?.completion_tokens ?? 0) * 0.000004, 12);
    // The latency strategy's TTFT samples come from the same measurement.
    expect(router.getState().deployments[route]?.ttft.map((s) => s.value)).toEqual([routing?.timeToFirstTokenMs]);
  });

  it('continues on the next deployment after a mid-stream failure, passing the delivered text as an assistant prefix', async () => {
    fake.script('a', [{ text: 'one two three four five six', cutAfterChunks: 3 }]);
    fake.script('b', [{ text: ' four five six' }]);
    const { text, chunks } = await drain(makeRouter(config()).stream(ask('chat', 'Count to six.')));
    expect(counts(fake, ROUTES)).toEqual({ a: 1, b: 1, c: 0 });
    const routing = chunks[chunks.length - 1]?.routing;
    expect(routing?.deployment).toBe('b');
    const prefix = routing?.continuedFrom ?? '';
    expect(prefix.length).toBeGreaterThan(0);
    expect('one two three four five six'.startsWith(prefix)).toBe(true);
    // The caller sees one answer: what a delivered, then what b added, without doubling the space the prefill lost.
    expect(text).toBe(`${prefix.trimEnd()} four five six`);
    // b was asked to continue from exactly that text (Anthropic prefill: the last message is the assistant's).
    const body = fake.requests('b')[0]?.body as { messages: Array<{ role: string; content: unknown }> };
    const last = body.messages[body.messages.length - 1];
    expect(last?.role).toBe('assistant');
    expect(JSON.stringify(last?.content)).toContain(prefix.trimEnd());
    expect(routing?.attemptLog[0]).toMatchObject({ deploymentId: 'a', outcome: 'failure' });
  });

  describe('a stream cut mid-answer never makes the caller read text twice', () => {
    const cutConfig = () =>
      loadTestConfig(
        [deployment(fake, 'solo', 'a', 'openai/gpt-4o-mini', { num_retries: 2 }), deployment(fake, 'rescue', 'c', 'openai/gpt-4o')],
        { fallbacks: [{ solo: ['rescue'] }] },
      );
    const answer = 'alpha bravo charlie delta echo foxtrot';

    it('moves on to the fallback at once (no backoff on the deployment that cut it), which answers without honouring the prefill', async () => {
      fake.script('a', [], { after: { text: answer, cutAfterChunks: 3 } });
      fake.script('c', [{ text: 'The complete answer.' }]);
      const started = Date.now();
      const { text, chunks } = await drain(makeRouter(cutConfig()).stream(ask('solo')));
      expect(counts(fake, ['a', 'c'])).toEqual({ a: 1, c: 1 });
      expect(Date.now() - started).toBeLessThan(1_000);
      const delivered = chunks[chunks.length - 1]?.routing?.continuedFrom ?? '';
      expect(answer.startsWith(delivered) && delivered.length > 0).toBe(true);
      // The fallback's full answer, once; the cut deployment's text, once.
      expect(text.split('The complete answer.')).toHaveLength(2);
      expect(text.split(delivered.trim())).toHaveLength(2);
      expect(chunks[chunks.length - 1]?.routing?.attemptLog.map((x) => [x.deploymentId, x.errorClass])).toEqual([['a', 'MidStreamError'], ['c', null]]);
    });

    it('cuts the repetition when the fallback starts the same answer again', async () => {
      fake.script('a', [{ text: answer, cutAfterChunks: 3 }]);
      fake.script('c', [{ text: answer }]);
      const { text } = await drain(makeRouter(cutConfig()).stream(ask('solo')));
      expect(text).toBe(answer);
    });

    it('ends with a MidStreamError naming what was delivered when the fallback restarts differently', async () => {
      // The caller has read 'alpha bravo charlie ' when the cut comes; the fallback repeats two words of it, then goes elsewhere.
      fake.script('a', [{ text: answer, cutAfterChunks: 4 }]);
      fake.script('c', [{ text: 'alpha bravo zulu yankee xray' }]);
      const seen: string[] = [];
      const error = await (async () => {
        for await (const chunk of makeRouter(cutConfig()).stream(ask('solo'))) for (const ch of chunk.choices) seen.push(ch.delta.content ?? '');
      })().catch((e: unknown) => e as { name: string; message: string; partialText: string });
      expect(error).toMatchObject({ name: 'MidStreamError' });
      const delivered = seen.join('');
      expect((error as { partialText: string }).partialText).toBe(delivered);
      expect((error as Error).message).toContain(`first ${delivered.length} characters`);
      expect(delivered.startsWith('alpha')).toBe(true);
      expect(delivered).not.toContain('zulu');
    });

    it('with nowhere to go, the caller gets the cut as a MidStreamError holding the delivered text, and the deployment is not asked again', async () => {
      const lone = loadTestConfig([deployment(fake, 'solo', 'a', 'openai/gpt-4o-mini', { num_retries: 2 })]);
      fake.script('a', [], { after: { text: answer, cutAfterChunks: 3 } });
      const seen: string[] = [];
      const error = await (async () => {
        for await (const chunk of makeRouter(lone).stream(ask('solo'))) for (const ch of chunk.choices) seen.push(ch.delta.content ?? '');
      })().catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'MidStreamError', partialText: seen.join('') });
      expect(fake.count('a')).toBe(1);
    });
  });

  it('moves to the fallback group when the stream keeps failing in the group', async () => {
    fake.script('a', [], { after: { status: 500 } });
    fake.script('b', [], { after: { status: 529 } });
    const router = makeRouter(config());
    const text = await collectText(router.stream(ask('chat')));
    expect(text.length).toBeGreaterThan(0);
    expect(counts(fake, ROUTES)).toEqual({ a: 1, b: 1, c: 1 });
  });

  it('releases the attempt when the caller stops reading early', async () => {
    fake.script('a', [{ text: 'a b c d e f g h', chunkDelayMs: 5 }]);
    const router = makeRouter(config());
    for await (const chunk of router.stream(ask('chat'))) {
      if (chunk.choices.some((c) => (c.delta.content ?? '') !== '')) break;
    }
    const state = router.getState().deployments.a;
    expect(state?.inFlight).toBe(0);
    expect(state?.failures).toBe(0);
    expect(state?.cooldownUntil).toBe(0);
  });

  it('surfaces the failure instead of continuing half a tool call', async () => {
    // The registry holds one chunk back, so two sent means one tool-call delta reached the caller.
    fake.script('a', [{ cutAfterChunks: 2 }]);
    const router = makeRouter(config());
    const request = {
      ...ask('chat', 'What is the weather in Paris?'),
      tools: [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      tool_choice: 'required' as const,
    };
    await expect(drain(router.stream(request))).rejects.toMatchObject({ name: 'MidStreamError' });
    expect(counts(fake, ROUTES)).toEqual({ a: 1, b: 0, c: 0 });
  });
});
