/** `user-events` (DESIGN §5), keyed by user_id. */
import { z } from "zod";
import { eventSchema, timestamp } from "./schema.ts";

/** What a user is known by: the fields a creation and an update both carry. */
const profile = { user_id: z.uuid(), username: z.string(), email: z.string() };

export const UserDeleted = eventSchema("user_deleted", {
  user_id: z.uuid(),
  deleted_at: timestamp,
});

/** A login session ended (logout, refresh-token reuse, password change); no session id: all of the user's. */
export const SessionEnded = eventSchema("session_ended", {
  user_id: z.uuid(),
  session_id: z.uuid().optional(),
  at: timestamp,
});

export const UserEvent = z.discriminatedUnion("event_type", [
  eventSchema("user_created", { ...profile, created_at: timestamp }),
  eventSchema("user_updated", { ...profile, updated_at: timestamp }),
  UserDeleted,
  SessionEnded,
]);

export type UserDeleted = z.infer<typeof UserDeleted>;
export type SessionEnded = z.infer<typeof SessionEnded>;
export type UserEvent = z.infer<typeof UserEvent>;
