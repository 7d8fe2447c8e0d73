/**
 * Domain chat events as the `chat.messages.*` records of DESIGN §5, and back:
 * the one translation between the two, used by the Kafka and the in-process
 * adapters alike.
 */
import {
  CHAT_RECIPIENTS_HEADER,
  type ChatEvent,
  chatMessagesTopic,
  type DecodeError,
  decoderFor,
  encodeEvent,
  EVERY_SOCKET,
} from "@chat-ts/shared/events";
import { err, ok, type Result } from "@chat-ts/shared/result";
import type {
  ChannelCreated,
  ChannelEventReceived,
  MembershipEvent,
} from "../../domain/channel/events.ts";
import { ChannelId, MessageId, UserId } from "../../domain/ids.ts";
import type { ReadMarked } from "../../domain/read/events.ts";
import type { MessageEvent } from "../../domain/message/events.ts";
import { ClientId, MessageContent } from "../../domain/message/models.ts";
import { Emoji } from "../../domain/message/reactions.ts";

/** Every event chat-service records on `chat.messages.*`. */
export type ChatEventSent = MessageEvent | ChannelCreated | MembershipEvent | ReadMarked;

export function toEnvelope(event: ChatEventSent): ChatEvent {
  switch (event.type) {
    case "message_sent": {
      const m = event.message;
      return {
        event_type: "message_sent",
        event_id: event.eventId,
        message_id: m.id,
        channel_id: m.channelId,
        user_id: m.userId,
        content: m.content,
        timestamp: m.timestamp.toISOString(),
        ...(m.clientId === undefined ? {} : { client_id: m.clientId }),
        ...(m.replyTo === undefined ? {} : { reply_to: m.replyTo }),
        ...(m.mentions === undefined ? {} : { mentions: [...m.mentions] }),
      };
    }
    case "message_deleted":
      return {
        event_type: "message_deleted",
        event_id: event.eventId,
        message_id: event.messageId,
        channel_id: event.channelId,
        deleted_at: event.at.toISOString(),
      };
    case "message_edited":
      return {
        event_type: "message_edited",
        event_id: event.eventId,
        message_id: event.messageId,
        channel_id: event.channelId,
        content: event.content,
        edited_at: event.editedAt.toISOString(),
      };
    case "reaction_added":
    case "reaction_removed": {
      const base = {
        event_id: event.eventId,
        message_id: event.reaction.messageId,
        channel_id: event.channelId,
        emoji: event.reaction.emoji,
        user_id: event.reaction.userId,
      };
      return event.type === "reaction_added"
        ? { event_type: "reaction_added", ...base, reacted_at: event.at.toISOString() }
        : { event_type: "reaction_removed", ...base, removed_at: event.at.toISOString() };
    }
    case "channel_created": {
      const c = event.channel;
      return {
        event_type: "channel_created",
        event_id: event.eventId,
        channel_id: c.id,
        channel_type: c.type,
        ...(c.type === "direct" ? {} : { name: c.name }),
        created_by: c.createdBy,
        created_at: c.createdAt.toISOString(),
        ...(c.type === "public" ? {} : { members: [...c.members] }),
      };
    }
    case "member_added":
      return {
        event_type: "member_added",
        event_id: event.eventId,
        channel_id: event.channelId,
        user_id: event.userId,
        added_by: event.by,
        at: event.at.toISOString(),
      };
    case "member_removed":
      return {
        event_type: "member_removed",
        event_id: event.eventId,
        channel_id: event.channelId,
        user_id: event.userId,
        removed_by: event.by,
        at: event.at.toISOString(),
      };
    case "read_marked":
      return {
        event_type: "read_marked",
        event_id: event.eventId,
        channel_id: event.channelId,
        user_id: event.userId,
        message_id: event.messageId,
        unread_count: event.unreadCount,
        at: event.at.toISOString(),
      };
    default: {
      const unknown: never = event;
      throw new Error(`unhandled chat event ${JSON.stringify(unknown)}`);
    }
  }
}

/** What an instance hears on `chat.messages.*`. */
export type ChatEventReceived = MessageEvent | ChannelEventReceived | ReadMarked;

