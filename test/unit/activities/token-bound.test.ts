import fc from 'fast-check';
import { surelyWithinTokens, tokenCount } from '../../../activities/documents';

describe('surelyWithinTokens: deciding a small document fits without the tokenizer', () => {
  it('never says a text fits when its o200k token count is over the limit', () => {
    const texts = fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }));
    fc.assert(
      fc.property(texts, fc.integer({ min: 0, max: 500 }), (text, limit) => {
        if (surelyWithinTokens(text, limit)) expect(tokenCount(text)).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 500 },
    );
  });

  it('decides by UTF-8 bytes, not characters', () => {
    expect(surelyWithinTokens('abcd', 4)).toBe(true);
    expect(surelyWithinTokens('abcde', 4)).toBe(false);
    // Four characters, twelve bytes: it may be up to twelve tokens, so it is not surely within four.
    expect(surelyWithinTokens('日本語字', 4)).toBe(false);
    expect(surelyWithinTokens('日本語字', 12)).toBe(true);
  });
});
