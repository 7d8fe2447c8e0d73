/**
 * The WebSocket protocol of DESIGN §4 as it travels: JSON text frames tagged
 * by `type`, in both directions. One schema for the server (which parses
 * client frames with it and builds server frames against it), the browser
 * client and `@chat-ts/client` (which parse server frames with it), and the
 * AsyncAPI document. Written with `zod/mini` so the browser bundle stays small;
 * the schemas are the same objects full zod uses.
 *
 * Values here are wire values (strings); a service turns them into its
 * domain's branded values at its own edge.
 */
import * as z from "zod/mini";

/** Echoed on the error frame a client frame caused, so a client can match the two. */
const ref = z.optional(z.string().check(z.maxLength(100)));
const channelId = z.string().check(z.minLength(1));

/** The schema of one frame type: its `type` tag, then the frame's own fields in order. */
function frame<const Type extends string, Fields extends z.core.$ZodLooseShape>(
  type: Type,
  fields: Fields,
) {
  return z.object({ type: z.literal(type), ...fields });
}

export const SubscribeFrame = frame("subscribe", {
  channel_id: channelId,
  /** A message id: replay what was sent after it, then go live. */
  after: z.optional(z.string()),
  ref,
});
export const UnsubscribeFrame = frame("unsubscribe", {
  channel_id: channelId,
  ref,
});
export const SendMessageFrame = frame("send_message", {
  channel_id: channelId,
  content: z.string(),
  /** The sender's idempotency key: a retried send stores and delivers one message. */
  client_id: z.optional(z.string()),
  /** A message id of the same channel this one answers. */
  reply_to: z.optional(z.string()),
  ref,
});
export const PingFrame = frame("ping", { ref });
/** The user is typing in a channel they may read; forwarded at most once per 2 s. */
export const TypingFrame = frame("typing", { channel_id: channelId, ref });
/** What the client declares for this connection: `away` when hidden or idle, `online` when back. */
export const SetStatusFrame = frame("set_status", {
  status: z.enum(["online", "away"]),
  ref,
});

/** The user has read the channel up to this message (markers only move forward). */
export const MarkReadFrame = frame("mark_read", {
  channel_id: channelId,
  message_id: z.string(),
  ref,
});

