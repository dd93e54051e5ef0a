// The real `llm-router` binary against the shared Temporal dev server: a
// worker started by the CLI, durable completions, batches (including one whose
// follower is interrupted), schedules, health, and bad input on each.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../../src/dev-server';
import { parseKeyring, routerDataConverter } from '../../../src/temporal/codec';
import { eventually } from '../../support/batch';
import { routerHealthHandle } from '../../../src/temporal/health';
import { snapshotQuery } from '../../../workflows/router-health-api';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { historyContains } from '../../support/history';
import { requireTestEnv } from '../../support/test-env';
import { errorLines, runCli, startCli, type CliProcess } from '../../http/cli/run-cli';

let fake: FakeProviderServer;
let dir: string;
let configFile: string;
let worker: CliProcess;
let connection: string[];
let taskQueue: string;
const env = { CLI_IT_KEY: 'sk-cli-integration-secret' };

function docs(name: string, n: number): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  for (let i = 1; i <= n; i++) writeFileSync(join(path, `doc-${String(i).padStart(3, '0')}.txt`), `Document ${i}. ${'The river runs past the mill. '.repeat(5 + i)}`);
  return path;
}

function jsonl(path: string): Array<{ id: string; status: string; servedBy?: string }> {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; status: string; servedBy?: string });
}

beforeAll(async () => {
  fake = await startFakeProviderServer();
  dir = mkdtempSync(join(tmpdir(), 'llm-router-cli-it-'));
  configFile = join(dir, 'router.yaml');
  writeFileSync(
    configFile,
    [
      'model_list:',
      '  - model_name: summarizer',
      `    litellm_params: { model: openai/gpt-4o-mini, api_base: "${fake.openaiBaseUrl('primary')}", api_key: os.environ/CLI_IT_KEY }`,
      '    model_info: { id: primary }',
      '  - model_name: backup',
      `    litellm_params: { model: anthropic/claude-3-5-haiku-latest, api_base: "${fake.anthropicBaseUrl('backup')}", api_key: os.environ/CLI_IT_KEY }`,
      '    model_info: { id: backup }',
      'router_settings:',
      '  num_retries: 1',
      '  fallbacks: [{ summarizer: [backup] }]',
      '',
    ].join('\n'),
  );
  taskQueue = `cli-it-${Date.now()}`;
  connection = ['--address', requireTestEnv('address'), '--task-queue', taskQueue];
  worker = startCli(['worker', '--config', configFile, '--address', requireTestEnv('address'), '--task-queue', taskQueue, '--workflow-bundle', requireTestEnv('bundle')], { env, timeoutMs: 900_000 });
  await worker.waitFor('worker polling task queue', 60_000);
});

afterAll(async () => {
  worker?.child.kill('SIGINT');
  const exit = await worker?.done;
  expect(exit?.code).toBe(0);
  await fake.close();
});

beforeEach(() => fake.reset());

const address = () => ['--address', requireTestEnv('address')];

test('complete (durable) fails over from a 503 and says which deployment served', async () => {
  fake.script('primary', [], { after: { status: 503, errorMessage: 'down' } });
  const run = await runCli(['complete', '--config', configFile, '--model', 'summarizer', ...connection, 'Say hi'], { env });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('You said: Say hi');
  expect(run.stderr).toContain('served by backup');
  expect(run.stderr).toContain('1 fallback(s)');
  expect(fake.count('backup')).toBe(1);
});

