import { inOrderWindow } from '../../../activities/ordered-window';

async function* numbers(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

test('results come in the order of the items, however the calls finish, with at most `window` calls running', async () => {
  let running = 0;
  let most = 0;
  const results = await collect(inOrderWindow(numbers(50), 4, async (i) => {
    running++;
    most = Math.max(most, running);
    // Later items finish first within a window.
    await new Promise((r) => setTimeout(r, (50 - i) % 7));
    running--;
    return i * 10;
  }));
  expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i * 10));
  expect(most).toBe(4);
});

test('a failed call ends the stream with its error when its turn comes, and no other failure is left unhandled', async () => {
  const seen: number[] = [];
  const run = async () => {
    for await (const value of inOrderWindow(numbers(10), 3, async (i) => {
      if (i >= 4) throw new Error(`item ${i} failed`);
      return i;
    })) seen.push(value);
  };
  await expect(run()).rejects.toThrow('item 4 failed');
  expect(seen).toEqual([0, 1, 2, 3]);
});
