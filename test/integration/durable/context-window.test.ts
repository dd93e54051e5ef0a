import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProviderRegistry } from '../../../src/providers';
import { countPromptTokens } from '../../../src/providers/tokens';
import type { ChatMessage } from '../../../src/providers/types';
import { getBatchResult, startBatchSummarize } from '../../../src/temporal/client';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { chunkTokensFor } from '../../../workflows/chunking';
import { docText, readJsonl, writeJsonlDocuments } from '../../support/batch';
import { activitySummaries } from '../../support/history';
import { secretsInHistories } from '../../support/secrets';
import { FAKE_KEY_ENV, FAST_ROUTING, fakeRouterConfig } from '../../support/router-config';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

// A document bigger than the fallback model's window completes through
// chunking: pieces sized for the smallest window in the chain, then a combine.
const NARROW_WINDOW = 700;

let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let dir: string;

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  dir = mkdtempSync(join(tmpdir(), 'tlr-window-'));
});
afterAll(async () => {
  await fake.close();
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a document larger than the fallback window is summarised map-reduce, every request fitting that window', async () => {
  // The wide model is down, so everything lands on the narrow fallback.
  fake.script('wide', [], { after: { status: 503 } });
  const config = fakeRouterConfig(fake, [
    { id: 'wide', group: 'big', model: 'openai/gpt-4.1', maxInputTokens: 100_000, numRetries: 0 },
    { id: 'narrow', group: 'small', model: 'openai/gpt-4o-mini', maxInputTokens: NARROW_WINDOW },
  ], { fallbacks: [{ big: ['small'] }], cooldown_time: 1 });
  const size = chunkTokensFor(config.routing, 'big');
  expect(size).toBeLessThan(NARROW_WINDOW);

  const path = writeJsonlDocuments(dir, 3, (i) => (i === 1 ? docText(i, 2_500) : docText(i)));
  const worker = await createTestWorker(ctx, createProviderRegistry({ env: { [FAKE_KEY_ENV]: 'fake-window-key-never-in-history' } }));
  const workflowId = uniqueWorkflowId('window');
  const result = await worker.runUntil(async () => {
    await startBatchSummarize(ctx.client, config, {
      group: 'big', documents: { kind: 'jsonl', path }, output: { jsonlPath: join(dir, 'out.jsonl') },
      concurrency: 1, taskQueue: ctx.taskQueue, routing: FAST_ROUTING, workflowId,
    });
    return getBatchResult(ctx.client, workflowId);
  });

  const records = readJsonl(result.output.jsonlPath);
  expect(records.map((r) => [r.id, r.status, r.servedBy])).toEqual([['doc-0', 'ok', 'narrow'], ['doc-1', 'ok', 'narrow'], ['doc-2', 'ok', 'narrow']]);
  const big = records[1]!;
  expect(big.chunks).toBeGreaterThan(1);
  expect(records[0]?.chunks).toBe(1);
  expect(result.progress.chunkedDocuments).toBe(1);

  // Every request the narrow model received fits its window.
  const narrow = fake.requests('narrow');
  const sizes = narrow.map((r) => countPromptTokens((r.body as { messages: ChatMessage[] }).messages));
  expect(Math.max(...sizes)).toBeLessThanOrEqual(NARROW_WINDOW);
  // Two small documents, the big one's parts, and its combines (more than one round when the partials outgrow a chunk).
  const prompts = narrow.map((r) => (r.body as { messages: ChatMessage[] }).messages[1]?.content as string);
  const combines = prompts.filter((p) => p.startsWith('Summarise document doc-1 from these summaries')).length;
  expect(combines).toBeGreaterThanOrEqual(1);
  expect(prompts.filter((p) => p.startsWith('Summarise this document (part '))).toHaveLength(big.chunks!);
  expect(narrow).toHaveLength(2 + big.chunks! + combines);

  const summaries = activitySummaries(await ctx.client.workflow.getHandle(workflowId).fetchHistory());
  // The document comes first in each hop's label.
  expect(summaries.filter((s) => s.startsWith(`doc doc-1 part 1/${big.chunks} · `))).toHaveLength(2);
  expect(summaries.some((s) => /^doc doc-1 combine \d+ · /.test(s))).toBe(true);
});