/** The domain event an envelope announces, through the domain's own smart constructors. */
export function fromEnvelope(event: ChatEvent): Result<ChatEventReceived, DecodeError> {
  const invalid = (message: string): Result<never, DecodeError> =>
    err({ kind: "invalid_event", eventType: event.event_type, message });
  switch (event.event_type) {
    case "message_sent": {
      const id = MessageId.parse(event.message_id);
      if (!id.ok) return invalid(id.error.message);
      const channelId = ChannelId.parse(event.channel_id);
      if (!channelId.ok) return invalid(channelId.error.message);
      const userId = UserId.parse(event.user_id);
      if (!userId.ok) return invalid(userId.error.message);
      const content = MessageContent.parse(event.content);
      if (!content.ok) return invalid(content.error.message);
      const clientId = event.client_id === undefined ? undefined : ClientId.parse(event.client_id);
      if (clientId !== undefined && !clientId.ok) return invalid(clientId.error.message);
      const replyTo = event.reply_to === undefined ? undefined : MessageId.parse(event.reply_to);
      if (replyTo !== undefined && !replyTo.ok) return invalid(replyTo.error.message);
      const mentions: UserId[] = [];
      for (const raw of event.mentions ?? []) {
        const id = UserId.parse(raw, "mentions");
        if (!id.ok) return invalid(id.error.message);
        mentions.push(id.value);
      }
      return ok({
        type: "message_sent",
        eventId: event.event_id,
        message: {
          id: id.value,
          channelId: channelId.value,
          userId: userId.value,
          content: content.value,
          timestamp: new Date(event.timestamp),
          ...(clientId === undefined ? {} : { clientId: clientId.value }),
          ...(replyTo === undefined ? {} : { replyTo: replyTo.value }),
          ...(mentions.length === 0 ? {} : { mentions }),
        },
      });
    }
    case "message_deleted": {
      const messageId = MessageId.parse(event.message_id);
      if (!messageId.ok) return invalid(messageId.error.message);
      const channelId = ChannelId.parse(event.channel_id);
      if (!channelId.ok) return invalid(channelId.error.message);
      return ok({
        type: "message_deleted",
        eventId: event.event_id,
        messageId: messageId.value,
        channelId: channelId.value,
        at: new Date(event.deleted_at),
      });
    }
    case "message_edited": {
      const messageId = MessageId.parse(event.message_id);
      if (!messageId.ok) return invalid(messageId.error.message);
      const channelId = ChannelId.parse(event.channel_id);
      if (!channelId.ok) return invalid(channelId.error.message);
      const content = MessageContent.parse(event.content);
      if (!content.ok) return invalid(content.error.message);
      return ok({
        type: "message_edited",
        eventId: event.event_id,
        messageId: messageId.value,
        channelId: channelId.value,
        content: content.value,
        editedAt: new Date(event.edited_at),
      });
    }
    case "reaction_added":
    case "reaction_removed": {
      const messageId = MessageId.parse(event.message_id);
      if (!messageId.ok) return invalid(messageId.error.message);
      const channelId = ChannelId.parse(event.channel_id);
      if (!channelId.ok) return invalid(channelId.error.message);
      const emoji = Emoji.parse(event.emoji);
      if (!emoji.ok) return invalid(emoji.error.message);
      const userId = UserId.parse(event.user_id);
      if (!userId.ok) return invalid(userId.error.message);
      return ok({
        type: event.event_type,
        eventId: event.event_id,
        channelId: channelId.value,
        reaction: { messageId: messageId.value, emoji: emoji.value, userId: userId.value },
        at: new Date(event.event_type === "reaction_added" ? event.reacted_at : event.removed_at),
      });
    }
    case "channel_created": {
      const channelId = ChannelId.parse(event.channel_id);
      if (!channelId.ok) return invalid(channelId.error.message);
      const createdBy = UserId.parse(event.created_by);
      if (!createdBy.ok) return invalid(createdBy.error.message);
      const members: UserId[] = [];
      for (const raw of event.members ?? []) {
        const member = UserId.parse(raw);
        if (!member.ok) return invalid(member.error.message);
        members.push(member.value);
      }
      return ok({
        type: "channel_created",
        eventId: event.event_id,
        channelId: channelId.value,
        channelType: event.channel_type,
        createdBy: createdBy.value,
        at: new Date(event.created_at),
        members,
      });
    }
    case "member_added":
    case "member_removed": {
      const channelId = ChannelId.parse(event.channel_id);
      if (!channelId.ok) return invalid(channelId.error.message);
      const userId = UserId.parse(event.user_id);
      if (!userId.ok) return invalid(userId.error.message);
      const by = UserId.parse(
        event.event_type === "member_added" ? event.added_by : event.removed_by,
      );
      if (!by.ok) return invalid(by.error.message);
      return ok({
        type: event.event_type,
        eventId: event.event_id,
        channelId: channelId.value,
        userId: userId.value,
        by: by.value,
        at: new Date(event.at),
      });
    }
    case "read_marked": {
      const channelId = ChannelId.parse(event.channel_id);
      if (!channelId.ok) return invalid(channelId.error.message);
      const userId = UserId.parse(event.user_id);
      if (!userId.ok) return invalid(userId.error.message);
      const messageId = MessageId.parse(event.message_id);
      if (!messageId.ok) return invalid(messageId.error.message);
      return ok({
        type: "read_marked",
        eventId: event.event_id,
        channelId: channelId.value,
        userId: userId.value,
        messageId: messageId.value,
        unreadCount: event.unread_count,
        at: new Date(event.at),
      });
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** A `chat.messages.*` record value as its domain event (see `fromEnvelope`). */
export const decodeChatEvent = decoderFor(
  [
    "message_sent",
    "message_deleted",
    "message_edited",
    "reaction_added",
    "reaction_removed",
    "channel_created",
    "member_added",
    "member_removed",
    "read_marked",
  ],
  fromEnvelope,
);

/**
 * The record an event becomes: its channel's shard topic, keyed by channel id (DESIGN §5), with
 * the users it is addressed to beyond the channel's subscribers in a header.
 */
export function toRecord(
  event: ChatEventSent,
): { topic: string; key: string; value: string; headers: Record<string, string> } {
  const channelId = event.type === "message_sent"
    ? event.message.channelId
    : event.type === "channel_created"
    ? event.channel.id
    : event.channelId;
  return {
    topic: chatMessagesTopic(channelId),
    key: channelId,
    value: encodeEvent(toEnvelope(event)),
    headers: { [CHAT_RECIPIENTS_HEADER]: recipientsOf(event) },
  };
}

/** Who gets a frame of the event whether or not they subscribe to its channel. */
function recipientsOf(event: ChatEventSent): string {
  switch (event.type) {
    case "message_sent": {
      const { mentions, userId } = event.message;
      return (mentions ?? []).filter((id) => id !== userId).join(",");
    }
    case "message_deleted":
    case "message_edited":
    case "reaction_added":
    case "reaction_removed":
      return "";
    case "channel_created":
      return event.channel.type === "public" ? EVERY_SOCKET : event.channel.members.join(",");
    case "member_added":
    case "member_removed":
    case "read_marked":
      return event.userId;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
