// The real `llm-router` binary on real document formats and S3 locations: a
// worker started by the CLI with nothing but AWS_* variables for the bucket,
// batches of PDF, HTML and Markdown files, and the one-line refusals of bad
// --format and --out values.
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import type { DocumentResultRecord } from '../../../workflows';
import { errorLines, runCli, startCli, type CliProcess } from '../../http/cli/run-cli';
import { articleHtml, HTML_NOISE, scannedPdf, textPdf } from '../../support/document-files';
import { createTestBucket, testS3Client, testS3Env } from '../../support/s3';
import { requireTestEnv } from '../../support/test-env';

let fake: FakeProviderServer;
let dir: string;
let configFile: string;
let worker: CliProcess;
let connection: string[];
let client: S3Client;
let bucket: string;
const env = { CLI_DOCS_KEY: 'cli-documents-key-never-in-history' };

function parse(jsonl: string): DocumentResultRecord[] {
  return jsonl.split('\n').filter(Boolean).map((l) => JSON.parse(l) as DocumentResultRecord);
}

beforeAll(async () => {
  fake = await startFakeProviderServer();
  client = testS3Client();
  bucket = await createTestBucket('cli');
  dir = mkdtempSync(join(tmpdir(), 'llm-router-cli-docs-'));
  configFile = join(dir, 'router.yaml');
  writeFileSync(configFile, [
    'model_list:',
    '  - model_name: summarizer',
    `    litellm_params: { model: openai/gpt-4o-mini, api_base: "${fake.openaiBaseUrl('primary')}", api_key: os.environ/CLI_DOCS_KEY }`,
    '    model_info: { id: primary }',
    '',
  ].join('\n'));
  const taskQueue = `cli-docs-${Date.now()}`;
  connection = ['--address', requireTestEnv('address'), '--task-queue', taskQueue];
  worker = startCli(['worker', '--config', configFile, ...connection, '--workflow-bundle', requireTestEnv('bundle')], { env: { ...env, ...testS3Env() }, timeoutMs: 600_000 });
  await worker.waitFor('worker polling task queue', 60_000);
});

afterAll(async () => {
  worker?.child.kill('SIGINT');
  const exit = await worker?.done;
  expect(exit?.code).toBe(0);
  client.destroy();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a folder of PDF, HTML and Markdown files, summarised into an S3 object', async () => {
  const docs = join(dir, 'mixed');
  mkdirSync(docs);
  writeFileSync(join(docs, 'a-report.pdf'), await textPdf([['Annual report, page one.'], ['Page two: the outlook is bright.']]));
  writeFileSync(join(docs, 'b-article.html'), articleHtml());
  writeFileSync(join(docs, 'c-notes.md'), '# Notes\n\nThe mill wheel turns all day.\n');
  const out = `s3://${bucket}/runs/mixed.jsonl`;
  const run = await runCli(['batch', 'start', docs, '--model', 'summarizer', '--out', out, '--config', configFile, '--wait', ...connection], { env });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('3 done, 0 failed');
  const body = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'runs/mixed.jsonl' }));
  const records = parse((await body.Body?.transformToString()) ?? '');
  expect(records.map((r) => [r.id, r.status])).toEqual([['a-report.pdf', 'ok'], ['b-article.html', 'ok'], ['c-notes.md', 'ok']]);
  expect(records[0]?.summary).toContain('Annual report, page one.');
  expect(records[1]?.summary).toContain('Routing that survives outages');
  expect(records[1]?.summary).not.toContain('SiteNavigationLink');
});

