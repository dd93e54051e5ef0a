// OpenAI's Batch API (and OpenAI-compatible servers that serve it): the
// requests as a JSONL file (`files.create`, purpose "batch"), one
// `batches.create` over /v1/chat/completions with a 24 h window, then the
// output file (answers) and the error file (failures, expired and cancelled
// requests) read back by custom id.
import { toFile, type OpenAI } from 'openai';
import { checkCustomIds, type ProviderBatchClient, type ProviderBatchResult } from '../batch';
import { toOpenAiBody } from '../openai-compatible/request';
import { normaliseCompletion } from '../openai-compatible/response';
import type { ResolvedDeployment } from '../resolve';
import { openaiProfile } from './index';

export const OPENAI_BATCH_ENDPOINT = '/v1/chat/completions';
export const OPENAI_BATCH_WINDOW = '24h';
/** The batch metadata key a submission's idempotency key is kept under (values up to 512 characters). */
export const IDEMPOTENCY_METADATA_KEY = 'llm_router_submission';
const ENDED = new Set(['completed', 'failed', 'expired', 'cancelled']);

type Json = Record<string, unknown>;

function lines(text: string): Json[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Json);
}

function errorMessage(body: unknown): string | undefined {
  const error = (body as { error?: { message?: unknown } } | null)?.error;
  return typeof error?.message === 'string' ? error.message : undefined;
}

export function createOpenAiBatchClient(client: OpenAI, target: ResolvedDeployment): ProviderBatchClient {
  return {
    async submit(items, options = {}) {
      checkCustomIds(items);
      const key = options.idempotencyKey;
      if (key !== undefined) {
        // The newest batches first: one made with this key (by an attempt that died before it could say so) is the one.
        const recent = await client.batches.list({ limit: 100 });
        const made = recent.data.find((b) => b.metadata?.[IDEMPOTENCY_METADATA_KEY] === key);
        if (made !== undefined) return made.id;
      }
      const jsonl = items.map((item) => JSON.stringify({
        custom_id: item.customId, method: 'POST', url: OPENAI_BATCH_ENDPOINT, body: toOpenAiBody(item.request, target, openaiProfile, false),
      })).join('\n');
      const file = await client.files.create({ file: await toFile(Buffer.from(`${jsonl}\n`, 'utf8'), 'batch.jsonl'), purpose: 'batch' });
      const batch = await client.batches.create({
        input_file_id: file.id, endpoint: OPENAI_BATCH_ENDPOINT, completion_window: OPENAI_BATCH_WINDOW,
        ...(key === undefined ? {} : { metadata: { [IDEMPOTENCY_METADATA_KEY]: key } }),
      });
      return batch.id;
    },
    async status(batchId) {
      const batch = await client.batches.retrieve(batchId);
      const counts = batch.request_counts;
      return {
        id: batch.id, ended: ENDED.has(batch.status), providerStatus: batch.status,
        total: counts?.total ?? 0, succeeded: counts?.completed ?? 0, failed: counts?.failed ?? 0,
      };
    },
    async *results(batchId) {
      const batch = await client.batches.retrieve(batchId);
      if (!ENDED.has(batch.status)) throw new Error(`batch ${batchId} has not ended (${batch.status})`);
      if (batch.output_file_id) {
        for (const line of lines(await (await client.files.content(batch.output_file_id)).text())) {
          const customId = String(line.custom_id);
          const response = line.response as { status_code?: number; body?: unknown } | null;
          if (response?.status_code === 200) yield { customId, outcome: 'succeeded', response: normaliseCompletion(response.body, target.model) } satisfies ProviderBatchResult;
          else yield { customId, outcome: 'errored', message: errorMessage(response?.body) ?? `status ${response?.status_code ?? 'unknown'}`, ...(response?.status_code ? { status: response.status_code } : {}) };
        }
      }
      if (batch.error_file_id) {
        for (const line of lines(await (await client.files.content(batch.error_file_id)).text())) {
          const customId = String(line.custom_id);
          const error = line.error as { code?: unknown; message?: unknown } | null;
          const response = line.response as { status_code?: number; body?: unknown } | null;
          const message = (typeof error?.message === 'string' ? error.message : undefined) ?? errorMessage(response?.body) ?? 'failed in the batch';
          if (error?.code === 'batch_expired') yield { customId, outcome: 'expired', message };
          else if (error?.code === 'batch_cancelled') yield { customId, outcome: 'cancelled', message };
          else yield { customId, outcome: 'errored', message, ...(response?.status_code ? { status: response.status_code } : {}) };
        }
      }
    },
    async cancel(batchId) {
      await client.batches.cancel(batchId);
    },
  };
}