test('the worker logs an expected 503 as one line naming class, status, deployment and hop, without a stack trace', async () => {
  fake.script('primary', [{ status: 503, errorMessage: 'primary is down' }]);
  const run = await runCli(['complete', '--config', configFile, '--model', 'summarizer', ...connection, 'Log this'], { env });
  expect(run.code).toBe(0);
  await worker.waitFor(/hop failed: ServiceUnavailableError 503, deployment primary, hop #1, workflow completion-/, 10_000);
  const lines = worker.stderr().split('\n');
  const at = lines.findIndex((l) => l.includes('hop failed: ServiceUnavailableError 503'));
  expect(lines[at]).toMatch(/\[WARN\] hop failed: ServiceUnavailableError 503, deployment primary, hop #1, workflow completion-\S+: /);
  // The next line is another record, not a stack frame.
  expect(lines[at + 1] ?? '').not.toMatch(/^\s+at /);
  expect(worker.stderr()).not.toMatch(/ServiceUnavailableError[^\n]*\n\s+at /);
});

test('complete with no worker on its task queue: a hint naming the queue while it waits, then --timeout ends the workflow and exits 124', async () => {
  const queue = `nobody-polls-${Date.now()}`;
  const id = `cli-complete-unclaimed-${Date.now()}`;
  const run = await runCli(['complete', '--config', configFile, '--model', 'summarizer', '--address', requireTestEnv('address'), '--task-queue', queue, '--id', id, '--timeout', '6s', 'Anyone there?'], { env });
  expect(run.code).toBe(124);
  expect(run.stdout).toBe('');
  // The hint says how long it really waited: 3 s, or a little more on a loaded machine.
  const lines = errorLines(run);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(new RegExp(`^llm-router: no worker has picked up ${id} after [3-5] s; is \`llm-router worker --task-queue ${queue}\` running against this server\\? Still waiting$`));
  expect(lines[1]).toBe(`llm-router: no answer within 6 s: no worker polls task queue "${queue}"; workflow ${id} was terminated`);
  const client = new Client({ connection: await Connection.connect({ address: requireTestEnv('address') }) });
  try {
    const description = await client.workflow.getHandle(id).describe();
    expect(description.type).toBe('routedCompletion');
    expect(description.taskQueue).toBe(queue);
    expect(description.status.name).toBe('TERMINATED');
  } finally {
    await client.connection.close();
  }
});

test('complete --timeout against a worker whose provider hangs cancels the workflow and its call, and exits 124', async () => {
  const gate = fake.gate();
  fake.script('primary', [], { after: { gate } });
  const id = `cli-complete-timeout-${Date.now()}`;
  const run = await runCli(['complete', '--config', configFile, '--model', 'summarizer', ...connection, '--id', id, '--timeout', '4', 'Take your time'], { env });
  gate.release();
  expect(run.code).toBe(124);
  expect(errorLines(run)).toEqual([`llm-router: no answer within 4 s: workflow ${id} was cancelled`]);
  expect(fake.count('primary')).toBe(1);
  const client = new Client({ connection: await Connection.connect({ address: requireTestEnv('address') }) });
  try {
    const status = await eventually(async () => {
      const name = (await client.workflow.getHandle(id).describe()).status.name;
      return name === 'RUNNING' ? undefined : name;
    }, 10_000);
    expect(status).toBe('CANCELLED');
  } finally {
    await client.connection.close();
  }
  const reused = await runCli(['complete', '--config', configFile, '--model', 'summarizer', ...connection, '--id', id, '--direct', 'x'], { env });
  expect(reused.code).toBe(2);
  expect(errorLines(reused)).toEqual(['llm-router: --id applies to durable requests only, not --direct']);
});

test('batch start --wait runs a batch to the end; status, result and cancel read it', async () => {
  const out = join(dir, 'batch-a.jsonl');
  const id = `cli-batch-a-${Date.now()}`;
  const started = await runCli(['batch', 'start', docs('a', 6), '--model', 'summarizer', '--out', out, '--config', configFile, '--id', id, '--wait', ...connection], { env });
  expect(started.code).toBe(0);
  expect(started.stdout).toContain(`batch ${id}: completed`);
  expect(started.stdout).toContain('6 done, 0 failed');
  expect(jsonl(out).map((r) => r.status)).toEqual(Array(6).fill('ok'));

  const status = await runCli(['batch', 'status', id, '--json', ...address()]);
  expect(status.code).toBe(0);
  expect(JSON.parse(status.stdout)).toMatchObject({ workflowId: id, execution: 'COMPLETED', progress: { done: 6, failed: 0, servedBy: { primary: 6 } } });

  const result = await runCli(['batch', 'result', id, ...address()]);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`output: ${out} (6 records)`);

  const cancel = await runCli(['batch', 'cancel', id, ...address()]);
  expect(cancel.code).toBe(1);
  expect(errorLines(cancel)).toEqual([`llm-router: batch ${id} already ended (completed)`]);
});

test('an interrupted follower leaves the batch running, and its output is complete', async () => {
  // Two documents are answered, then the provider holds every call until the gate opens:
  // the batch is certainly still running when the follower is interrupted.
  const gate = fake.gate();
  fake.script('primary', [{}, {}], { after: { gate } });
  const out = join(dir, 'batch-b.jsonl');
  const id = `cli-batch-b-${Date.now()}`;
  const follower = startCli(['batch', 'start', docs('b', 16), '--model', 'summarizer', '--out', out, '--config', configFile, '--id', id, '--concurrency', '2', '--wait', ...connection], { env });
  await follower.waitFor(/[1-9]\d*\/16 docs/, 60_000);
  follower.child.kill('SIGINT');
  const interrupted = await follower.done;
  expect(interrupted.code).toBe(130);
  expect(interrupted.stderr).toContain(`stopped following; batch ${id} keeps running`);

  const status = await runCli(['batch', 'status', id, '--json', ...address()]);
  const snapshot = JSON.parse(status.stdout) as { execution: string; progress: { done: number } };
  expect(snapshot.execution).toBe('RUNNING');
  expect(snapshot.progress.done).toBeGreaterThanOrEqual(1);
  expect(snapshot.progress.done).toBeLessThan(16);

  gate.release();
  const result = await runCli(['batch', 'result', id, '--wait', ...address()], { timeoutMs: 120_000 });
  expect(result.code).toBe(0);
  const ids = jsonl(out).map((r) => r.id);
  expect(ids).toHaveLength(16);
  expect(new Set(ids).size).toBe(16);
});

test('cancel stops a running batch and keeps what is already summarised', async () => {
  // Three documents are answered, then every call is held: the cancel lands mid-batch.
  const gate = fake.gate();
  fake.script('primary', [{}, {}, {}], { after: { gate } });
  const out = join(dir, 'batch-c.jsonl');
  const id = `cli-batch-c-${Date.now()}`;
  const started = await runCli(['batch', 'start', docs('c', 30), '--model', 'summarizer', '--out', out, '--config', configFile, '--id', id, '--concurrency', '1', ...connection], { env });
  expect(started.code).toBe(0);
  await fake.waitForRequests('primary', 4, 30_000);
  const cancel = await runCli(['batch', 'cancel', id, ...address()]);
  expect(cancel.code).toBe(0);
  expect(cancel.stdout).toContain(`cancellation of batch ${id} requested`);
  const result = await runCli(['batch', 'result', id, '--wait', ...address()], { timeoutMs: 60_000 });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`batch ${id} was cancelled: `);
  gate.release();
  const records = jsonl(out);
  expect(records.filter((r) => r.status === 'ok')).toHaveLength(3);
  expect(records.length).toBeLessThan(30);
});

