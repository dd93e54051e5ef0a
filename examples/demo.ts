// The one-command demo: a batch summarisation that keeps going while a
// provider goes down. Starts a real Temporal dev server with its Web UI, two
// fake providers on free loopback ports (one speaking OpenAI's wire protocol,
// one Anthropic's), and a worker; summarises the sample documents; takes the
// OpenAI-like provider down for part of the run; prints what happened.
//
//   npm run demo                 # runs, prints, cleans up, exits 0
//   npm run demo -- --keep       # leaves everything running to browse the UI
//   npm run demo -- --real       # real OpenAI and Anthropic (needs both API keys);
//                                # the outage is a local proxy in front of OpenAI
//   npm run demo -- --s3         # documents and summaries in a real S3 server
//                                # (SeaweedFS on loopback) instead of the disk
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { Command, InvalidArgumentError } from 'commander';
import { createDocumentStore, type DocumentStore } from '../activities/document-store';
import { startDevServer, startS3Server, type DevServerHandle } from '../src/dev-server';
import { DurableRouter, getBatchResult, getBatchStatus, startBatchSummarize } from '../src/temporal/client';
import { createWorker } from '../src/temporal/worker';
import { startFakeProviderServer, type FakeProviderServer, type FakeStep } from '../src/testing';
import type { BatchProgress } from '../workflows/batch-types';

const TASK_QUEUE = 'llm-router-demo';
const GROUP = 'summarizer';
const BACKUP_GROUP = 'summarizer-backup';
const PRIMARY = 'openai-primary';
const BACKUP = 'anthropic-backup';
/** Fake provider latency per call: long enough that the outage lands mid-run, short enough for a quick demo. */
const FAKE_LATENCY_MS = 500;
const PROGRESS_INTERVAL_MS = 1_000;
const DEFAULT_DOCS = resolve(__dirname, 'documents');
const S3_BUCKET = 'demo-documents';

interface DemoOptions {
  keep: boolean;
  real: boolean;
  s3: boolean;
  docs: string;
  concurrency: number;
  outageStart: number;
  outageEnd: number;
  state: string;
}

