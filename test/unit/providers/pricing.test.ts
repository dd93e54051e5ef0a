import { costUsd, countPromptTokens, getModelInfo } from '../../../src/providers';

const AT = new Date('2026-06-01T00:00:00Z');

describe('getModelInfo', () => {
  it('reads per-token prices and the context window from the bundled dataset', () => {
    const info = getModelInfo('openai/gpt-4o-mini', {}, AT);
    expect(info.inputCostPerToken).toBeCloseTo(0.15 / 1e6, 12);
    expect(info.outputCostPerToken).toBeCloseTo(0.6 / 1e6, 12);
    expect(info.maxInputTokens).toBe(128000);
    expect(getModelInfo('gpt-4o-mini', {}, AT)).toEqual(info);
  });

  it('uses the base tier of tiered prices', () => {
    const info = getModelInfo('anthropic/claude-sonnet-4-5', {}, AT);
    expect(info.inputCostPerToken).toBeCloseTo(3 / 1e6, 12);
    expect(info.maxInputTokens).toBe(200000);
  });

  it('maps our provider ids to the dataset (gemini → google, xai → x-ai)', () => {
    expect(getModelInfo('gemini/gemini-2.0-flash', {}, AT).inputCostPerToken).toBeGreaterThan(0);
    expect(getModelInfo('xai/grok-3', {}, AT).inputCostPerToken).toBeGreaterThan(0);
  });

  it('lets deployment overrides win and knows nothing of self-hosted models', () => {
    expect(getModelInfo('openai/gpt-4o-mini', { inputCostPerToken: 1, maxInputTokens: 1000 }, AT)).toMatchObject({ inputCostPerToken: 1, maxInputTokens: 1000 });
    expect(getModelInfo('hosted_vllm/my-model', {}, AT)).toEqual({});
    expect(getModelInfo('nosuch/prefix', { maxInputTokens: 5 }, AT)).toEqual({ maxInputTokens: 5 });
  });
});

describe('costUsd', () => {
  const usage = { prompt_tokens: 1_000_000, completion_tokens: 1_000_000, total_tokens: 2_000_000 };

  it('prices a call from the dataset', () => {
    expect(costUsd('openai/gpt-4o-mini', usage, {}, AT)).toBeCloseTo(0.75, 6);
  });

  it('charges cached prompt tokens at the cache-read price', () => {
    const cached = { prompt_tokens: 1_000_000, completion_tokens: 0, total_tokens: 1_000_000, prompt_tokens_details: { cached_tokens: 1_000_000 } };
    expect(costUsd('anthropic/claude-3-5-haiku-latest', cached, {}, AT)).toBeCloseTo(0.08, 6);
  });

  it('uses per-token overrides', () => {
    expect(costUsd('hosted_vllm/x', usage, { inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 }, AT)).toBeCloseTo(3, 9);
    expect(costUsd('openai/gpt-4o-mini', usage, { outputCostPerToken: 0 }, AT)).toBeCloseTo(0.15, 6);
  });

  it('is undefined when the price is unknown or there is no usage', () => {
    expect(costUsd('ollama/llama3.2', usage, {}, AT)).toBeUndefined();
    expect(costUsd('openai/gpt-4o-mini', undefined, {}, AT)).toBeUndefined();
  });
});

describe('countPromptTokens', () => {
  it('counts with per-message overhead and grows with the text', () => {
    const short = countPromptTokens([{ role: 'user', content: 'hello world' }]);
    const long = countPromptTokens([{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello world '.repeat(50) }]);
    expect(short).toBeGreaterThan(2);
    expect(long).toBeGreaterThan(short + 90);
  });

  it('counts multi-part text, tool calls and tool results', () => {
    const n = countPromptTokens([
      { role: 'user', content: [{ type: 'text', text: 'part one' }, { type: 'image_url', image_url: { url: 'https://x' } }] },
      { role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] },
      { role: 'tool', tool_call_id: 'a', content: 'result text' },
    ]);
    expect(n).toBeGreaterThan(10);
  });
});
