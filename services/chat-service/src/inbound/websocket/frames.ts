/**
 * The WebSocket protocol of DESIGN §4 at chat-service's edge: a client frame
 * is parsed once (wire shape from `@chat-ts/shared/websocket`, then the
 * domain's own smart constructors) into a command with branded values; every
 * server frame is built by a typed constructor here.
 */
import { ClientFrame, type ServerFrame, type ServerFrameOf } from "@chat-ts/shared/websocket";
import { err, ok, type Result } from "@chat-ts/shared/result";
import { ChannelId, MessageId, type UserId } from "../../domain/ids.ts";
import {
  ClientId,
  MessageContent,
  type MessageEdit,
  type MessageView,
  PREVIEW_LENGTH,
} from "../../domain/message/models.ts";
import type { DeclaredStatus, PresenceChange, TypingNotice } from "../../domain/presence/models.ts";
import { toWireMessage } from "../message_wire.ts";
import { toWireChannel } from "../channel_wire.ts";
import type { Channel } from "../../domain/channel/models.ts";
import type { ReadMarked } from "../../domain/read/events.ts";
import type { Reaction } from "../../domain/message/reactions.ts";
import type { ChannelFrameKind, OutgoingFrame } from "./hub.ts";

type Ref = { readonly ref?: string };

/** A client frame as the connection acts on it. */
export type ClientCommand =
  | { readonly type: "subscribe"; readonly channelId: ChannelId; readonly after?: MessageId } & Ref
  | { readonly type: "unsubscribe"; readonly channelId: ChannelId } & Ref
  | {
    readonly type: "send_message";
    readonly channelId: ChannelId;
    readonly content: MessageContent;
    readonly clientId?: ClientId;
    readonly replyTo?: MessageId;
  } & Ref
  | { readonly type: "ping" } & Ref
  | { readonly type: "typing"; readonly channelId: ChannelId } & Ref
  | { readonly type: "set_status"; readonly status: DeclaredStatus } & Ref
  | {
    readonly type: "mark_read";
    readonly channelId: ChannelId;
    readonly messageId: MessageId;
  } & Ref;

export type ErrorFrame = ServerFrameOf<"error">;

/** A user as a frame names them (the wire's `seenUser` fields): id and current username. */
const seenUserOf = (user: { readonly userId: UserId; readonly username: string | null }) => ({
  user_id: user.userId,
  username: user.username,
});

export const frames = {
  read: (m: ReadMarked): ServerFrameOf<"read"> => ({
    type: "read",
    channel_id: m.channelId,
    message_id: m.messageId,
    unread_count: m.unreadCount,
  }),
  channelAdded: (channel: Channel): ServerFrameOf<"channel_added"> => ({
    type: "channel_added",
    channel: toWireChannel(channel),
  }),
  channelRemoved: (channelId: ChannelId): ServerFrameOf<"channel_removed"> => ({
    type: "channel_removed",
    channel_id: channelId,
  }),
  channelCreated: (channel: Channel): ServerFrameOf<"channel_created"> => ({
    type: "channel_created",
    channel: toWireChannel(channel),
  }),
  subscribed: (channelId: ChannelId): ServerFrame => ({
    type: "subscribed",
    channel_id: channelId,
  }),
  unsubscribed: (channelId: ChannelId): ServerFrame => ({
    type: "unsubscribed",
    channel_id: channelId,
  }),
  pong: (): ServerFrame => ({ type: "pong" }),
  newMessage: (m: MessageView): ServerFrameOf<"new_message"> => ({
    type: "new_message",
    ...toWireMessage(m),
  }),
  messageDeleted: (id: MessageId, channelId: ChannelId): ServerFrameOf<"message_deleted"> => ({
    type: "message_deleted",
    id,
    channel_id: channelId,
  }),
  presence: (change: PresenceChange): ServerFrameOf<"presence"> => ({
    type: "presence",
    user_id: change.userId,
    status: change.status,
    last_seen: change.lastSeen === null ? null : change.lastSeen.toISOString(),
  }),
  typing: (notice: TypingNotice): ServerFrameOf<"typing"> => ({
    type: "typing",
    channel_id: notice.channelId,
    ...seenUserOf(notice),
  }),
  mention: (m: MessageView): ServerFrameOf<"mention"> => ({
    type: "mention",
    channel_id: m.channelId,
    message_id: m.id,
    ...seenUserOf(m),
    preview: [...m.content].slice(0, PREVIEW_LENGTH).join(""),
    timestamp: m.timestamp.toISOString(),
  }),
  messageEdited: (m: MessageEdit): ServerFrameOf<"message_edited"> => ({
    type: "message_edited",
    id: m.messageId,
    channel_id: m.channelId,
    content: m.content,
    edited_at: m.editedAt.toISOString(),
  }),
  reaction: (
    type: "reaction_added" | "reaction_removed",
    channelId: ChannelId,
    reaction: Reaction,
    count: number,
  ): ServerFrameOf<"reaction_added" | "reaction_removed"> => ({
    type,
    message_id: reaction.messageId,
    channel_id: channelId,
    emoji: reaction.emoji,
    user_id: reaction.userId,
    count,
  }),
  error: (code: string, message: string, ref?: string): ErrorFrame => ({
    type: "error",
    code,
    message,
    ...(ref === undefined ? {} : { ref }),
  }),
};

