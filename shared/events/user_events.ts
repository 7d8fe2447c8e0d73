/** `user-events` (DESIGN §5), keyed by user_id. */
import { z } from "zod";
import { eventSchema, timestamp } from "./schema.ts";

export const UserCreated = eventSchema("user_created", {
  user_id: z.uuid(),
  username: z.string(),
  email: z.string(),
  created_at: timestamp,
});

export const UserUpdated = eventSchema("user_updated", {
  user_id: z.uuid(),
  username: z.string(),
  email: z.string(),
  updated_at: timestamp,
});

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
  UserCreated,
  UserUpdated,
  UserDeleted,
  SessionEnded,
]);

export type UserCreated = z.infer<typeof UserCreated>;
export type UserUpdated = z.infer<typeof UserUpdated>;
export type UserDeleted = z.infer<typeof UserDeleted>;
export type SessionEnded = z.infer<typeof SessionEnded>;
export type UserEvent = z.infer<typeof UserEvent>;
