import fc from 'fast-check';
import { encode } from 'gpt-tokenizer';
import { MAX_OVERLAP_SHARE, splitText, type TextChunk } from '../../../workflows/split-text';

/** One token per run of non-space characters: exact, so limits can be checked to the token. */
const words = (s: string) => s.match(/\S+/g)?.length ?? 0;
const bpe = (s: string) => encode(s).length;
const slices = (text: string, chunks: TextChunk[]) => chunks.map(([s, e]) => text.slice(s, e));

const paragraph = (topic: string, n: number) =>
  Array.from({ length: n }, (_, i) => `The ${topic} report notes item ${i + 1} in plain words.`).join(' ');

test('a text that fits is one chunk covering it', () => {
  const text = 'Short. Text.';
  expect(splitText(text, { maxTokens: 100, overlapTokens: 10, countTokens: words })).toEqual([[0, text.length, 2]]);
});

test('headings start chunks: each section of a Markdown document is its own chunk when sections fit', () => {
  const sections = ['Rivers', 'Mills', 'Bridges', 'Roads'].map((t) => `## ${t}\n\n${paragraph(t.toLowerCase(), 3)}\n\n${paragraph(t.toLowerCase(), 2)}\n`);
  const text = `# Survey\n\n${sections.join('\n')}`;
  // Each section is ~50 words: two fit in 120 tokens, but a heading is a better place to cut than mid-section.
  const chunks = splitText(text, { maxTokens: 120, overlapTokens: 0, countTokens: words });
  const parts = slices(text, chunks);
  for (const part of parts.slice(1)) expect(part).toMatch(/^## (Rivers|Mills|Bridges|Roads)\n/);
  expect(parts.join('')).toBe(text);
  for (const [, , tokens] of chunks) expect(tokens).toBeLessThanOrEqual(120);
});

test('a paragraph larger than a chunk is cut between sentences, and the overlap repeats whole sentences', () => {
  const text = paragraph('mill', 40);
  const chunks = splitText(text, { maxTokens: 60, overlapTokens: 12, countTokens: words });
  expect(chunks.length).toBeGreaterThan(3);
  for (const part of slices(text, chunks)) {
    expect(part).toMatch(/^The mill report notes item \d+/);
    expect(part.trimEnd()).toMatch(/words\.$/);
  }
  // Sentences of 9 words: a 12-token overlap holds exactly the previous chunk's last sentence.
  for (let i = 1; i < chunks.length; i++) {
    const [start] = chunks[i] as TextChunk;
    const [prevStart, prevEnd] = chunks[i - 1] as TextChunk;
    expect(start).toBeGreaterThan(prevStart);
    expect(start).toBeLessThan(prevEnd);
    expect(words(text.slice(start, prevEnd))).toBe(9);
  }
});

test('a sentence larger than a chunk is cut between words; one enormous word is the only thing cut inside', () => {
  const long = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
  const chunks = splitText(long, { maxTokens: 50, overlapTokens: 0, countTokens: words });
  for (const [s, e] of chunks) {
    expect(s === 0 || /\s/.test(long[s - 1] ?? '')).toBe(true);
    expect(e === long.length || /\s/.test(long[e - 1] ?? '')).toBe(true);
  }
  const blob = 'x'.repeat(5_000);
  const cut = splitText(blob, { maxTokens: 100, overlapTokens: 0, countTokens: bpe });
  expect(slices(blob, cut).join('')).toBe(blob);
  for (const [, , tokens] of cut) expect(tokens).toBeLessThanOrEqual(100);
});

test('the overlap is capped at a quarter of a chunk', () => {
  const text = paragraph('road', 50);
  const chunks = splitText(text, { maxTokens: 40, overlapTokens: 1_000, countTokens: words });
  for (let i = 1; i < chunks.length; i++) {
    const [start] = chunks[i] as TextChunk;
    const [, prevEnd] = chunks[i - 1] as TextChunk;
    expect(words(text.slice(start, Math.max(start, prevEnd)))).toBeLessThanOrEqual(40 * MAX_OVERLAP_SHARE);
  }
});

describe('properties, over generated documents of headings, paragraphs and sentences', () => {
  const sentence = fc.array(fc.stringMatching(/^[a-z]{1,9}$/), { minLength: 1, maxLength: 25 }).map((ws) => `${ws.join(' ')}.`);
  const para = fc.array(sentence, { minLength: 1, maxLength: 12 }).map((ss) => ss.join(' '));
  const doc = fc.array(fc.oneof(para, fc.stringMatching(/^[a-z]{1,12}$/).map((h) => `# ${h}`)), { minLength: 1, maxLength: 30 }).map((bs) => bs.join('\n\n'));
  const limits = fc.record({ maxTokens: fc.integer({ min: 8, max: 200 }), overlapTokens: fc.integer({ min: 0, max: 60 }) });

  test('chunks cover the text in order, each within the limit, never starting or ending inside a word, overlap within its cap', () => {
    fc.assert(fc.property(doc, limits, (text, { maxTokens, overlapTokens }) => {
      const chunks = splitText(text, { maxTokens, overlapTokens, countTokens: words });
      const cap = Math.min(overlapTokens, Math.floor(maxTokens * MAX_OVERLAP_SHARE));
      expect(chunks[0]?.[0]).toBe(0);
      expect(chunks[chunks.length - 1]?.[1]).toBe(text.length);
      for (const [i, [s, e, tokens]] of chunks.entries()) {
        expect(e).toBeGreaterThan(s);
        expect(tokens).toBe(words(text.slice(s, e)));
        expect(tokens).toBeLessThanOrEqual(maxTokens);
        // Generated words are at most 9 letters, far below any chunk: no cut inside one.
        expect(s === 0 || /\s/.test(text[s - 1] ?? '')).toBe(true);
        expect(e === text.length || /\s/.test(text[e - 1] ?? '')).toBe(true);
        if (i === 0) continue;
        const [ps, pe] = chunks[i - 1] as TextChunk;
        expect(s).toBeGreaterThan(ps);
        expect(s).toBeLessThanOrEqual(pe);
        expect(words(text.slice(s, pe))).toBeLessThanOrEqual(cap);
      }
      // No gap: every character is in some chunk.
      for (let i = 1; i < chunks.length; i++) expect((chunks[i] as TextChunk)[0]).toBeLessThanOrEqual((chunks[i - 1] as TextChunk)[1]);
    }), { numRuns: 300 });
  });

  test('deterministic: the same text and limits give the same chunks', () => {
    fc.assert(fc.property(doc, limits, (text, l) => {
      expect(splitText(text, { ...l, countTokens: words })).toEqual(splitText(text, { ...l, countTokens: words }));
    }), { numRuns: 50 });
  });
});

test('with the real tokenizer the counts it reports are the chunks\' own', () => {
  const text = Array.from({ length: 30 }, (_, i) => `## Part ${i + 1}\n\n${paragraph(`part ${i + 1}`, 6)}`).join('\n\n');
  const chunks = splitText(text, { maxTokens: 200, overlapTokens: 30, countTokens: bpe });
  expect(chunks.length).toBeGreaterThan(5);
  for (const [s, e, tokens] of chunks) {
    expect(Math.abs(bpe(text.slice(s, e)) - tokens)).toBeLessThanOrEqual(3);
    expect(bpe(text.slice(s, e))).toBeLessThanOrEqual(200);
  }
});
