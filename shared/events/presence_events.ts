/**
 * Presence on Kafka. `presence.reports` (chat-service → presence-service): each
 * instance's WebSocket lifecycle, keyed by user_id (heartbeats by instance_id).
 * `presence.changes` (presence-service → every chat-service instance): decided
 * transitions, keyed by user_id. `chat.typing` (chat-service → every instance):
 * typing notices, keyed by channel_id, never stored.
 */
import { z } from "zod";
import { eventSchema, timestamp } from "./schema.ts";

/** What a client declared on one connection; `offline` is presence-service's to decide. */
const declared = z.enum(["online", "away"]);
const instanceId = z.string().min(1).max(200);
/** A connection's id, unique on its instance. */
const connectionId = z.string().min(1).max(100);

/** One WebSocket connection: its instance and an id unique on that instance. */
const connection = { instance_id: instanceId, connection_id: connectionId, user_id: z.uuid() };

export const PresenceReport = z.discriminatedUnion("event_type", [
  eventSchema("connection_opened", { ...connection, status: declared, at: timestamp }),
  eventSchema("connection_closed", { ...connection, at: timestamp }),
  /** The client's `set_status` frame, or activity (typing, sending) reported as `online`. */
  eventSchema("connection_status_set", {
    ...connection,
    status: declared,
    /** True when the user did something (not only the tab becoming visible). */
    active: z.boolean(),
    at: timestamp,
  }),
  /** An instance's open connections, so a crashed instance's users expire (at most 1000 per record). */
  eventSchema("instance_heartbeat", {
    instance_id: instanceId,
    connections: z.array(z.object({
      connection_id: connectionId,
      user_id: z.uuid(),
      status: declared,
    })).max(1000),
    at: timestamp,
  }),
]);

export const PresenceChanged = eventSchema("presence_changed", {
  user_id: z.uuid(),
  status: z.enum(["online", "away", "offline"]),
  /** When the user was last connected; set when offline, null when never seen. */
  last_seen: timestamp.nullable().optional(),
  at: timestamp,
});

export const UserTyping = eventSchema("user_typing", {
  channel_id: z.uuid(),
  user_id: z.uuid(),
  username: z.string().nullable(),
  at: timestamp,
});

export const PresenceEvent = z.discriminatedUnion("event_type", [
  ...PresenceReport.options,
  PresenceChanged,
  UserTyping,
]);

export type PresenceReport = z.infer<typeof PresenceReport>;
export type PresenceChanged = z.infer<typeof PresenceChanged>;
export type UserTyping = z.infer<typeof UserTyping>;
export type PresenceEvent = z.infer<typeof PresenceEvent>;
