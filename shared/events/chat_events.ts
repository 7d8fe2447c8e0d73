/** `chat.messages.{0..15}` (DESIGN §5), keyed by channel_id. */
import { z } from "zod";
import { eventSchema, timestamp } from "./schema.ts";

export const MessageSent = eventSchema("message_sent", {
  message_id: z.uuid(),
  channel_id: z.uuid(),
  user_id: z.uuid(),
  content: z.string(),
  timestamp,
  /** The sender's idempotency key, echoed to WebSocket clients. */
  client_id: z.string().optional(),
  /** The message of the same channel this one answers. */
  reply_to: z.uuid().optional(),
  /** Users the text names with `@username` who may read the channel; absent: none. */
  mentions: z.array(z.uuid()).optional(),
});

export const MessageDeleted = eventSchema("message_deleted", {
  message_id: z.uuid(),
  channel_id: z.uuid(),
  deleted_at: timestamp,
});

/** The author replaced a message's content; `content` is the whole new text. */
export const MessageEdited = eventSchema("message_edited", {
  message_id: z.uuid(),
  channel_id: z.uuid(),
  content: z.string(),
  edited_at: timestamp,
});

/** A user reacted to a message with an emoji (once per user and emoji). */
export const ReactionAdded = eventSchema("reaction_added", {
  message_id: z.uuid(),
  channel_id: z.uuid(),
  emoji: z.string(),
  user_id: z.uuid(),
  reacted_at: timestamp,
});

/** A user took their reaction back. */
export const ReactionRemoved = eventSchema("reaction_removed", {
  message_id: z.uuid(),
  channel_id: z.uuid(),
  emoji: z.string(),
  user_id: z.uuid(),
  removed_at: timestamp,
});

export const ChannelCreated = eventSchema("channel_created", {
  channel_id: z.uuid(),
  channel_type: z.enum(["public", "private", "direct"]),
  name: z.string().optional(),
  created_by: z.uuid(),
  created_at: timestamp,
  /** A private channel's first members and a direct channel's pair (absent: public). */
  members: z.array(z.uuid()).optional(),
});

/** A user joined a private channel: added by a member (`added_by`). */
export const MemberAdded = eventSchema("member_added", {
  channel_id: z.uuid(),
  user_id: z.uuid(),
  added_by: z.uuid(),
  at: timestamp,
});

/** A user left a private channel (`removed_by` is themselves) or its creator removed them. */
export const MemberRemoved = eventSchema("member_removed", {
  channel_id: z.uuid(),
  user_id: z.uuid(),
  removed_by: z.uuid(),
  at: timestamp,
});

/** A user's read marker in a channel moved forward (to `message_id`). */
export const ReadMarked = eventSchema("read_marked", {
  channel_id: z.uuid(),
  user_id: z.uuid(),
  message_id: z.uuid(),
  /** Messages after the marker when it moved (100: 100 or more). */
  unread_count: z.number().int().min(0),
  at: timestamp,
});

export const ChatEvent = z.discriminatedUnion("event_type", [
  MessageSent,
  MessageDeleted,
  MessageEdited,
  ReactionAdded,
  ReactionRemoved,
  ChannelCreated,
  MemberAdded,
  MemberRemoved,
  ReadMarked,
]);

export type MessageSent = z.infer<typeof MessageSent>;
export type MessageDeleted = z.infer<typeof MessageDeleted>;
export type MessageEdited = z.infer<typeof MessageEdited>;
export type ReactionAdded = z.infer<typeof ReactionAdded>;
export type ReactionRemoved = z.infer<typeof ReactionRemoved>;
export type ChannelCreated = z.infer<typeof ChannelCreated>;
export type MemberAdded = z.infer<typeof MemberAdded>;
export type MemberRemoved = z.infer<typeof MemberRemoved>;
export type ReadMarked = z.infer<typeof ReadMarked>;
export type ChatEvent = z.infer<typeof ChatEvent>;
