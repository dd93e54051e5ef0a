import { tokenCount } from '../../../activities/documents';
import { segmentEnd, structuredChunks } from '../../../activities/structured-chunks';
import { splitText } from '../../../workflows/split-text';

function prose(paragraphs: number): string {
  return Array.from({ length: paragraphs }, (_, p) =>
    Array.from({ length: 6 }, (_, s) => `Paragraph ${p} sentence ${s} tells how routing moves work between deployments.`).join(' '),
  ).join('\n\n');
}

const options = { maxTokens: 120, overlapTokens: 20, countTokens: tokenCount };

test('a text within one segment is cut exactly as splitText cuts it', async () => {
  const text = prose(20);
  expect(await structuredChunks(text, options)).toEqual(splitText(text, options));
});

test('a large text is cut segment by segment at paragraph breaks: chunks cover it in order, never start or end inside a word', async () => {
  const text = prose(400);
  const chunks = (await structuredChunks(text, options, 20_000)) as Array<[number, number, number]>;
  expect(chunks.length).toBeGreaterThan(100);
  for (const [i, [start, end, tokens]] of chunks.entries()) {
    expect(end).toBeGreaterThan(start);
    expect(tokens).toBeLessThanOrEqual(options.maxTokens);
    expect(start === 0 || /\s/.test(text[start - 1] as string)).toBe(true);
    expect(end === text.length || /\s/.test(text[end] as string) || /\s/.test(text[end - 1] as string)).toBe(true);
    if (i > 0) expect(start).toBeLessThanOrEqual((chunks[i - 1] as [number, number, number])[1]);
  }
  expect(chunks[0]?.[0]).toBe(0);
  expect(text.slice((chunks[chunks.length - 1] as [number, number, number])[1]).trim()).toBe('');
});

test('segments end at a paragraph break when there is one in their second half, else at a sentence end', () => {
  const text = `${'a '.repeat(40)}\n\n${'b '.repeat(40)}`;
  expect(segmentEnd(text, 0, 100)).toBe(text.indexOf('\n\n') + 2);
  const sentences = `${'word '.repeat(30)}end. ${'word '.repeat(30)}`;
  expect(segmentEnd(sentences, 0, 200)).toBe(sentences.indexOf('. ') + 2);
  expect(segmentEnd('short', 0, 100)).toBe(5);
});

test('the event loop gets turns while a large text is cut, so heartbeat timers keep firing', async () => {
  const text = prose(400);
  let turns = 0;
  const timer = setInterval(() => turns++, 0);
  try {
    await structuredChunks(text, options, 20_000);
  } finally {
    clearInterval(timer);
  }
  expect(turns).toBeGreaterThan(0);
});