test('a Markdown document is cut at its headings and sentences, never inside a word, and each part repeats the end of the one before', async () => {
  const config = fakeRouterConfig(fake, [{ id: 'narrow-md', group: 'md', model: 'openai/gpt-4o-mini', maxInputTokens: NARROW_WINDOW }]);
  const sentence = (topic: string, n: number) => `The ${topic} section makes point ${n} about durable routing.`;
  const sections = Array.from({ length: 8 }, (_, i) => {
    const topic = `topic${i + 1}`;
    const paragraphs = [0, 1, 2].map((p) => Array.from({ length: 6 }, (_, n) => sentence(topic, p * 6 + n + 1)).join(' '));
    return `## Section ${i + 1}\n\n${paragraphs.join('\n\n')}`;
  });
  const text = `# Handbook\n\n${sections.join('\n\n')}\n`;
  const path = writeJsonlDocuments(join(dir, 'md'), 1, () => text);
  const worker = await createTestWorker(ctx, createProviderRegistry({ env: { [FAKE_KEY_ENV]: 'fake-window-key-never-in-history' } }));
  const workflowId = uniqueWorkflowId('window-md');
  const result = await worker.runUntil(async () => {
    await startBatchSummarize(ctx.client, config, {
      group: 'md', documents: { kind: 'jsonl', path, textField: 'text' }, output: { jsonlPath: join(dir, 'md-out.jsonl') },
      concurrency: 1, taskQueue: ctx.taskQueue, routing: FAST_ROUTING, workflowId, chunkOverlapTokens: 40,
    });
    return getBatchResult(ctx.client, workflowId);
  });
  const [record] = readJsonl(result.output.jsonlPath);
  expect(record).toMatchObject({ status: 'ok', servedBy: 'narrow-md' });
  const prompts = fake.requests('narrow-md').map((r) => ((r.body as { messages: ChatMessage[] }).messages[1]?.content as string));
  const parts = prompts.filter((p) => p.startsWith('Summarise this document (part ')).map((p) => p.replace(/^Summarise this document \(part \d+ of \d+\):\n\n/, ''));
  expect(parts).toHaveLength(record!.chunks!);
  expect(parts.length).toBeGreaterThan(2);
  // Every part ends at the end of a sentence and starts at a heading or a sentence: no word is cut.
  for (const part of parts) {
    expect(part).toMatch(/(^#{1,2} |^The topic\d+ section makes point \d+)/);
    expect(part).toMatch(/(durable routing\.|Section \d+)$/);
  }
  // Past the first, a part starting with a sentence (not a heading) repeats the previous part's last sentence.
  for (let i = 1; i < parts.length; i++) {
    const previousLast = /The topic\d+ section makes point \d+ about durable routing\.$/.exec(parts[i - 1]!)?.[0];
    expect(previousLast).toBeDefined();
    expect(parts[i]).toContain(previousLast!);
  }
  // Most cuts fall at a section heading: the heading opens the part right after the overlap.
  expect(parts.filter((p) => /(^|\n\n)## Section \d+\n/.test(p.slice(0, 400))).length).toBeGreaterThanOrEqual(parts.length / 2);
  const sizes = fake.requests('narrow-md').map((r) => countPromptTokens((r.body as { messages: ChatMessage[] }).messages));
  expect(Math.max(...sizes)).toBeLessThanOrEqual(NARROW_WINDOW);
});

test('no API key value appears in the history of any workflow run this file started', async () => {
  const { runs, leaks } = await secretsInHistories(ctx.client, ctx.taskQueue, ['fake-window-key-never-in-history']);
  expect(runs).toBeGreaterThanOrEqual(1);
  expect(leaks).toEqual([]);
});
