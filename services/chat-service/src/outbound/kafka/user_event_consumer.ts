/**
 * Reads `user-events` and hands each change to `onChange`. The replica uses
 * one group shared by every instance (each event applied once per
 * deployment, from the start of the topic); each instance also reads with a
 * group of its own, from the latest offset, to drop stale cache entries.
 */
import { decodeEvent, USER_EVENTS_TOPIC, type UserEvent } from "@chat-ts/shared/events";
import type { Logger } from "@chat-ts/shared/logger";
import type { Consumer, Kafka } from "kafkajs";
import type { UserId } from "../../domain/ids.ts";
import type { UserChange } from "../../domain/user/models.ts";

export function toUserChange(event: UserEvent): UserChange {
  switch (event.event_type) {
    case "user_created":
    case "user_updated":
      return {
        type: "upserted",
        eventId: event.event_id,
        userId: event.user_id as UserId,
        username: event.username,
        email: event.email,
        at: new Date(event.event_type === "user_created" ? event.created_at : event.updated_at),
      };
    case "user_deleted":
      return {
        type: "deleted",
        eventId: event.event_id,
        userId: event.user_id as UserId,
        at: new Date(event.deleted_at),
      };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export class UserEventConsumer {
  readonly #consumer: Consumer;

  constructor(
    kafka: Kafka,
    readonly groupId: string,
    private readonly fromBeginning: boolean,
    private readonly onChange: (change: UserChange) => Promise<void> | void,
    private readonly logger: Logger,
  ) {
    this.#consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: USER_EVENTS_TOPIC, fromBeginning: this.fromBeginning });
    await this.#consumer.run({
      eachMessage: async ({ message, partition }) => {
        const decoded = decodeEvent(message.value);
        if (!decoded.ok) {
          this.logger.warn("skipping undecodable user event", {
            partition,
            offset: message.offset,
            reason: decoded.error.message,
          });
          return;
        }
        const event = decoded.value;
        if (
          event.event_type !== "user_created" && event.event_type !== "user_updated" &&
          event.event_type !== "user_deleted"
        ) {
          return;
        }
        // A failure here propagates: kafkajs retries the record rather than skipping a user change.
        await this.onChange(toUserChange(event));
      },
    });
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect();
  }
}
