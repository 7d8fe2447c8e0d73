/** The outbox relay's sink in the embedded mode: `user-events` on the in-process bus. */
import { type InProcessEventBus, USER_EVENTS_TOPIC } from "@chat-ts/shared/events";
import type { OutboxRecord, UserEventPublisher } from "../../domain/user/ports.ts";

export class InProcessUserEventPublisher implements UserEventPublisher {
  constructor(private readonly bus: InProcessEventBus) {}

  /** Resolves once every subscriber (the chat replica among them) has applied the records. */
  publish(records: readonly OutboxRecord[]): Promise<void> {
    return this.bus.publish(
      records.map((r) => ({ topic: USER_EVENTS_TOPIC, key: r.userId, value: r.payload })),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
