// What a batch run from cron or a script sees: the real `llm-router` binary,
// a worker it started, a real Temporal dev server and fake providers that
// count every call. Each case asserts the exit code, the one line on stderr
// and the records kept; docs/batches.md shows the same lines.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { loadConfigFile } from '../../../src/config';
import { startBatchSummarize } from '../../../src/temporal/client';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { connectToTestServer } from '../../support/temporal';
import { docText, readJsonl } from '../../support/batch';
import { errorLines, runCli, startCli, type CliProcess } from '../../http/cli/run-cli';
import { createTestBucket, testS3Env } from '../../support/s3';
import { createDocumentStore } from '../../../activities/document-store';
import { tokenCount } from '../../../activities/documents';
import { chunkTokensFor } from '../../../workflows/chunking';
import { DEFAULT_CHUNK_OVERLAP_TOKENS, splitText } from '../../../workflows/split-text';
import { requireTestEnv } from '../../support/test-env';

let fake: FakeProviderServer;
let dir: string;
let configFile: string;
let worker: CliProcess;
let connection: string[];
let address: string[];
let bucket: string;
let taskQueue: string;
const env = { OUTCOME_KEY: 'outcomes-key-never-in-history' };

/** Stderr without the progress lines `--wait` prints when it is not a terminal: the one-line verdict, and nothing else. */
function verdictLines(run: { stderr: string }): string[] {
  return errorLines({ stderr: run.stderr, stdout: '', code: 0, signal: null }).filter((l) => !/^\d+\/(\d+|\?) docs, /.test(l));
}

/** The last JSON document a `--json` run printed on stdout. */
function jsonOf(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.slice(stdout.indexOf('{'))) as Record<string, unknown>;
}

function folder(name: string, files: Record<string, string | Buffer>): string {
  const path = join(dir, name);
  mkdirSync(path);
  for (const [file, body] of Object.entries(files)) writeFileSync(join(path, file), body);
  return path;
}

