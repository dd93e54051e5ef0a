// Batch fixtures: documents on disk, the JSONL the batch writes, and the
// histories of every run in a continue-as-new chain.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { DocumentResultRecord } from '../../workflows';
import type { History } from './history';

/** A short, distinct text per document, so summaries can be told apart. */
export function docText(i: number, words = 24): string {
  const body = Array.from({ length: words }, (_, w) => `w${(i * 31 + w) % 997}`).join(' ');
  return `Document ${i} about durable routing. ${body}`;
}

export function writeJsonlDocuments(dir: string, count: number, text: (i: number) => string = (i) => docText(i)): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'documents.jsonl');
  const lines = Array.from({ length: count }, (_, i) => JSON.stringify({ id: `doc-${i}`, text: text(i) }));
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

export function readJsonl(path: string): DocumentResultRecord[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as DocumentResultRecord);
}

export interface RunHistory {
  runId: string;
  history: History;
}

/** Every run of a workflow id (continue-as-new chain), oldest first, with its history. */
export async function chainHistories(client: Client, workflowId: string): Promise<RunHistory[]> {
  const runs: Array<{ runId: string; startTime: Date }> = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    runs.push({ runId: execution.runId, startTime: execution.startTime });
  }
  runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  const out: RunHistory[] = [];
  for (const run of runs) out.push({ runId: run.runId, history: await client.workflow.getHandle(workflowId, run.runId).fetchHistory() });
  return out;
}

/** Polls `check` until it returns a value (visibility is eventually consistent); throws after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
