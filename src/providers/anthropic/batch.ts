// Anthropic's Message Batches: one `messages.batches.create` with each
// request's Messages body, `retrieve` until `processing_status` is "ended",
// then the results JSONL (succeeded, errored, expired, canceled) by custom id.
import type Anthropic from '@anthropic-ai/sdk';
import { checkCustomIds, type ProviderBatchClient } from '../batch';
import type { ResolvedDeployment } from '../resolve';
import { toAnthropicBody } from './convert-request';
import { convertMessage } from './convert-response';

type CreateParams = Parameters<Anthropic['messages']['batches']['create']>[0];

export function createAnthropicBatchClient(client: Anthropic, target: ResolvedDeployment): ProviderBatchClient {
  // Whether each request's answer comes back as the JSON tool's input, by custom id (only for batches this client submitted).
  const jsonModes = new Map<string, boolean>();
  return {
    async submit(items) {
      checkCustomIds(items);
      const requests = items.map((item) => {
        const { body, jsonMode } = toAnthropicBody(item.request, target, false);
        jsonModes.set(item.customId, jsonMode);
        return { custom_id: item.customId, params: body };
      });
      const batch = await client.messages.batches.create({ requests } as unknown as CreateParams);
      return batch.id;
    },
    async status(batchId) {
      const batch = await client.messages.batches.retrieve(batchId);
      const c = batch.request_counts;
      return {
        id: batch.id, ended: batch.processing_status === 'ended', providerStatus: batch.processing_status,
        total: c.processing + c.succeeded + c.errored + c.canceled + c.expired, succeeded: c.succeeded, failed: c.errored + c.canceled + c.expired,
      };
    },
    async *results(batchId) {
      const created = Math.floor(Date.now() / 1000);
      for await (const entry of await client.messages.batches.results(batchId)) {
        const customId = entry.custom_id;
        const result = entry.result;
        if (result.type === 'succeeded') {
          yield { customId, outcome: 'succeeded', response: convertMessage(result.message, jsonModes.get(customId) ?? false, created) };
        } else if (result.type === 'errored') {
          yield { customId, outcome: 'errored', message: result.error.error.message };
        } else if (result.type === 'expired') {
          yield { customId, outcome: 'expired', message: 'the request expired before the batch processed it' };
        } else {
          yield { customId, outcome: 'cancelled', message: 'the request was cancelled with its batch' };
        }
      }
    },
    async cancel(batchId) {
      await client.messages.batches.cancel(batchId);
    },
  };
}
