// Runs `fn` over a stream of items with at most `window` calls in flight,
// yielding results in the items' order: many small reads overlap their round
// trips, and memory holds `window` results however long the stream.
export async function* inOrderWindow<T, R>(items: AsyncIterable<T>, window: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const size = Math.max(1, window);
  const queue: Array<Promise<R>> = [];
  const start = (item: T) => {
    const running = fn(item);
    // Awaited in order below; until then a failure must not count as unhandled.
    running.catch(() => undefined);
    queue.push(running);
  };
  for await (const item of items) {
    start(item);
    if (queue.length >= size) yield await (queue.shift() as Promise<R>);
  }
  while (queue.length > 0) yield await (queue.shift() as Promise<R>);
}