function parseArgs(argv: string[]): DemoOptions {
  const positive = (name: string) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} "${v}" must be a positive integer`);
    return n;
  };
  const fraction = (v: string) => {
    const n = Number(v);
    if (!(n >= 0 && n < 1)) throw new InvalidArgumentError(`"${v}" must be a fraction in [0, 1)`);
    return n;
  };
  const program = new Command('npm run demo --')
    .option('--keep', 'leave the dev server, fake providers and worker running to browse the UI')
    .option('--real', 'use the real OpenAI and Anthropic APIs (OPENAI_API_KEY and ANTHROPIC_API_KEY)')
    .option('--s3', 'read the documents from, and write the summaries to, a real S3 server (SeaweedFS, built once if not cached)')
    .option('--docs <dir>', 'documents to summarise', DEFAULT_DOCS)
    .option('--concurrency <n>', 'documents in flight at once', positive('--concurrency'), 4)
    .option('--outage-start <fraction>', 'take the OpenAI-like provider down once this share of documents is done', fraction, 0.2)
    .option('--outage-end <fraction>', 'bring it back once this share of documents is done', fraction, 0.5)
    .option('--state <dir>', 'where the dev server database and the output go', '.temporal/demo')
    .parse(argv);
  return program.opts<DemoOptions>();
}

/** The outage switch: for fakes, a script on the route; for --real, a local proxy in front of api.openai.com. */
interface Outage {
  down(): void;
  up(): void;
  /** Requests that reached the OpenAI-like provider, and how many of them were refused during the outage. */
  counts(): { requests: number; refused: number };
  close(): Promise<void>;
}

function fakeOutage(fake: FakeProviderServer): Outage {
  // Re-scripting a route restarts its counters, so earlier phases are added up here.
  let earlier = 0;
  let refused = 0;
  let isDown = false;
  const rescript = (step: FakeStep) => {
    if (isDown) refused += fake.count(PRIMARY);
    earlier += fake.count(PRIMARY);
    fake.script(PRIMARY, [], { after: step });
  };
  return {
    down() {
      rescript({ status: 503, errorMessage: 'The server is overloaded (demo outage)', latencyMs: 20 });
      isDown = true;
    },
    up() {
      rescript({ latencyMs: FAKE_LATENCY_MS });
      isDown = false;
    },
    counts: () => ({ requests: earlier + fake.count(PRIMARY), refused: refused + (isDown ? fake.count(PRIMARY) : 0) }),
    close: () => fake.close(),
  };
}

async function proxyOutage(target: string): Promise<Outage & { baseUrl: string }> {
  let isDown = false;
  let requests = 0;
  let refused = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    if (isDown) {
      refused++;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'demo outage', type: 'server_error' } }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k))) as Record<string, string>;
      fetch(`${target}${req.url ?? ''}`, { method: req.method ?? 'POST', headers, body: chunks.length ? Buffer.concat(chunks) : undefined })
        .then(async (upstream) => {
          res.writeHead(upstream.status, Object.fromEntries([...upstream.headers].filter(([k]) => k !== 'content-encoding' && k !== 'content-length')));
          res.end(Buffer.from(await upstream.arrayBuffer()));
        })
        .catch((err: unknown) => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `demo proxy: ${String(err)}` } }));
        });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    down: () => (isDown = true),
    up: () => (isDown = false),
    counts: () => ({ requests, refused }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function elapsed(start: number): string {
  return `[${String(Math.round((Date.now() - start) / 1000)).padStart(3)}s]`;
}

function servedByLine(p: BatchProgress): string {
  return Object.entries(p.servedBy).map(([d, n]) => `${d} ${n}`).join(', ') || '-';
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv);
  const started = Date.now();
  const docs = resolve(options.docs);
  const docCount = readdirSync(docs).filter((f) => f.endsWith('.txt')).length;
  if (docCount === 0) throw new Error(`${docs}: no .txt documents to summarise`);
  const stateDir = resolve(options.state);
  const runDir = join(stateDir, `run-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(runDir, { recursive: true });

  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };

  try {
    console.log('temporal-llm-router demo: a batch that keeps going while a provider is down\n');
    const server: DevServerHandle = await startDevServer({ dbFilename: join(stateDir, 'temporal.db'), log: () => undefined });
    cleanups.push(() => server.stop());
    console.log(`  Temporal dev server   ${server.address}   Web UI ${server.uiUrl}`);

    let outage: Outage;
    let primary: { model: string; api_base: string; api_key: string };
    let backup: { model: string; api_base?: string; api_key: string };
    if (options.real) {
      for (const k of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY']) if (!process.env[k]) throw new Error(`--real needs ${k} in the environment`);
      const proxy = await proxyOutage('https://api.openai.com');
      outage = proxy;
      primary = { model: 'openai/gpt-4o-mini', api_base: proxy.baseUrl, api_key: 'os.environ/OPENAI_API_KEY' };
      backup = { model: 'anthropic/claude-3-5-haiku-latest', api_key: 'os.environ/ANTHROPIC_API_KEY' };
      console.log(`  OpenAI (real), through an outage proxy at ${proxy.baseUrl}`);
      console.log('  Anthropic (real)');
    } else {
      const openaiLike = await startFakeProviderServer();
      const anthropicLike = await startFakeProviderServer();
      cleanups.push(() => anthropicLike.close());
      openaiLike.script(PRIMARY, [], { after: { latencyMs: FAKE_LATENCY_MS } });
      anthropicLike.script(BACKUP, [], { after: { latencyMs: FAKE_LATENCY_MS } });
      outage = fakeOutage(openaiLike);
      // Only this process knows the (fake) key values; the workflows see os.environ references.
      process.env.DEMO_OPENAI_KEY ??= 'demo-openai-key-not-real';
      process.env.DEMO_ANTHROPIC_KEY ??= 'demo-anthropic-key-not-real';
      primary = { model: 'openai/gpt-4o-mini', api_base: openaiLike.openaiBaseUrl(PRIMARY), api_key: 'os.environ/DEMO_OPENAI_KEY' };
      backup = { model: 'anthropic/claude-3-5-haiku-latest', api_base: anthropicLike.anthropicBaseUrl(BACKUP), api_key: 'os.environ/DEMO_ANTHROPIC_KEY' };
      console.log(`  fake OpenAI-like      ${openaiLike.url}   (deployment ${PRIMARY})`);
      console.log(`  fake Anthropic-like   ${anthropicLike.url}   (deployment ${BACKUP})`);
    }
    cleanups.push(() => outage.close());

    // A LiteLLM-style config: the OpenAI deployment serves the group; while it
    // fails or cools down, requests fall back to the Anthropic group.
    const config = {
      model_list: [
        { model_name: GROUP, litellm_params: primary, model_info: { id: PRIMARY } },
        { model_name: BACKUP_GROUP, litellm_params: backup, model_info: { id: BACKUP } },
      ],
      router_settings: { num_retries: 1, allowed_fails: 2, cooldown_time: 3, fallbacks: [{ [GROUP]: [BACKUP_GROUP] }] },
    };

    // With --s3 the documents go up to a bucket first; the worker reaches it
    // with the AWS_* settings of the server, as a worker on another machine would.
    let store: DocumentStore | undefined;
    let documents: { kind: 'directory'; path: string; extensions: string[] } | { kind: 's3'; url: string; extensions: string[] } = { kind: 'directory', path: docs, extensions: ['.txt'] };
    let outputBase = runDir;
    if (options.s3) {
      const s3 = await startS3Server({ buckets: [S3_BUCKET], log: (line) => console.log(`  ${line}`) });
      cleanups.push(() => s3.stop());
      store = createDocumentStore({ s3: { env: { ...process.env, ...s3.env } } });
      const prefix = `s3://${S3_BUCKET}/documents`;
      for (const name of readdirSync(docs).filter((f) => f.endsWith('.txt'))) await store.writeFileAtomic(`${prefix}/${name}`, readFileSync(join(docs, name), 'utf8'));
      documents = { kind: 's3', url: prefix, extensions: ['.txt'] };
      outputBase = `s3://${S3_BUCKET}/${runDir.slice(runDir.lastIndexOf('/') + 1)}`;
      console.log(`  S3 server (SeaweedFS) ${s3.endpoint}   ${docCount} documents uploaded to ${prefix}/`);
    }

    const nativeConnection = await NativeConnection.connect({ address: server.address });
    cleanups.push(() => nativeConnection.close());
    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection });
    const worker = await createWorker({ connection: nativeConnection, taskQueue: TASK_QUEUE, config, ...(store === undefined ? {} : { documents: store }) });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
    });
    console.log(`  worker                task queue ${TASK_QUEUE}\n`);

    const output = `${outputBase}/summaries.jsonl`;
    const routing = { initialRetryIntervalMs: 200, maximumRetryIntervalMs: 1_000 };
    const batch = await startBatchSummarize(client, config, {
      group: GROUP,
      documents,
      output: { jsonlPath: output, markdownPath: `${outputBase}/summaries.md` },
      concurrency: options.concurrency,
      taskQueue: TASK_QUEUE,
      routing,
      workflowId: `demo-batch-${Date.now()}`,
    });
    console.log(`Summarising ${docCount} documents from ${documents.kind === 's3' ? documents.url : docs} with model group "${GROUP}" (batch ${batch.workflowId})`);

    let phase: 'before' | 'down' | 'after' = 'before';
    let failedOverRequest: Promise<string | undefined> | undefined;
    let lastLine = '';
    let seenCooldowns = 0;
    const router = new DurableRouter({ client, config, taskQueue: TASK_QUEUE, options: routing });
    for (;;) {
      await new Promise((r) => setTimeout(r, PROGRESS_INTERVAL_MS));
      const p = await getBatchStatus(client, batch.workflowId);
      const finished = p.done + p.failed;
      if (phase === 'before' && finished >= Math.ceil(docCount * options.outageStart)) {
        outage.down();
        phase = 'down';
        console.log(`${elapsed(started)} !! the OpenAI-like provider is DOWN (503 on every call) until ${Math.round(options.outageEnd * 100)}% of the documents are done`);
        // One plain routedCompletion during the outage, to show a single failed-over request in the UI.
        const requestId = `demo-request-${Date.now()}`;
        failedOverRequest = router
          .complete({ model: GROUP, messages: [{ role: 'user', content: 'In one sentence: why route LLM calls across providers?' }] }, { workflowId: requestId })
          .then((r) => (r.routing.fallbacks > 0 ? requestId : undefined), () => undefined);
      } else if (phase === 'down' && finished >= Math.ceil(docCount * options.outageEnd)) {
        outage.up();
        phase = 'after';
        console.log(`${elapsed(started)} the OpenAI-like provider is back up`);
      }
      for (const c of p.recentCooldowns.slice(Math.max(0, p.recentCooldowns.length - (p.cooldownEvents - seenCooldowns)))) {
        console.log(`${elapsed(started)} cooldown: ${c.deploymentId} after ${c.reason.errorClass} (${c.reason.rule}), out of rotation until +${Math.max(0, Math.round((c.until - Date.now()) / 1000))} s`);
      }
      seenCooldowns = p.cooldownEvents;
      const line = `${finished}/${p.total ?? docCount} done, ${p.failed} failed, ${p.fallbacks} fallbacks · served by ${servedByLine(p)}`;
      if (line !== lastLine) console.log(`${elapsed(started)} ${line}`);
      lastLine = line;
      if (p.status === 'completed' || p.status === 'cancelled') break;
    }
    if (phase === 'down') outage.up();

    const result = await getBatchResult(client, batch.workflowId);
    const p = result.progress;
    const requestId = await failedOverRequest;
    const counts = outage.counts();
    const ui = `${server.uiUrl}/namespaces/${server.namespace}/workflows`;
    console.log(`\nDone in ${Math.round((Date.now() - started) / 1000)} s: ${p.done} documents summarised, ${p.failed} failed.`);
    console.log('\nServed by');
    const width = Math.max(...Object.keys(p.servedBy).map((d) => d.length), 10);
    for (const [d, n] of Object.entries(p.servedBy).sort((a, b) => b[1] - a[1])) console.log(`  ${d.padEnd(width)}  ${String(n).padStart(4)}`);
    console.log(`\nFailover: ${p.fallbacks} fallback hops, ${p.cooldownEvents} cooldowns; ${p.providerCalls} provider calls in all.`);
    console.log(`The OpenAI-like provider received ${counts.requests} requests; ${counts.refused} of them during the outage.`);
    console.log(`Cost: $${p.costUsd.toFixed(4)} at list prices.`);
    console.log('\nTemporal Web UI');
    console.log(`  the batch:                ${ui}/${batch.workflowId}`);
    if (requestId) console.log(`  a failed-over request:    ${ui}/${requestId}`);
    console.log(`  runs that failed over:    ${ui}?query=${encodeURIComponent('LlmFallbackCount > 0')}`);
    console.log(`\nSummaries: ${output} (${result.written} records)`);
    if (store !== undefined) {
      // The S3 server and its data go away when the demo ends; a copy stays on disk.
      const copy = join(runDir, 'summaries.jsonl');
      writeFileSync(copy, await store.readFile(output));
      console.log(`  copied to ${copy}`);
    }

    const ok = p.failed === 0 && p.done === docCount && p.fallbacks > 0;
    if (!ok) console.error(`\ndemo check failed: expected ${docCount} done, 0 failed and at least one fallback`);
    if (options.keep) {
      console.log('\nEverything is still running (--keep). Press Ctrl-C to stop.');
      await new Promise<void>((r) => process.once('SIGINT', () => r()));
    }
    return ok ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
