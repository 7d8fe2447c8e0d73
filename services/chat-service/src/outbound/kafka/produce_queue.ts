/**
 * The records waiting for a produce request: one request is in flight at a
 * time, and the records published while it runs wait and go together in the
 * next one. An idle publisher sends at once (no linger); a busy one sends
 * fewer, larger requests, since each request costs the broker and this
 * process about as much as its records. A request stays within the limits,
 * so a burst of large messages never makes one too large for the broker.
 */

export interface RequestLimits<T> {
  /** At most this many records per request. */
  readonly maxItems: number;
  /** At most this total `sizeOf` per request; a record larger than it alone still goes alone. */
  readonly maxSize?: number;
  readonly sizeOf?: (item: T) => number;
}

interface Waiting<T> {
  readonly item: T;
  resolve(): void;
  reject(error: unknown): void;
}

export class ProduceQueue<T> {
  #waiting: Waiting<T>[] = [];
  #sending = false;

  constructor(
    private readonly produce: (items: readonly T[]) => Promise<void>,
    private readonly limits: RequestLimits<T>,
  ) {}

  /** Resolves once the request that carried `item` succeeded; rejects with its error. */
  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (!this.#sending) void this.#run();
    });
  }

  /** Sends request after request until nothing waits. */
  async #run(): Promise<void> {
    this.#sending = true;
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, this.#batchLength());
      try {
        await this.produce(batch.map((w) => w.item));
        for (const waiting of batch) waiting.resolve();
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.#sending = false;
  }

  /** How many of the waiting items the next request takes: at least one. */
  #batchLength(): number {
    const { maxItems, maxSize, sizeOf } = this.limits;
    const count = Math.min(maxItems, this.#waiting.length);
    if (maxSize === undefined || sizeOf === undefined) return count;
    let size = sizeOf(this.#waiting[0].item);
    let taken = 1;
    while (taken < count) {
      size += sizeOf(this.#waiting[taken].item);
      if (size > maxSize) break;
      taken++;
    }
    return taken;
  }
}
