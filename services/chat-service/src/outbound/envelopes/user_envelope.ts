/**
 * `user-events` records (DESIGN §5) as the user changes chat applies: the one
 * translation, used by the Kafka and the in-process adapters alike.
 */
import { type DecodeError, decoderFor, UserEvent } from "@chat-ts/shared/events";
import { err, ok, type Result } from "@chat-ts/shared/result";
import { UserId } from "../../domain/ids.ts";
import type { UserChange } from "../../domain/user/models.ts";
import type { SessionEnd } from "../../domain/user/revocations.ts";

/** The event's user id, branded; an invalid one makes the event invalid. */
function userIdOf(event: UserEvent): Result<UserId, DecodeError> {
  const userId = UserId.parse(event.user_id);
  return userId.ok
    ? userId
    : err({ kind: "invalid_event", eventType: event.event_type, message: userId.error.message });
}

type ChangeEvent = Exclude<UserEvent, { event_type: "session_ended" }>;

export function fromEnvelope(event: ChangeEvent): Result<UserChange, DecodeError> {
  const userId = userIdOf(event);
  if (!userId.ok) return userId;
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
        ...(event.event_type === "user_created" ? { created: true } : {}),
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

/**
 * What the user-events readers apply: user changes, and ended sessions. A deleted user is both
 * (the replica forgets them; every one of their sessions has ended).
 */
export type UserRecord = UserChange | SessionEnd;

export function recordFromEnvelope(event: UserEvent): Result<UserRecord, DecodeError> {
  if (event.event_type !== "session_ended") return fromEnvelope(event);
  const userId = userIdOf(event);
  if (!userId.ok) return userId;
  return ok({
    type: "session_ended",
    eventId: event.event_id,
    userId: userId.value,
    ...(event.session_id === undefined ? {} : { sessionId: event.session_id }),
    at: new Date(event.at),
  });
}

/** The sessions a user record ends: all of a deleted user's, or the one `session_ended` names. */
export function sessionEndOf(record: UserRecord): SessionEnd | undefined {
  switch (record.type) {
    case "session_ended":
      return record;
    case "deleted":
      return {
        type: "session_ended",
        eventId: record.eventId,
        userId: record.userId,
        at: record.at,
      };
    case "upserted":
      return undefined;
    default: {
      const unknown: never = record;
      return unknown;
    }
  }
}

/** A `user-events` record value as a user change or an ended session; null for another type. */
export const decodeUserRecord = decoderFor(UserEvent, recordFromEnvelope);
