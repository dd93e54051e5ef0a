/**
 * Hands values from a producer (a provider stream inside the driver's call)
 * to a consumer (the caller's `for await`) one at a time: `put` resolves once
 * the consumer has taken the value, so a slow reader slows the provider
 * stream instead of buffering it.
 */
export class Handoff<T> {
  private waitingTaker: ((r: IteratorResult<T>) => void) | null = null;
  private waitingPut: { value: T; taken: () => void } | null = null;
  private ended = false;

  put(value: T): Promise<void> {
    if (this.ended) return Promise.resolve();
    const taker = this.waitingTaker;
    if (taker !== null) {
      this.waitingTaker = null;
      taker({ value, done: false });
      return Promise.resolve();
    }
    return new Promise((taken) => {
      this.waitingPut = { value, taken };
    });
  }

  take(): Promise<IteratorResult<T>> {
    const put = this.waitingPut;
    if (put !== null) {
      this.waitingPut = null;
      put.taken();
      return Promise.resolve({ value: put.value, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waitingTaker = resolve;
    });
  }

  /** No more values: a waiting taker gets `done`, a waiting put is released unread. */
  end(): void {
    this.ended = true;
    const taker = this.waitingTaker;
    this.waitingTaker = null;
    taker?.({ value: undefined, done: true });
    const put = this.waitingPut;
    this.waitingPut = null;
    put?.taken();
  }
}
