/** `user-events` (DESIGN §5), keyed by user_id. */
import { z } from "zod";

const timestamp = z.iso.datetime({ offset: true });

export const UserCreated = z.object({
  event_type: z.literal("user_created"),
  event_id: z.uuid(),
  user_id: z.uuid(),
  username: z.string(),
  email: z.string(),
  created_at: timestamp,
});

export const UserUpdated = z.object({
  event_type: z.literal("user_updated"),
  event_id: z.uuid(),
  user_id: z.uuid(),
  username: z.string(),
  email: z.string(),
  updated_at: timestamp,
});

export const UserDeleted = z.object({
  event_type: z.literal("user_deleted"),
  event_id: z.uuid(),
  user_id: z.uuid(),
  deleted_at: timestamp,
});

/** A login session ended (logout, refresh-token reuse, password change); no session id: all of the user's. */
export const SessionEnded = z.object({
  event_type: z.literal("session_ended"),
  event_id: z.uuid(),
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
