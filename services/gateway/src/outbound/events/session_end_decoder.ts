/** `user-events` records as the ended sessions the gateway refuses tokens of (Kafka or the bus). */
import { decoderFor, type SessionEnded, type UserDeleted } from "@chat-ts/shared/events";
import { ok } from "@chat-ts/shared/result";
import type { SessionEnd } from "@chat-ts/shared/revocations";

/** A deleted user's sessions all end; a `session_ended` ends one, or all without an id. */
export const decodeSessionEnd = decoderFor(
  ["session_ended", "user_deleted"],
  (event: SessionEnded | UserDeleted) =>
    ok<SessionEnd>(
      event.event_type === "user_deleted"
        ? {
          type: "session_ended",
          eventId: event.event_id,
          userId: event.user_id,
          at: new Date(event.deleted_at),
        }
        : {
          type: "session_ended",
          eventId: event.event_id,
          userId: event.user_id,
          ...(event.session_id === undefined ? {} : { sessionId: event.session_id }),
          at: new Date(event.at),
        },
    ),
);
