import { batchCostUsd, BATCH_PRICE_FACTOR } from '../../../src/providers/batch-pricing';
import { costUsd } from '../../../src/providers/pricing';

const usage = { prompt_tokens: 1_000, completion_tokens: 200, total_tokens: 1_200 };
const list = { inputCostPerToken: 0.000001, outputCostPerToken: 0.000002 };

test('a batch answer costs half the list price, from the deployment prices or the bundled price data', () => {
  expect(batchCostUsd('openai/gpt-4o-mini', usage, list)).toBeCloseTo((1_000 * 0.000001 + 200 * 0.000002) * BATCH_PRICE_FACTOR, 12);
  const listed = costUsd('openai/gpt-4o-mini', usage);
  expect(listed).toBeGreaterThan(0);
  expect(batchCostUsd('openai/gpt-4o-mini', usage)).toBeCloseTo((listed as number) / 2, 12);
});

test('explicit batch prices win, one side or both', () => {
  const both = { ...list, inputCostPerTokenBatches: 0.0000003, outputCostPerTokenBatches: 0.0000007 };
  expect(batchCostUsd('openai/gpt-4o-mini', usage, both)).toBeCloseTo(1_000 * 0.0000003 + 200 * 0.0000007, 12);
  expect(batchCostUsd('openai/gpt-4o-mini', usage, { ...list, inputCostPerTokenBatches: 0.0000003 })).toBeCloseTo(1_000 * 0.0000003 + 200 * 0.000002 * 0.5, 12);
  expect(batchCostUsd('openai/gpt-4o-mini', usage, { ...list, outputCostPerTokenBatches: 0.0000007 })).toBeCloseTo(1_000 * 0.000001 * 0.5 + 200 * 0.0000007, 12);
});

test('unknown prices and missing usage give no cost rather than a wrong one', () => {
  expect(batchCostUsd('openai/no-such-model-anywhere', usage)).toBeUndefined();
  expect(batchCostUsd('openai/gpt-4o-mini', undefined, list)).toBeUndefined();
});