test('an unknown batch id exits 3 with one line', async () => {
  const run = await runCli(['batch', 'status', 'no-such-batch', ...address()]);
  expect(run.code).toBe(3);
  expect(errorLines(run)).toEqual(['llm-router: no batch with id "no-such-batch" in namespace "default"']);
});

test('schedules: create on an interval, list, describe, pause, trigger, delete; bad specs and ids are refused', async () => {
  const id = `cli-schedule-${Date.now()}`;
  const create = await runCli(['schedule', 'create', id, docs('s', 2), '--model', 'summarizer', '--out', join(dir, 's.jsonl'), '--config', configFile, '--every', '1h', '--paused', ...connection, '--json'], { env });
  expect(create.code).toBe(0);
  expect(JSON.parse(create.stdout)).toMatchObject({ scheduleId: id, paused: true, workflowType: 'batchSummarize', intervalsMs: [3_600_000], overlap: expect.stringMatching(/SKIP/i) });

  const describe = await runCli(['schedule', 'describe', id, ...address()]);
  expect(describe.code).toBe(0);
  expect(describe.stdout).toContain(`schedule ${id}: PAUSED, every 1h`);

  const trigger = await runCli(['schedule', 'trigger', id, ...address()]);
  expect(trigger.code).toBe(0);
  const unpause = await runCli(['schedule', 'unpause', id, ...address()]);
  expect(unpause.code).toBe(0);
  const pause = await runCli(['schedule', 'pause', id, '--note', 'maintenance', ...address(), '--json']);
  expect(JSON.parse(pause.stdout)).toEqual({ scheduleId: id, paused: true });

  const list = await runCli(['schedule', 'list', '--prefix', id, ...address(), '--json']);
  expect(list.code).toBe(0);
  expect((JSON.parse(list.stdout) as Array<{ scheduleId: string }>).map((s) => s.scheduleId)).toContain(id);

  const del = await runCli(['schedule', 'delete', id, ...address()]);
  expect(del.code).toBe(0);
  const gone = await runCli(['schedule', 'describe', id, ...address()]);
  expect(gone.code).toBe(3);
  expect(errorLines(gone)).toHaveLength(1);

  const badCron = await runCli(['schedule', 'create', `${id}-bad`, docs('s', 2), '--model', 'summarizer', '--out', 'x.jsonl', '--config', configFile, '--cron', '0 25 * * *', ...connection]);
  expect(badCron.code).toBe(2);
  expect(errorLines(badCron)).toEqual([expect.stringContaining('schedule.cron[0] "0 25 * * *"')]);
});

test('health for a router with no shared state yet exits 3 and says why', async () => {
  const run = await runCli(['health', '--router', `nobody-${Date.now()}`, ...address()]);
  expect(run.code).toBe(3);
  expect(errorLines(run)).toEqual([expect.stringContaining('no shared health for router')]);
});

