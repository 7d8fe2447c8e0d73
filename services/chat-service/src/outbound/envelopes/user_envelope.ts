/**
 * `user-events` records (DESIGN §5) as the user changes chat applies: the one
 * translation, used by the Kafka and the in-process adapters alike.
 */
import { type DecodeError, decoderFor, type UserEvent } from "@chat-ts/shared/events";
import { err, ok, type Result } from "@chat-ts/shared/result";
import { UserId } from "../../domain/ids.ts";
import type { UserChange } from "../../domain/user/models.ts";

export function fromEnvelope(event: UserEvent): Result<UserChange, DecodeError> {
  const userId = UserId.parse(event.user_id);
  if (!userId.ok) {
    return err({
      kind: "invalid_event",
      eventType: event.event_type,
      message: userId.error.message,
    });
  }
  switch (event.event_type) {
    case "user_created":
    case "user_updated":
      return ok({
        type: "upserted",
        eventId: event.event_id,
        userId: userId.value,
        username: event.username,
        email: event.email,
        at: new Date(event.event_type === "user_created" ? event.created_at : event.updated_at),
      });
    case "user_deleted":
      return ok({
        type: "deleted",
        eventId: event.event_id,
        userId: userId.value,
        at: new Date(event.deleted_at),
      });
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** A `user-events` record value as its change; null for another event type. */
export const decodeUserChange = decoderFor(
  ["user_created", "user_updated", "user_deleted"],
  fromEnvelope,
);