/** Every file under `path`, relative, for "nothing stray was left" checks. */
function filesUnder(path: string): string[] {
  return readdirSync(path, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const start = (docs: string, model: string, out: string, ...extra: string[]) =>
  ['batch', 'start', docs, '--model', model, '--out', out, '--config', configFile, ...connection, ...extra];

beforeAll(async () => {
  fake = await startFakeProviderServer();
  bucket = await createTestBucket('outcomes');
  dir = mkdtempSync(join(tmpdir(), 'llm-router-outcomes-'));
  configFile = join(dir, 'router.yaml');
  writeFileSync(configFile, [
    'model_list:',
    '  - model_name: summarizer',
    `    litellm_params: { model: openai/gpt-4o-mini, api_base: "${fake.openaiBaseUrl('primary')}", api_key: os.environ/OUTCOME_KEY }`,
    '    model_info: { id: primary }',
    // The worker lacks this key variable: every call fails before it reaches a provider.
    '  - model_name: keyless',
    `    litellm_params: { model: openai/gpt-4o-mini, api_base: "${fake.openaiBaseUrl('keyless')}", api_key: os.environ/OUTCOME_MISSING_KEY }`,
    '    model_info: { id: keyless }',
    // A small window: documents of a few hundred tokens are summarised map-reduce.
    '  - model_name: small',
    `    litellm_params: { model: openai/gpt-4o-mini, api_base: "${fake.openaiBaseUrl('small')}", api_key: os.environ/OUTCOME_KEY }`,
    '    model_info: { id: small, max_input_tokens: 400 }',
    '',
  ].join('\n'));
  taskQueue = `cli-outcomes-${Date.now()}`;
  address = ['--address', requireTestEnv('address')];
  connection = [...address, '--task-queue', taskQueue];
  worker = startCli(['worker', '--config', configFile, ...connection, '--workflow-bundle', requireTestEnv('bundle')], { env: { ...env, ...testS3Env() }, timeoutMs: 900_000 });
  await worker.waitFor('worker polling task queue', 60_000);
});

afterAll(async () => {
  worker?.child.kill('SIGINT');
  const exit = await worker?.done;
  expect(exit?.code).toBe(0);
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => fake.reset());

test('an all-failed batch exits 4 with the failures by class, and counts no fallback', async () => {
  const docs = folder('all-failed', { 'a.txt': docText(1), 'b.txt': docText(2), 'c.txt': docText(3) });
  const out = join(dir, 'all-failed.jsonl');
  const run = await runCli([...start(docs, 'keyless', out, '--wait', '--json', '--id', 'outcomes-all-failed')], { env });
  expect(run.code).toBe(4);
  const records = readJsonl(out);
  expect(records.map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
  // The missing key is the first call's error and cools the deployment at once (C15); a document that
  // waited on that call (the worker's probe gate) or came later finds no deployment left.
  const byClass: Record<string, number> = {};
  for (const r of records) byClass[r.errorClass as string] = (byClass[r.errorClass as string] ?? 0) + 1;
  expect(byClass.AuthenticationError).toBeGreaterThanOrEqual(1);
  expect(Object.keys(byClass).every((c) => c === 'AuthenticationError' || c === 'NoDeploymentsAvailableError')).toBe(true);
  const json = jsonOf(run.stdout) as { outcome: string; progress: { fallbacks: number; failuresByClass: Record<string, number>; firstFailures: unknown[] } };
  expect(json.progress.failuresByClass).toEqual(byClass);
  const classes = Object.entries(json.progress.failuresByClass).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ');
  expect(verdictLines(run)).toEqual([`llm-router: batch outcomes-all-failed failed: every document failed (3 of 3: ${classes}); records in ${out}`]);
  expect(json.outcome).toBe('failed');
  expect(json.progress.fallbacks).toBe(0);
  expect(json.progress.firstFailures).toHaveLength(3);
  expect(fake.count('keyless')).toBe(0);
  // `batch result` and `batch status` say the same afterwards, with the same exit code.
  for (const command of ['result', 'status']) {
    const again = await runCli(['batch', command, 'outcomes-all-failed', ...address]);
    expect(again.code).toBe(4);
    expect(again.stdout).toContain('batch outcomes-all-failed: failed');
    expect(again.stdout).toContain(`failures by class: ${classes}`);
    expect(again.stdout).toContain(`failed: a.txt: ${records.find((r) => r.id === 'a.txt')?.errorClass as string}: `);
  }
});

test('a JSONL with two bad lines of five: those lines fail, the batch exits 4', async () => {
  const file = join(dir, 'partly.jsonl');
  writeFileSync(file, [
    JSON.stringify({ id: 'one', text: docText(1) }),
    '{"id": "two", "text": ',
    JSON.stringify({ id: 'three', text: docText(3) }),
    JSON.stringify({ id: 'four', body: 'no text field' }),
    JSON.stringify({ id: 'five', text: docText(5) }),
    '',
  ].join('\n'));
  const out = join(dir, 'partly-out.jsonl');
  const run = await runCli(start(file, 'summarizer', out, '--wait', '--id', 'outcomes-partly'), { env });
  expect(run.code).toBe(4);
  expect(verdictLines(run)).toEqual([`llm-router: batch outcomes-partly completed with failures: 2 of 5 documents failed (InvalidDocumentError 2); records in ${out}`]);
  expect(run.stdout).toContain('batch outcomes-partly: completed with failures');
  expect(run.stdout).toContain('failed: line-2: InvalidDocumentError: ');
  expect(run.stdout).toContain('failed: four: InvalidDocumentError: ');
  expect(readJsonl(out).map((r) => [r.id, r.status])).toEqual([['one', 'ok'], ['line-2', 'failed'], ['three', 'ok'], ['four', 'failed'], ['five', 'ok']]);
  expect(fake.count('primary')).toBe(3);
});

test('an empty directory exits 2 before anything starts; --allow-empty runs it', async () => {
  const docs = folder('empty', { 'notes.docx': 'not a document type we read' });
  const out = join(dir, 'empty.jsonl');
  const run = await runCli(start(docs, 'summarizer', out, '--wait'), { env });
  expect(run.code).toBe(2);
  expect(errorLines(run)).toEqual([`llm-router: ${docs}: no documents to summarise (no .txt, .md, .markdown, .html, .htm or .pdf file in it); --allow-empty starts the batch anyway`]);
  expect(existsSync(out)).toBe(false);
  const allowed = await runCli(start(docs, 'summarizer', out, '--wait', '--allow-empty'), { env });
  expect(allowed.code).toBe(0);
  expect(allowed.stdout).toContain('0 done, 0 failed, 0 in flight, of 0');
  expect(readJsonl(out)).toEqual([]);
  expect(fake.count('primary')).toBe(0);
});

test('an empty bucket prefix is refused by the workflow itself, before any provider call: exit 2', async () => {
  const out = join(dir, 'empty-bucket.jsonl');
  const run = await runCli(start(`s3://${bucket}/nothing-here/`, 'summarizer', out, '--wait', '--id', 'outcomes-empty-bucket'), { env });
  expect(run.code).toBe(2);
  expect(verdictLines(run)).toEqual([
    `llm-router: batch outcomes-empty-bucket failed: EmptySourceError: document source s3://${bucket}/nothing-here/ has no documents (allowEmpty / --allow-empty accepts an empty batch)`,
  ]);
  expect(fake.count('primary')).toBe(0);
});

test('a binary file fails as InvalidDocumentError, never a summary; the batch exits 4', async () => {
  const docs = folder('binary', {
    'photo.txt': Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x00, 0x00, 0xff, 0xdb]),
    'fine.txt': 'A readable sentence about the mill.',
  });
  const out = join(dir, 'binary.jsonl');
  const run = await runCli(start(docs, 'summarizer', out, '--wait', '--id', 'outcomes-binary'), { env });
  expect(run.code).toBe(4);
  expect(verdictLines(run)).toEqual([`llm-router: batch outcomes-binary completed with failures: 1 of 2 documents failed (InvalidDocumentError 1); records in ${out}`]);
  const records = readJsonl(out);
  expect(records.map((r) => [r.id, r.status, r.errorClass])).toEqual([['fine.txt', 'ok', undefined], ['photo.txt', 'failed', 'InvalidDocumentError']]);
  expect(records[1]?.summary).toBeUndefined();
  expect(fake.count('primary')).toBe(1);
});

test('a directory as --out exits 2 with one line before any provider call, and leaves no temp files', async () => {
  const docs = folder('to-dir', { 'a.txt': docText(1) });
  const target = join(dir, 'out-is-a-dir');
  mkdirSync(target);
  const run = await runCli(start(docs, 'summarizer', target, '--wait'), { env });
  expect(run.code).toBe(2);
  expect(errorLines(run)).toEqual([`llm-router: --out ${target}: is a directory (expected a file path for the output JSONL)`]);
  expect(fake.count('primary')).toBe(0);
  expect(filesUnder(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

test('the worker checks the output too: a client that starts a batch into a directory gets OutputNotWritableError before any call', async () => {
  const docs = folder('api-to-dir', { 'a.txt': docText(1) });
  const target = join(dir, 'api-out-dir');
  mkdirSync(target);
  const ctx = await connectToTestServer();
  try {
    const config = loadConfigFile(configFile);
    const started = await startBatchSummarize(ctx.client, config, { group: 'summarizer', documents: { kind: 'directory', path: docs }, output: { jsonlPath: target }, taskQueue });
    const failure = await ctx.client.workflow.getHandle(started.workflowId).result().then(() => undefined, (err: unknown) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toMatchObject({ type: 'OutputNotWritableError', message: `output ${target}: is a directory (expected a file path for the output JSONL)` });
    const status = await runCli(['batch', 'status', started.workflowId, ...address]);
    expect(status.code).toBe(2);
    expect(errorLines(status)).toEqual([`llm-router: batch ${started.workflowId} failed: OutputNotWritableError: output ${target}: is a directory (expected a file path for the output JSONL)`]);
  } finally {
    await ctx.close();
  }
  expect(fake.count('primary')).toBe(0);
});

test('an over-budget batch stops, keeps what is done, says so and exits 5', async () => {
  const docs = folder('budget', Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`doc-${i}.txt`, docText(i, 60)])));
  const out = join(dir, 'budget.jsonl');
  // One document costs about $0.00004 at gpt-4o-mini's list price: the budget runs out after a few.
  const run = await runCli(start(docs, 'summarizer', out, '--wait', '--json', '--concurrency', '1', '--max-cost', '0.00008', '--id', 'outcomes-budget'), { env });
  expect(run.code).toBe(5);
  const records = readJsonl(out);
  expect(records.length).toBeGreaterThan(0);
  expect(records.length).toBeLessThan(6);
  expect(records.every((r) => r.status === 'ok')).toBe(true);
  expect(fake.count('primary')).toBe(records.length);
  const json = jsonOf(run.stdout) as { outcome: string; progress: { costUsd: number; budgetReached: { limitUsd: number; notStarted: number } } };
  expect(json.outcome).toBe('budget-stopped');
  expect(json.progress.costUsd).toBeGreaterThanOrEqual(0.00008);
  expect(json.progress.budgetReached).toEqual({ limitUsd: 0.00008, notStarted: 6 - records.length });
  expect(verdictLines(run)).toEqual([
    `llm-router: batch outcomes-budget stopped at its budget of $0.00008: ${records.length} done, 0 failed of 6, ${6 - records.length} not summarised; records in ${out}; llm-router batch resume outcomes-budget finishes it`,
  ]);
  // With a larger budget, the resumed batch pays only for the documents never started.
  fake.reset();
  const resumed = await runCli(['batch', 'resume', 'outcomes-budget', '--max-cost', '1', '--wait', '--json', ...address]);
  expect(resumed.code).toBe(0);
  expect(fake.count('primary')).toBe(6 - records.length);
  expect((jsonOf(resumed.stdout) as { progress: { reused: unknown } }).progress.reused).toEqual({ documents: records.length, chunks: 0 });
  expect(readJsonl(out).map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
});

test('a cancelled batch keeps its finished documents and chunk summaries; resume pays only for what is missing', async () => {
  // Three documents of ~700 tokens; the small window splits each into n chunks (+1 combine), cut as the activity cuts them.
  const words = 330;
  const texts = [docText(1, words), docText(2, words), docText(3, words)];
  const docs = folder('resume', { 'a.txt': texts[0] as string, 'b.txt': texts[1] as string, 'c.txt': texts[2] as string });
  const out = join(dir, 'resume.jsonl');
  const chunkTokens = chunkTokensFor(loadConfigFile(configFile).routing, 'small') as number;
  const cuts = texts.map((t) => splitText(t, { maxTokens: chunkTokens, overlapTokens: DEFAULT_CHUNK_OVERLAP_TOKENS, countTokens: tokenCount, totalTokens: tokenCount(t) }).length);
  expect(new Set(cuts).size).toBe(1);
  const n = cuts[0] as number;
  expect(n).toBeGreaterThan(1);
  // a.txt's n chunks and combine and b.txt's first chunk are answered; b.txt's second chunk is held: the cancel lands there.
  const gate = fake.gate();
  fake.script('small', Array.from({ length: n + 2 }, () => ({})), { after: { gate } });
  const started = await runCli(start(docs, 'small', out, '--concurrency', '1', '--id', 'outcomes-resume'), { env });
  expect(started.code).toBe(0);
  await fake.waitForRequests('small', n + 3, 60_000);
  const cancel = await runCli(['batch', 'cancel', 'outcomes-resume', ...address]);
  expect(cancel.code).toBe(0);
  const result = await runCli(['batch', 'result', 'outcomes-resume', '--wait', ...address]);
  expect(result.code).toBe(1);
  expect(verdictLines(result)).toEqual(['llm-router: batch outcomes-resume was cancelled: 1 done, 0 failed of 3; what is done is kept; llm-router batch resume outcomes-resume finishes it']);
  const kept = readJsonl(out);
  expect(kept.map((r) => [r.id, r.status, r.chunks])).toEqual([['a.txt', 'ok', n]]);
  const chunkFiles = readdirSync(join(`${out}.parts`, 'chunks'));
  // a.txt's n chunks and b.txt's first.
  expect(chunkFiles.filter((f) => f.startsWith('0000000000-'))).toHaveLength(n);
  expect(chunkFiles.filter((f) => f.startsWith('0000000001-'))).toEqual(['0000000001-000000.json']);

  // The held call was cancelled with the batch: the worker aborted it, so it never answers.
  expect(await fake.responseEnd('small', n + 3)).toBe('closed-by-client');
  fake.reset();
  const resumed = await runCli(['batch', 'resume', 'outcomes-resume', '--id', 'outcomes-resumed', '--wait', '--json', ...address]);
  expect(resumed.code).toBe(0);
  // b.txt: its n - 1 missing chunks and its combine; c.txt: n chunks and a combine. Nothing for a.txt.
  expect(fake.count('small')).toBe((n - 1) + 1 + (n + 1));
  const json = jsonOf(resumed.stdout) as { outcome: string; progress: { reused: { documents: number; chunks: number }; chunks: { done: number; total: number } } };
  expect(json.outcome).toBe('completed');
  expect(json.progress.reused).toEqual({ documents: 1, chunks: 1 });
  expect(json.progress.chunks).toEqual({ done: 2 * n, total: 2 * n });
  const records = readJsonl(out);
  expect(records.map((r) => [r.id, r.status, r.chunks])).toEqual([['a.txt', 'ok', n], ['b.txt', 'ok', n], ['c.txt', 'ok', n]]);
  // A completed batch leaves only its outputs.
  expect(existsSync(`${out}.parts`)).toBe(false);
  // Nothing is left to resume in a batch that completed.
  const again = await runCli(['batch', 'resume', 'outcomes-resumed', ...address]);
  expect(again.code).toBe(2);
  expect(errorLines(again)).toEqual(['llm-router: batch outcomes-resumed completed with every document summarised; nothing to resume']);
  expect(filesUnder(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}, 300_000);

test('an S3 output is tried before the first call with a small object that is deleted at once: a completed batch leaves only its output in the bucket', async () => {
  const docs = folder('s3-out-probe', { 'a.txt': docText(1) });
  const bucket = await createTestBucket('outcomes-out');
  const run = await runCli(start(docs, 'summarizer', `s3://${bucket}/results/out.jsonl`, '--wait', '--id', 'outcomes-s3-out-ok'), { env: { ...env, ...testS3Env() } });
  expect(run.code).toBe(0);
  const store = createDocumentStore({ s3: { env: testS3Env() } });
  const keys: string[] = [];
  for await (const name of store.list(`s3://${bucket}/results/`, { recursive: true })) keys.push(name);
  expect(keys).toEqual(['out.jsonl']);
});