test('with LLM_ROUTER_CODEC_KEYS a CLI worker and CLI clients exchange encrypted payloads; --router starts the shared-health entity at worker start', async () => {
  const keys = { ...env, LLM_ROUTER_CODEC_KEYS: `cli-it:${randomBytes(32).toString('base64')}` };
  const queue = `cli-codec-${Date.now()}`;
  const routerName = `cli-codec-${Date.now()}`;
  const encryptedWorker = startCli(
    ['worker', '--config', configFile, '--address', requireTestEnv('address'), '--task-queue', queue, '--workflow-bundle', requireTestEnv('bundle'), '--router', routerName],
    { env: keys, timeoutMs: 300_000 },
  );
  const connection = await Connection.connect({ address: requireTestEnv('address') });
  try {
    await encryptedWorker.waitFor('worker polling task queue', 60_000);
    expect(encryptedWorker.stdout()).toContain(`payloads encrypted (key cli-it), shared health "${routerName}"`);

    // The worker started the entity: health answers before any request ran (its queries go through the codec too).
    const health = await runCli(['health', '--router', routerName, '--json', ...address()], { env: keys });
    expect(health.code).toBe(0);
    const report = JSON.parse(health.stdout) as { deployments: Array<{ deploymentId: string; status: string }> };
    expect(report.deployments.map((d) => d.deploymentId).sort()).toEqual(['backup', 'primary']);

    fake.script('primary', [], { after: { status: 503, errorMessage: 'down' } });
    const prompt = 'Kestrel ledger review, confidential';
    const run = await runCli(['complete', '--config', configFile, '--model', 'summarizer', '--address', requireTestEnv('address'), '--task-queue', queue, '--router', routerName, prompt], { env: keys });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`You said: ${prompt}`);

    // A client without the codec sees what the server stores: neither the prompt nor the answer.
    const raw = new Client({ connection });
    let ids: string[] = [];
    for (let i = 0; i < 50 && ids.length === 0; i++) {
      ids = [];
      for await (const w of raw.workflow.list({ query: `TaskQueue = "${queue}" AND WorkflowType = "routedCompletion"` })) ids.push(w.workflowId);
      if (ids.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ids).toHaveLength(1);
    const history = await raw.workflow.getHandle(ids[0]!).fetchHistory();
    expect(historyContains(history, 'Kestrel')).toBe(false);
    // The failed hop reached the router's shared health (reported by the worker's health agent, through the
    // codec): a library client built with the same converter reads the failure from the entity.
    const decoding = new Client({ connection, dataConverter: routerDataConverter(parseKeyring(keys.LLM_ROUTER_CODEC_KEYS)) });
    const primary = await eventually(async () => {
      const snapshot = await routerHealthHandle(decoding, routerName).query(snapshotQuery);
      const ds = snapshot.state.deployments.primary;
      return ds !== undefined && ds.failures >= 1 ? ds : undefined;
    }, 10_000, 50);
    expect(primary.failuresByClass.ServiceUnavailableError).toBeGreaterThanOrEqual(1);
  } finally {
    await connection.close();
    encryptedWorker.child.kill('SIGINT');
  }
  expect((await encryptedWorker.done).code).toBe(0);
});

test('the worker refuses an invalid config and an unreachable server with one line each', async () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'model_list:\n  - model_name: a\n    litellm_params: { model: nope/x }\n');
  const invalid = await runCli(['worker', '--config', bad, ...address()]);
  expect(invalid.code).toBe(2);
  expect(errorLines(invalid)).toEqual([expect.stringContaining('model_list[0].litellm_params.model')]);

  const port = await freePort();
  const unreachable = await runCli(['worker', '--config', configFile, '--address', `127.0.0.1:${port}`], { env });
  expect(unreachable.code).toBe(1);
  expect(errorLines(unreachable)).toEqual([expect.stringContaining(`cannot reach the Temporal server at 127.0.0.1:${port}`)]);
});

test('dev-server starts a server on a SQLite file, prints its addresses and stops on Ctrl-C', async () => {
  const server = startCli(['dev-server', '--headless', '--db-filename', join(dir, 'cli-dev.db'), '--json'], { timeoutMs: 120_000 });
  await server.waitFor('"address"', 60_000);
  const info = JSON.parse(server.stdout().split('\n')[0] ?? '') as { address: string; uiUrl: string | null; dbFilename: string };
  expect(info.address).toMatch(/^127\.0\.0\.1:\d+$/);
  expect(info.uiUrl).toBeNull();
  expect(info.dbFilename).toBe(join(dir, 'cli-dev.db'));
  const status = await runCli(['batch', 'status', 'nothing-here', '--address', info.address]);
  expect(status.code).toBe(3);
  server.child.kill('SIGINT');
  expect((await server.done).code).toBe(0);
});
