// A 50 MB text file through the real `llm-router` binary: with no
// --max-document-tokens the config default cap refuses it with a named error
// before any provider call; with the cap raised it is summarised map-reduce
// and the progress lines count its chunks. Durations are printed, not asserted.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { readJsonl } from '../../support/batch';
import { errorLines, runCli, startCli, type CliProcess } from '../../http/cli/run-cli';
import { requireTestEnv } from '../../support/test-env';

let fake: FakeProviderServer;
let dir: string;
let configFile: string;
let worker: CliProcess;
let connection: string[];
const env = { LARGE_DOC_KEY: 'large-document-key' };

/** Prose-like text of about `bytes` bytes: sentences of varied words, paragraphs. */
function prose(bytes: number): string {
  const words = ['mill', 'river', 'wheel', 'grain', 'stone', 'miller', 'flour', 'water', 'season', 'harvest', 'market', 'village', 'road', 'cart'];
  const sentences: string[] = [];
  for (let i = 0; i < 200; i++) {
    const n = 8 + (i % 9);
    sentences.push(`${Array.from({ length: n }, (_, w) => words[(i * 7 + w * 3) % words.length]).join(' ')} ${i}.`);
  }
  const paragraph = `${sentences.join(' ')}\n\n`;
  return paragraph.repeat(Math.ceil(bytes / paragraph.length)).slice(0, bytes);
}

function note(line: string): void {
  process.stderr.write(`[batch-large-document] ${line}\n`);
}

beforeAll(async () => {
  fake = await startFakeProviderServer();
  dir = mkdtempSync(join(tmpdir(), 'llm-router-large-'));
  configFile = join(dir, 'router.yaml');
  writeFileSync(configFile, [
    'model_list:',
    '  - model_name: summarizer',
    `    litellm_params: { model: openai/gpt-4o-mini, api_base: "${fake.openaiBaseUrl('primary')}", api_key: os.environ/LARGE_DOC_KEY }`,
    '    model_info: { id: primary }',
    '',
  ].join('\n'));
  const taskQueue = `cli-large-${Date.now()}`;
  connection = ['--address', requireTestEnv('address'), '--task-queue', taskQueue];
  worker = startCli(['worker', '--config', configFile, ...connection, '--workflow-bundle', requireTestEnv('bundle')], { env, timeoutMs: 900_000 });
  await worker.waitFor('worker polling task queue', 60_000);
});

afterAll(async () => {
  worker?.child.kill('SIGINT');
  const exit = await worker?.done;
  expect(exit?.code).toBe(0);
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a 50 MB document with no --max-document-tokens fails fast on the default cap, with zero provider calls', async () => {
  const docs = join(dir, 'huge');
  mkdirSync(docs);
  const file = join(docs, 'huge.txt');
  writeFileSync(file, prose(50 * 1024 * 1024));
  const out = join(dir, 'huge.jsonl');
  fake.reset();
  const started = Date.now();
  const run = await runCli(['batch', 'start', docs, '--model', 'summarizer', '--out', out, '--config', configFile, '--wait', '--id', 'large-capped', ...connection], { env, timeoutMs: 300_000 });
  note(`50 MB at the default cap: exit ${run.code} after ${Date.now() - started} ms (CLI start to exit, worker already running)`);
  expect(run.code).toBe(4);
  const records = readJsonl(out);
  expect(records.map((r) => [r.id, r.status, r.errorClass])).toEqual([['huge.txt', 'failed', 'DocumentTokenCapError']]);
  expect(records[0]?.error).toBe(`${file}: more than 1000000 tokens, the per-document cap (raise it with --max-document-tokens or router_settings.max_document_tokens)`);
  expect(errorLines(run).filter((l) => l.startsWith('llm-router:'))).toEqual([
    `llm-router: batch large-capped failed: every document failed (1 of 1: DocumentTokenCapError 1); records in ${out}`,
  ]);
  expect(fake.count('primary')).toBe(0);
}, 300_000);

test('with the cap raised a large document is summarised map-reduce, and progress counts its chunks', async () => {
  const bytes = Number(process.env.LARGE_DOC_BYTES ?? 8 * 1024 * 1024);
  const docs = join(dir, 'large');
  mkdirSync(docs);
  writeFileSync(join(docs, 'large.txt'), prose(bytes));
  const out = join(dir, 'large.jsonl');
  fake.reset();
  // What it would cost, without a call.
  const dry = await runCli(['batch', 'start', docs, '--model', 'summarizer', '--out', out, '--config', configFile, '--max-document-tokens', '20000000', '--dry-run', '--json'], { env, timeoutMs: 300_000 });
  expect(dry.code).toBe(0);
  const estimate = JSON.parse(dry.stdout) as { documents: number; tokens: number; chunks: number; providerCalls: number; costUsd: { low: number; high: number } };
  expect(estimate.documents).toBe(1);
  expect(estimate.chunks).toBeGreaterThan(1);
  expect(fake.count('primary')).toBe(0);
  const started = Date.now();
  const run = await runCli([
    'batch', 'start', docs, '--model', 'summarizer', '--out', out, '--config', configFile, '--max-document-tokens', '20000000', '--wait', '--json', '--id', 'large-raised', ...connection,
  ], { env, timeoutMs: 900_000 });
  const elapsed = Date.now() - started;
  expect(run.code).toBe(0);
  const records = readJsonl(out);
  expect(records.map((r) => [r.id, r.status, r.chunks])).toEqual([['large.txt', 'ok', estimate.chunks]]);
  const result = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { progress: { chunks: { done: number; total: number }; providerCalls: number; costUsd: number } };
  expect(result.progress.chunks).toEqual({ done: estimate.chunks, total: estimate.chunks });
  expect(fake.count('primary')).toBe(result.progress.providerCalls);
  expect(result.progress.providerCalls).toBe(estimate.providerCalls);
  // The non-terminal progress lines name the chunks as they finish.
  const progress = errorLines(run).filter((l) => / docs, /.test(l));
  const withChunks = progress.filter((l) => new RegExp(`chunks \\d+/${estimate.chunks}`).test(l));
  expect(withChunks.length).toBeGreaterThan(0);
  note(`progress lines: ${withChunks[0]} … ${withChunks.at(-1)}`);
  note(`${bytes} bytes, ${estimate.tokens} tokens, ${estimate.chunks} chunks, ${result.progress.providerCalls} calls: ${elapsed} ms; cost $${result.progress.costUsd.toFixed(4)} (estimated $${estimate.costUsd.low.toFixed(4)})`);
}, 900_000);
