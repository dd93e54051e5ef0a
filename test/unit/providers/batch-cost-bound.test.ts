import fc from 'fast-check';
import { countPromptTokens, promptTokensBound } from '../../../src/providers/tokens';
import type { ChatMessage } from '../../../src/providers/types';

describe('promptTokensBound: a budget admits provider-batch items by an upper bound, without a tokenizer', () => {
  it('is never below the o200k count of the chat prompt', () => {
    const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 120 }));
    const message = fc.record({ role: fc.constantFrom('system' as const, 'user' as const, 'assistant' as const), content: text });
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 5 }), (messages: ChatMessage[]) => {
        expect(promptTokensBound(messages)).toBeGreaterThanOrEqual(countPromptTokens(messages));
      }),
      { numRuns: 300 },
    );
  });

  it('counts UTF-8 bytes and a fixed overhead per message', () => {
    expect(promptTokensBound([{ role: 'user', content: 'abcd' }])).toBe(3 + 4 + 4);
    expect(promptTokensBound([{ role: 'system', content: 'é' }, { role: 'user', content: '日本' }])).toBe(3 + (4 + 2) + (4 + 6));
  });
});