test('a multi-page PDF too large for one call is summarised in parts cut at its pages and sentences; an HTML page\'s navigation never reaches the provider', async () => {
  // A narrow window, so the PDF needs several calls: the parts show where the text was cut.
  const narrowConfig = join(dir, 'narrow.yaml');
  writeFileSync(narrowConfig, [
    'model_list:',
    '  - model_name: summarizer',
    `    litellm_params: { model: openai/gpt-4o-mini, api_base: "${fake.openaiBaseUrl('primary')}", api_key: os.environ/CLI_DOCS_KEY }`,
    '    model_info: { id: primary, max_input_tokens: 700 }',
    '',
  ].join('\n'));
  const docs = join(dir, 'formats');
  mkdirSync(docs);
  const pages = [1, 2, 3, 4, 5].map((p) => Array.from({ length: 24 }, (_, l) => `Page ${p} line ${l + 1} says the mill keeps turning.`));
  writeFileSync(join(docs, 'a-minutes.pdf'), await textPdf(pages));
  writeFileSync(join(docs, 'b-article.html'), articleHtml());
  const out = join(dir, 'formats.jsonl');
  fake.reset();
  const run = await runCli(['batch', 'start', docs, '--model', 'summarizer', '--out', out, '--config', narrowConfig, '--chunk-overlap', '30', '--wait', ...connection], { env });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('2 done, 0 failed');
  const records = parse(readFileSync(out, 'utf8'));
  expect(records.map((r) => [r.id, r.status, r.servedBy])).toEqual([['a-minutes.pdf', 'ok', 'primary'], ['b-article.html', 'ok', 'primary']]);
  const pdf = records[0]!;
  expect(pdf.chunks).toBeGreaterThan(2);

  const prompts = fake.requests('primary').map((r) => (r.body as { messages: Array<{ content: string }> }).messages[1]?.content ?? '');
  const parts = prompts.filter((p) => p.startsWith('Summarise this document (part ')).map((p) => p.replace(/^Summarise this document \(part \d+ of \d+\):\n\n/, ''));
  expect(parts).toHaveLength(pdf.chunks!);
  // Every part starts and ends on a whole line of the PDF: no sentence, let alone a word, is cut.
  for (const part of parts) {
    expect(part).toMatch(/^Page \d line \d+ says/);
    expect(part).toMatch(/says the mill keeps turning\.$/);
  }
  // Every line of every page reached the provider, and each part after the first repeats the end of the one before.
  for (const lines of pages) for (const line of lines) expect(parts.some((p) => p.includes(line))).toBe(true);
  for (let i = 1; i < parts.length; i++) {
    const last = /Page \d line \d+ says the mill keeps turning\.$/.exec(parts[i - 1]!)?.[0];
    expect(parts[i]).toContain(last!);
  }
  // The article's text was summarised; its navigation, header, footer, sidebar and scripts were not.
  const html = prompts.find((p) => p.includes('Routing that survives outages'));
  expect(html).toContain('When a deployment fails, the workflow moves to the next one in the chain.');
  for (const word of HTML_NOISE) expect(prompts.join('\n')).not.toContain(word);
  expect(records[1]?.summary).toContain('Routing that survives outages');
});

test('scanned PDFs and binary files fail per document with named errors, and no provider call is made for them', async () => {
  const docs = join(dir, 'unreadable');
  mkdirSync(docs);
  writeFileSync(join(docs, 'scan.pdf'), await scannedPdf(3));
  writeFileSync(join(docs, 'photo.txt'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]));
  writeFileSync(join(docs, 'fine.txt'), 'A readable sentence about the mill.');
  const out = join(dir, 'unreadable.jsonl');
  fake.reset();
  const run = await runCli(['batch', 'start', docs, '--model', 'summarizer', '--out', out, '--config', configFile, '--wait', '--json', ...connection], { env });
  expect(run.stderr).not.toMatch(/^llm-router: .*stack/m);
  const records = parse(readFileSync(out, 'utf8'));
  expect(records.map((r) => [r.id, r.status, r.errorClass])).toEqual([
    ['fine.txt', 'ok', undefined],
    ['photo.txt', 'failed', 'InvalidDocumentError'],
    ['scan.pdf', 'failed', 'DocumentUnreadableError'],
  ]);
  expect(records[2]?.error).toBe(`${join(docs, 'scan.pdf')}: scanned PDF: 3 pages and no text layer (run OCR on it first)`);
  expect(fake.count('primary')).toBe(1);
});

test('an S3 prefix read as HTML with --format, written to a local file', async () => {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'pages/one.txt', Body: '<nav>Menu</nav><p>First page body.</p>' }));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'pages/two.txt', Body: '<footer>Legal</footer><p>Second page body.</p>' }));
  const out = join(dir, 'pages.jsonl');
  const run = await runCli(['batch', 'start', `s3://${bucket}/pages`, '--format', 'html', '--model', 'summarizer', '--out', out, '--config', configFile, '--wait', ...connection], { env });
  expect(run.code).toBe(0);
  const records = parse(readFileSync(out, 'utf8'));
  expect(records.map((r) => r.summary)).toEqual([expect.stringContaining('First page body.'), expect.stringContaining('Second page body.')]);
  expect(records.map((r) => r.summary).join(' ')).not.toMatch(/Menu|Legal/);
});

test('bad --format, --out and s3:// values exit 2 with one line, before contacting anything', async () => {
  // Flag values are refused by commander, in its own words.
  const format = await runCli(['batch', 'start', dir, '--format', 'docx', '--model', 'summarizer', '--out', 'o.jsonl', '--config', configFile, '--address', '127.0.0.1:1'], { env });
  expect(format.code).toBe(2);
  expect(format.stderr).toContain('argument \'docx\' is invalid. "docx" is not a document format (text, markdown, html, pdf).');
  const cases: Array<[string[], string]> = [
    [['batch', 'start', dir, '--out', `s3://${bucket}/folder/`], `llm-router: --out s3://${bucket}/folder/: names no object (expected s3://bucket/key.jsonl)`],
    [['batch', 'start', 's3://UPPER/docs', '--out', 'o.jsonl'], 'llm-router: documents: s3://UPPER/docs: "UPPER" is not a valid bucket name (3-63 lower-case letters, digits, dots or hyphens)'],
  ];
  for (const [args, line] of cases) {
    const run = await runCli([...args, '--model', 'summarizer', ...(args.includes('--out') ? [] : ['--out', 'o.jsonl']), '--config', configFile, '--address', '127.0.0.1:1'], { env });
    expect(run.code).toBe(2);
    expect(errorLines(run)).toEqual([line]);
  }
});
