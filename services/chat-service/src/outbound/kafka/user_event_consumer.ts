/**
 * Reads `user-events` and hands each change to `onChange`. The replica uses
 * one group shared by every instance (each event applied once per
 * deployment, from the start of the topic); each instance also reads with a
 * group of its own, from the latest offset, to drop stale cache entries.
 */
import {
  type DecodeError,
  decodeEvent,
  USER_EVENTS_TOPIC,
  type UserEvent,
} from "@chat-ts/shared/events";
import { ok, type Result } from "@chat-ts/shared/result";
import { type RunningConsumer, startConsumer } from "@chat-ts/shared/kafka";
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

/** A `user-events` record value: the change, null for another event type, or why it is unreadable. */
export function decodeUserChange(
  value: Uint8Array | string | null | undefined,
): Result<UserChange | null, DecodeError> {
  const decoded = decodeEvent(value);
  if (!decoded.ok) return decoded;
  const event = decoded.value;
  switch (event.event_type) {
    case "user_created":
    case "user_updated":
    case "user_deleted":
      return ok(toUserChange(event));
    default:
      return ok(null);
  }
}

export class UserEventConsumer {
  readonly #consumer: Consumer;
  #running: RunningConsumer | undefined;

  constructor(
    kafka: Kafka,
    readonly groupId: string,
    private readonly fromBeginning: boolean,
    private readonly onChange: (change: UserChange) => Promise<void> | void,
    private readonly logger: Logger,
  ) {
    this.#consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  }

  /** Resolves once the group has joined, so a change published afterwards is not missed. */
  async start(): Promise<void> {
    this.#running = await startConsumer(this.#consumer, {
      topics: [USER_EVENTS_TOPIC],
      fromBeginning: this.fromBeginning,
      logger: this.logger,
      eachMessage: async ({ message, partition }) => {
        const decoded = decodeUserChange(message.value);
        if (!decoded.ok) {
          this.logger.warn("skipping undecodable user event", {
            partition,
            offset: message.offset,
            reason: decoded.error.message,
          });
          return;
        }
        // A failure here propagates: kafkajs retries the record rather than skipping a user change.
        if (decoded.value !== null) await this.onChange(decoded.value);
      },
    });
  }

  /** Commits consumed offsets and leaves the group. */
  async stop(): Promise<void> {
    await (this.#running?.stop() ?? this.#consumer.disconnect());
  }
}
