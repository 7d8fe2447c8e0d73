/**
 * The embedded mode's stand-in for Kafka: topics inside one process. Records
 * are the same encoded envelopes, keyed the same way. Each subscription sees
 * the records of its topics one at a time, in publish order (Kafka's order
 * within a partition, which is the order consumers rely on).
 *
 * `publish` resolves once every subscription has handled the record, and
 * rejects if any handler failed: that is the acknowledgement, so a publisher
 * that keeps its records until acknowledged (the user outbox) loses nothing
 * and retries what failed. There is no retention: a subscription sees what is
 * published after it subscribed, which is why the embedded mode subscribes
 * before anything publishes.
 */

import type { EventSource } from "./consume.ts";

export interface BusRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: string;
  /** Kafka record headers (`recipients`, `x-request-id`): what a reader may decide from before it decodes the value. */
  readonly headers?: Readonly<Record<string, string>>;
}

export type BusHandler = (record: BusRecord) => Promise<void> | void;

export interface BusSubscription {
  /** Stops delivery; resolves once the record in hand (if any) is handled. */
  close(): Promise<void>;
}

export class InProcessEventBus {
  readonly #subscribers = new Set<Subscriber>();

  subscribe(topics: readonly string[], handler: BusHandler): BusSubscription {
    const subscriber = new Subscriber(new Set(topics), handler);
    this.#subscribers.add(subscriber);
    return {
      close: () => {
        this.#subscribers.delete(subscriber);
        return subscriber.idle();
      },
    };
  }

  async publish(records: readonly BusRecord[]): Promise<void> {
    const deliveries: Promise<void>[] = [];
    for (const record of records) {
      for (const subscriber of this.#subscribers) {
        if (subscriber.topics.has(record.topic)) deliveries.push(subscriber.enqueue(record));
      }
    }
    const outcomes = await Promise.allSettled(deliveries);
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  }
}

class Subscriber {
  #tail: Promise<void> = Promise.resolve();

  constructor(readonly topics: ReadonlySet<string>, private readonly handler: BusHandler) {}

  /** Handles the record after every record enqueued before it. */
  enqueue(record: BusRecord): Promise<void> {
    const handled = this.#tail.then(() => this.handler(record));
    // A failed record does not stop the ones behind it; its publisher hears of it.
    this.#tail = handled.catch(() => {});
    return handled;
  }

  idle(): Promise<void> {
    return this.#tail;
  }
}

/**
 * The bus as an `EventSource`. It has no groups: every subscription sees every
 * record published after it started, which is what one instance's groups see.
 */
export function busEventSource(bus: InProcessEventBus): EventSource {
  return {
    subscribe(subscription) {
      const running = bus.subscribe(subscription.topics, subscription.handle);
      return Promise.resolve({
        group: subscription.group,
        topics: subscription.topics,
        stop: () => running.close(),
      });
    },
  };
}
