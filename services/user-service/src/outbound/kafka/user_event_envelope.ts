/** Domain user events as the `user-events` records of DESIGN §5. */
import type { UserEvent as UserEventRecord } from "@chat-ts/shared/events";
import type { UserEvent } from "../../domain/user/events.ts";

export function toEnvelope(event: UserEvent): UserEventRecord {
  switch (event.type) {
    case "user_created":
      return {
        event_type: "user_created",
        event_id: event.eventId,
        user_id: event.userId,
        username: event.username,
        email: event.email,
        created_at: event.at.toISOString(),
      };
    case "user_updated":
      return {
        event_type: "user_updated",
        event_id: event.eventId,
        user_id: event.userId,
        username: event.username,
        email: event.email,
        updated_at: event.at.toISOString(),
      };
    case "user_deleted":
      return {
        event_type: "user_deleted",
        event_id: event.eventId,
        user_id: event.userId,
        deleted_at: event.at.toISOString(),
      };
    case "session_ended":
      return {
        event_type: "session_ended",
        event_id: event.eventId,
        user_id: event.userId,
        ...(event.sessionId === undefined ? {} : { session_id: event.sessionId }),
        at: event.at.toISOString(),
      };
    default: {
      const unknown: never = event;
      throw new Error(`unhandled user event ${JSON.stringify(unknown)}`);
    }
  }
}
