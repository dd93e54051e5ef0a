import type { Command } from 'commander';
import { withConnectionOptions } from '../connection-options';
import { parseBatchMode, parseDocumentFormat, parsePositiveInt, parseNonNegativeInt, parseTimeLimit, parseUsd } from '../parse';
import { DEFAULT_CHUNK_OVERLAP_TOKENS } from '../../../workflows/split-text';
import type { ReadFlags, ResumeFlags, StartFlags } from '../actions/batch';


// Loaded on first use so `--help` and argument errors answer without loading
// Temporal or the SDKs. A require, not import(): tsx's CommonJS hook (how the
// CLI runs from a clone) does not see dynamic import().
// eslint-disable-next-line @typescript-eslint/no-require-imports
const actions = (): typeof import('../actions/batch') => require('../actions/batch') as typeof import('../actions/batch');

export function registerBatch(program: Command): void {
  const batch = program.command('batch').description('Durable batch summarisation (batchSummarize workflows)');

  withConnectionOptions(
    batch
      .command('start <documents>')
      .description('Summarise a directory, a .jsonl file (one {"id","text"} per line), a glob or s3://bucket/prefix (or a .jsonl object); prints the batch id')
      .requiredOption('--model <group>', 'model group that summarises')
      .requiredOption('--out <file>', 'output JSONL (a path or s3://bucket/key), one record per document in input order')
      .option('--markdown <file>', 'also write a markdown digest (a path or s3://bucket/key)')
      .option('--format <format>', 'read every document as text, markdown, html or pdf (default: by extension)', parseDocumentFormat)
      .option('--config <file>', 'router config (env LLM_ROUTER_CONFIG, default ./router.yaml)')
      .option('--concurrency <n>', 'documents in flight at once', parsePositiveInt('--concurrency'))
      .option('--instructions <text>', 'how to summarise')
      .option('--max-tokens <n>', 'maximum tokens per summary', parsePositiveInt('--max-tokens'))
      .option('--chunk-overlap <tokens>', `tokens of one chunk's end repeated at the start of the next, for documents too large for one call (default ${DEFAULT_CHUNK_OVERLAP_TOKENS}; 0 for none)`, parseNonNegativeInt('--chunk-overlap'))
      .option('--id <workflowId>', 'batch id (default: batch-<uuid>)')
      .option('--task-queue <name>', 'task queue of the worker')
      .option('--router <name>', 'shared health: router whose routerHealth entity this batch shares (env LLM_ROUTER_NAME; off when unset)')
      .option('--max-cost <usd>', 'stop starting documents and chunks once the batch has cost this much at list prices; what is done is kept', parseUsd('--max-cost'))
      .option('--max-document-tokens <n>', 'documents with more tokens fail with DocumentTokenCapError before any call (default router_settings.max_document_tokens, else 1000000)', parsePositiveInt('--max-document-tokens'))
      .option('--allow-empty', 'accept a source with no documents (default: exit 2)')
      .option('--mode <mode>', 'router: one routed call per document (default); provider-batch: through a deployment\'s batch endpoint at the batch price, what it does not answer routed', parseBatchMode)
      .option('--batch-deployment <id>', 'provider-batch: the deployment whose batch endpoint takes the documents (default: the group\'s first with one)')
      .option('--batch-size <n>', 'provider-batch: documents per provider batch (default 1000)', parsePositiveInt('--batch-size'))
      .option('--batch-poll <duration>', 'provider-batch: time between status reads of a provider batch (default 60s)', parseTimeLimit('--batch-poll'))
      .option('--batch-max-wait <duration>', 'provider-batch: cancel a provider batch not ended after this, keep its answers, route the rest (default 25h)', parseTimeLimit('--batch-max-wait'))
      .option('--dry-run', 'print documents, tokens, chunks, provider calls and the estimated cost; call no provider and start nothing')
      .option('--wait', 'follow progress until the batch finishes')
      .option('--json', 'print the ids (and with --wait the final status) as JSON'),
  ).action(async (documents: string, flags: StartFlags) => actions().batchStart(documents, flags));

  withConnectionOptions(
    batch
      .command('resume <id>')
      .description('Start a new batch with the input of an ended one that reuses its finished documents and chunk summaries; pays only for what is missing')
      .option('--id <workflowId>', 'id of the new batch (default: <id>-resume-<time>)')
      .option('--max-cost <usd>', 'budget of the new run (default: the earlier one\'s)', parseUsd('--max-cost'))
      .option('--max-document-tokens <n>', 'per-document token cap of the new run', parsePositiveInt('--max-document-tokens'))
      .option('--wait', 'follow progress until the batch finishes')
      .option('--json', 'print the ids (and with --wait the final status) as JSON'),
  ).action(async (id: string, flags: ResumeFlags) => actions().batchResume(id, flags));

  withConnectionOptions(
    batch
      .command('status <id>')
      .description('Progress: documents done and failed, counts per serving deployment, cost, cooldowns')
      .option('--follow', 'keep a live progress bar until the batch finishes')
      .option('--json', 'print one snapshot as JSON'),
  ).action(async (id: string, flags: ReadFlags) => actions().batchStatus(id, flags));

  withConnectionOptions(
    batch
      .command('result <id>')
      .description('Where the output is and the final totals; --wait blocks until the batch finishes')
      .option('--wait', 'wait for a running batch to finish')
      .option('--json', 'print as JSON'),
  ).action(async (id: string, flags: ReadFlags) => actions().batchResult(id, flags));

  withConnectionOptions(
    batch
      .command('cancel <id>')
      .description('Cancel a batch; summaries already written are kept in its output')
      .option('--json', 'print as JSON'),
  ).action(async (id: string, flags: ReadFlags) => actions().batchCancel(id, flags));
}