/** A frame for every subscriber of a channel, serialised once for all of them. */
export function outgoing(frame: ServerFrameOf<ChannelFrameKind>): OutgoingFrame {
  const messageId = "message_id" in frame ? frame.message_id : frame.id;
  return { text: JSON.stringify(frame), kind: frame.type, messageId };
}

/** Parses one text frame into a command, or the error frame that answers it. */
export function parseClientFrame(text: string): Result<ClientCommand, ErrorFrame> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return err(frames.error("malformed_frame", "Frame is not valid JSON"));
  }
  const parsed = ClientFrame.safeParse(json);
  if (!parsed.success) {
    const ref =
      typeof json === "object" && json !== null && "ref" in json && typeof json.ref === "string"
        ? json.ref
        : undefined;
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join(".") ?? "";
    const message = issue === undefined
      ? "Frame is invalid"
      : field === ""
      ? issue.message
      : `${field}: ${issue.message}`;
    return err(frames.error("invalid_frame", message, ref));
  }
  return toCommand(parsed.data);
}

function toCommand(frame: ClientFrame): Result<ClientCommand, ErrorFrame> {
  const ref = frame.ref === undefined ? {} : { ref: frame.ref };
  const invalid = (message: string) => err(frames.error("validation_failed", message, frame.ref));
  if (frame.type === "ping") return ok({ type: "ping", ...ref });
  if (frame.type === "set_status") return ok({ type: "set_status", status: frame.status, ...ref });
  const channelId = ChannelId.parse(frame.channel_id);
  if (!channelId.ok) return invalid(channelId.error.message);
  switch (frame.type) {
    case "subscribe": {
      if (frame.after === undefined) {
        return ok({ type: "subscribe", channelId: channelId.value, ...ref });
      }
      const after = MessageId.parse(frame.after);
      if (!after.ok) {
        return err(frames.error("invalid_frame", "after: must be a message id", frame.ref));
      }
      return ok({ type: "subscribe", channelId: channelId.value, after: after.value, ...ref });
    }
    case "unsubscribe":
      return ok({ type: "unsubscribe", channelId: channelId.value, ...ref });
    case "typing":
      return ok({ type: "typing", channelId: channelId.value, ...ref });
    case "mark_read": {
      const messageId = MessageId.parse(frame.message_id, "message_id");
      if (!messageId.ok) return invalid(messageId.error.message);
      return ok({
        type: "mark_read",
        channelId: channelId.value,
        messageId: messageId.value,
        ...ref,
      });
    }
    case "send_message": {
      const content = MessageContent.parse(frame.content);
      if (!content.ok) return invalid(content.error.message);
      const clientId = frame.client_id === undefined ? undefined : ClientId.parse(frame.client_id);
      if (clientId !== undefined && !clientId.ok) return invalid(clientId.error.message);
      const replyTo = frame.reply_to === undefined
        ? undefined
        : MessageId.parse(frame.reply_to, "reply_to");
      if (replyTo !== undefined && !replyTo.ok) return invalid(replyTo.error.message);
      return ok({
        type: "send_message",
        channelId: channelId.value,
        content: content.value,
        ...(clientId === undefined ? {} : { clientId: clientId.value }),
        ...(replyTo === undefined ? {} : { replyTo: replyTo.value }),
        ...ref,
      });
    }
    default: {
      const unknown: never = frame;
      return unknown;
    }
  }
}