export const ClientFrame = z.discriminatedUnion("type", [
  SubscribeFrame,
  UnsubscribeFrame,
  SendMessageFrame,
  PingFrame,
  TypingFrame,
  SetStatusFrame,
  MarkReadFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** A user as clients see one: their id, and their current username (null only when no source can answer). */
const seenUser = { user_id: z.string(), username: z.nullable(z.string()) };

/** A message as clients see it, identical over HTTP and WebSocket. */
export const WireMessage = z.object({
  id: z.string(),
  channel_id: z.string(),
  /** The sender. */
  ...seenUser,
  content: z.string(),
  /** RFC 3339 UTC, millisecond precision. */
  timestamp: z.string(),
  client_id: z.optional(z.string()),
  /** When the author last edited the content (RFC 3339, ms); null until then. */
  edited_at: z.nullable(z.string()),
  /** Per emoji: how many reacted, and whether the reader did (false on live frames). */
  reactions: z.array(
    z.object({ emoji: z.string(), count: z.number(), me: z.boolean() }),
  ),
  /**
   * What a reply answers: its author and the start of its text as they are now,
   * or `deleted` (then the other fields are null); null when not a reply.
   */
  reply_to: z.nullable(z.object({
    id: z.string(),
    deleted: z.boolean(),
    user_id: z.nullable(z.string()),
    username: z.nullable(z.string()),
    preview: z.nullable(z.string()),
  })),
  /** Users named with `@username` who may read the channel, resolved at send (an edit keeps them). */
  mentions: z.array(z.string()),
});
export type WireMessage = z.infer<typeof WireMessage>;

export const SubscribedFrame = frame("subscribed", { channel_id: z.string() });
export const UnsubscribedFrame = frame("unsubscribed", {
  channel_id: z.string(),
});
export const PongFrame = frame("pong", {});
export const NewMessageFrame = z.extend(WireMessage, { type: z.literal("new_message") });
export const MessageDeletedFrame = frame("message_deleted", {
  id: z.string(),
  channel_id: z.string(),
});
/** The whole new content of an edited message; apply it only if `edited_at` is later than yours. */
export const MessageEditedFrame = frame("message_edited", {
  id: z.string(),
  channel_id: z.string(),
  content: z.string(),
  edited_at: z.string(),
});
/** `count` is the emoji's count on the message when the frame left the server. */
const reactionFrame = <T extends "reaction_added" | "reaction_removed">(type: T) =>
  frame(type, {
    message_id: z.string(),
    channel_id: z.string(),
    emoji: z.string(),
    /** Who reacted (or took it back). */
    user_id: z.string(),
    count: z.number(),
  });
export const ReactionAddedFrame = reactionFrame("reaction_added");
export const ReactionRemovedFrame = reactionFrame("reaction_removed");
export const ErrorFrame = frame("error", {
  code: z.string(),
  message: z.string(),
  ref: z.optional(z.string()),
});

/** A user who shares a subscribed channel with this socket changed status. */
export const PresenceFrame = frame("presence", {
  user_id: z.string(),
  status: z.enum(["online", "away", "offline"]),
  /** RFC 3339 UTC when offline (null: never seen); null while online or away. */
  last_seen: z.nullable(z.string()),
});
/** Another user is typing in a subscribed channel; show it for ~5 s or until their next message. */
export const UserTypingFrame = frame("typing", { channel_id: z.string(), ...seenUser });

/**
 * The socket's user was mentioned in a message: sent to every socket of theirs, subscribed to
 * the channel or not, on every instance; never to the author, never to a non-member.
 */
export const MentionFrame = frame("mention", {
  channel_id: z.string(),
  message_id: z.string(),
  /** The author. */
  ...seenUser,
  /** The first 120 code points of the text, as sent. */
  preview: z.string(),
  timestamp: z.string(),
});

/** A channel as `GET /api/channels/{id}` answers it. */
export const WireChannel = z.object({
  id: z.string(),
  type: z.enum(["public", "private", "direct"]),
  name: z.optional(z.string()),
  description: z.optional(z.nullable(z.string())),
  created_by: z.string(),
  created_at: z.string(),
  /** Private and direct channels: the members' user ids. */
  members: z.optional(z.array(z.string())),
});
export type WireChannel = z.infer<typeof WireChannel>;

/** To every socket of a user: they were added to a private channel, or a DM was opened with them. */
export const ChannelAddedFrame = frame("channel_added", {
  channel: WireChannel,
});
/** To every socket of a user: they left or were removed from a private channel. */
export const ChannelRemovedFrame = frame("channel_removed", {
  channel_id: z.string(),
});
/** To every socket: a public channel was created. */
export const ChannelCreatedFrame = frame("channel_created", {
  channel: WireChannel,
});

/** To every socket of a user: their read marker in a channel moved (on any device). */
export const ReadFrame = frame("read", {
  channel_id: z.string(),
  message_id: z.string(),
  /** Messages after the marker (100: 100 or more, shown as 99+). */
  unread_count: z.number(),
});

export const ServerFrame = z.discriminatedUnion("type", [
  SubscribedFrame,
  UnsubscribedFrame,
  PongFrame,
  NewMessageFrame,
  MessageDeletedFrame,
  MessageEditedFrame,
  ReactionAddedFrame,
  ReactionRemovedFrame,
  ErrorFrame,
  PresenceFrame,
  UserTypingFrame,
  MentionFrame,
  ChannelAddedFrame,
  ChannelRemovedFrame,
  ChannelCreatedFrame,
  ReadFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ServerFrameType = ServerFrame["type"];
/** The server frame of one type. */
export type ServerFrameOf<T extends ServerFrameType> = Extract<ServerFrame, { type: T }>;
