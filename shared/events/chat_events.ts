/** `chat.messages.{0..15}` (DESIGN §5), keyed by channel_id. */
import { z } from "zod";
import { eventSchema, timestamp } from "./schema.ts";

/** The message an event is about, and its channel (the record's key). */
const aboutMessage = { message_id: z.uuid(), channel_id: z.uuid() };
/** One user's reaction: once per user and emoji. */
const reaction = { ...aboutMessage, emoji: z.string(), user_id: z.uuid() };
/** A user in a channel: a membership change or a read marker is about one. */
const userInChannel = { channel_id: z.uuid(), user_id: z.uuid() };

export const ChatEvent = z.discriminatedUnion("event_type", [
  eventSchema("message_sent", {
    ...aboutMessage,
    user_id: z.uuid(),
    content: z.string(),
    timestamp,
    /** The sender's idempotency key, echoed to WebSocket clients. */
    client_id: z.string().optional(),
    /** The message of the same channel this one answers. */
    reply_to: z.uuid().optional(),
    /** Users the text names with `@username` who may read the channel; absent: none. */
    mentions: z.array(z.uuid()).optional(),
  }),
  eventSchema("message_deleted", { ...aboutMessage, deleted_at: timestamp }),
  /** The author replaced a message's content; `content` is the whole new text. */
  eventSchema("message_edited", { ...aboutMessage, content: z.string(), edited_at: timestamp }),
  /** A user reacted to a message with an emoji. */
  eventSchema("reaction_added", { ...reaction, reacted_at: timestamp }),
  /** A user took their reaction back. */
  eventSchema("reaction_removed", { ...reaction, removed_at: timestamp }),
  eventSchema("channel_created", {
    channel_id: z.uuid(),
    channel_type: z.enum(["public", "private", "direct"]),
    name: z.string().optional(),
    created_by: z.uuid(),
    created_at: timestamp,
    /** A private channel's first members and a direct channel's pair (absent: public). */
    members: z.array(z.uuid()).optional(),
  }),
  /** A user joined a private channel: added by a member (`added_by`). */
  eventSchema("member_added", { ...userInChannel, added_by: z.uuid(), at: timestamp }),
  /** A user left a private channel (`removed_by` is themselves) or its creator removed them. */
  eventSchema("member_removed", { ...userInChannel, removed_by: z.uuid(), at: timestamp }),
  /** A user's read marker in a channel moved forward (to `message_id`). */
  eventSchema("read_marked", {
    ...userInChannel,
    message_id: z.uuid(),
    /** Messages after the marker when it moved (100: 100 or more). */
    unread_count: z.number().int().min(0),
    at: timestamp,
  }),
]);

export type ChatEvent = z.infer<typeof ChatEvent>;
