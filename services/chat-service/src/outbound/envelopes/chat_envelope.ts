/**
 * Domain chat events as the `chat.messages.*` records of DESIGN §5, and back:
 * the one translation between the two, used by the Kafka and the in-process
 * adapters alike.
 */
import {
  CHAT_RECIPIENTS_HEADER,
  ChatEvent,
  chatMessagesTopic,
  type DecodeError,
  decodeFields,
  decoderFor,
  encodeEvent,
  EVERY_SOCKET,
  type ParsedFields,
} from "@chat-ts/shared/events";
import { ok, type Result } from "@chat-ts/shared/result";
import type {
  ChannelCreated,
  ChannelEventReceived,
  MembershipEvent,
} from "../../domain/channel/events.ts";
import { ChannelId, MessageId, UserId } from "../../domain/ids.ts";
import type { ValidationError } from "../../domain/validation.ts";
import type { ReadMarked } from "../../domain/read/events.ts";
import type { MessageEvent } from "../../domain/message/events.ts";
import { ClientId, MessageContent } from "../../domain/message/models.ts";
import { Emoji } from "../../domain/message/reactions.ts";

/** Every event chat-service records on `chat.messages.*`. */
export type ChatEventSent = MessageEvent | ChannelCreated | MembershipEvent | ReadMarked;

/** An envelope's `aboutMessage` fields (shared/events): the message, and its channel. */
const aboutMessageOf = (messageId: MessageId, channelId: ChannelId) => ({
  message_id: messageId,
  channel_id: channelId,
});

/** An envelope's `userInChannel` fields (shared/events). */
const userInChannelOf = (event: { channelId: ChannelId; userId: UserId }) => ({
  channel_id: event.channelId,
  user_id: event.userId,
});

export function toEnvelope(event: ChatEventSent): ChatEvent {
  const eventId = event.eventId;
  switch (event.type) {
    case "message_sent": {
      const m = event.message;
      return {
        event_type: "message_sent",
        event_id: eventId,
        ...aboutMessageOf(m.id, m.channelId),
        user_id: m.userId,
        content: m.content,
        timestamp: m.timestamp.toISOString(),
        ...(m.clientId === undefined ? {} : { client_id: m.clientId }),
        ...(m.replyTo === undefined ? {} : { reply_to: m.replyTo }),
        ...(m.mentions === undefined ? {} : { mentions: [...m.mentions] }),
      };
    }
    case "message_deleted": {
      const about = aboutMessageOf(event.messageId, event.channelId);
      const deletedAt = event.at.toISOString();
      return { event_type: "message_deleted", event_id: eventId, ...about, deleted_at: deletedAt };
    }
    case "message_edited": {
      const edit = { ...aboutMessageOf(event.messageId, event.channelId), content: event.content };
      const editedAt = event.editedAt.toISOString();
      return { event_type: "message_edited", event_id: eventId, ...edit, edited_at: editedAt };
    }
    case "reaction_added":
    case "reaction_removed": {
      const { messageId, emoji, userId } = event.reaction;
      const base = {
        event_id: eventId,
        ...aboutMessageOf(messageId, event.channelId),
        emoji,
        user_id: userId,
      };
      return event.type === "reaction_added"
        ? { event_type: "reaction_added", ...base, reacted_at: event.at.toISOString() }
        : { event_type: "reaction_removed", ...base, removed_at: event.at.toISOString() };
    }
    case "channel_created": {
      const c = event.channel;
      return {
        event_type: "channel_created",
        event_id: eventId,
        channel_id: c.id,
        channel_type: c.type,
        ...(c.type === "direct" ? {} : { name: c.name }),
        created_by: c.createdBy,
        created_at: c.createdAt.toISOString(),
        ...(c.type === "public" ? {} : { members: [...c.members] }),
      };
    }
    case "member_added":
    case "member_removed": {
      const base = { event_id: eventId, ...userInChannelOf(event) };
      const at = event.at.toISOString();
      return event.type === "member_added"
        ? { event_type: "member_added", ...base, added_by: event.by, at }
        : { event_type: "member_removed", ...base, removed_by: event.by, at };
    }
    case "read_marked": {
      const marker = { ...userInChannelOf(event), message_id: event.messageId };
      const at = event.at.toISOString();
      return {
        event_type: "read_marked",
        event_id: eventId,
        ...marker,
        unread_count: event.unreadCount,
        at,
      };
    }
    default: {
      const unknown: never = event;
      throw new Error(`unhandled chat event ${JSON.stringify(unknown)}`);
    }
  }
}

/** What an instance hears on `chat.messages.*`. */
export type ChatEventReceived = MessageEvent | ChannelEventReceived | ReadMarked;

/** The ids of an event about a message (the schemas' `aboutMessage` fields), to be parsed. */
const aboutMessage = (event: { message_id: string; channel_id: string }) => ({
  messageId: MessageId.parse(event.message_id),
  channelId: ChannelId.parse(event.channel_id),
});

/** The ids of an event about a user in a channel (the schemas' `userInChannel`), to be parsed. */
const userInChannel = (event: { channel_id: string; user_id: string }) => ({
  channelId: ChannelId.parse(event.channel_id),
  userId: UserId.parse(event.user_id),
});

/** A list of user ids: all of them, or the first one refused. */
function userIdsOf(raw: readonly string[], field?: string): Result<UserId[], ValidationError> {
  const ids: UserId[] = [];
  for (const id of raw) {
    const parsed = UserId.parse(id, field);
    if (!parsed.ok) return parsed;
    ids.push(parsed.value);
  }
  return ok(ids);
}

/**
 * A domain event as most envelopes announce one: the envelope's tag and id, its fields through
 * the smart constructors, then the rest as given.
 */
function received<T extends ChatEvent["event_type"], F extends ParsedFields, R>(
  event: { readonly event_type: T; readonly event_id: string },
  fields: F,
  rest: R,
) {
  const values = decodeFields(event.event_type, fields);
  if (!values.ok) return values;
  return ok({ type: event.event_type, eventId: event.event_id, ...values.value, ...rest });
}

/** The domain event an envelope announces, through the domain's own smart constructors. */
export function fromEnvelope(event: ChatEvent): Result<ChatEventReceived, DecodeError> {
  switch (event.event_type) {
    case "message_sent": {
      const mentions = event.mentions === undefined || event.mentions.length === 0
        ? undefined
        : userIdsOf(event.mentions, "mentions");
      const message = decodeFields(event.event_type, {
        id: MessageId.parse(event.message_id),
        channelId: ChannelId.parse(event.channel_id),
        userId: UserId.parse(event.user_id),
        content: MessageContent.parse(event.content),
        clientId: event.client_id === undefined ? undefined : ClientId.parse(event.client_id),
        replyTo: event.reply_to === undefined ? undefined : MessageId.parse(event.reply_to),
        mentions,
      });
      if (!message.ok) return message;
      const timestamp = new Date(event.timestamp);
      return received(event, {}, { message: { ...message.value, timestamp } });
    }
    case "message_deleted":
      return received(event, aboutMessage(event), { at: new Date(event.deleted_at) });
    case "message_edited": {
      const content = MessageContent.parse(event.content);
      return received(event, { ...aboutMessage(event), content }, {
        editedAt: new Date(event.edited_at),
      });
    }
    case "reaction_added":
    case "reaction_removed": {
      const fields = decodeFields(event.event_type, {
        ...aboutMessage(event),
        emoji: Emoji.parse(event.emoji),
        userId: UserId.parse(event.user_id),
      });
      if (!fields.ok) return fields;
      const { channelId, ...reaction } = fields.value;
      const at = new Date(
        event.event_type === "reaction_added" ? event.reacted_at : event.removed_at,
      );
      return received(event, {}, { channelId, reaction, at });
    }
    case "channel_created": {
      const channel = {
        channelId: ChannelId.parse(event.channel_id),
        createdBy: UserId.parse(event.created_by),
        members: userIdsOf(event.members ?? []),
      };
      const at = new Date(event.created_at);
      return received(event, channel, { channelType: event.channel_type, at });
    }
    case "member_added":
    case "member_removed": {
      const by = UserId.parse(
        event.event_type === "member_added" ? event.added_by : event.removed_by,
      );
      return received(event, { ...userInChannel(event), by }, { at: new Date(event.at) });
    }
    case "read_marked": {
      const marker = { ...userInChannel(event), messageId: MessageId.parse(event.message_id) };
      return received(event, marker, { unreadCount: event.unread_count, at: new Date(event.at) });
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** A `chat.messages.*` record value as its domain event (see `fromEnvelope`). */
export const decodeChatEvent = decoderFor(ChatEvent, fromEnvelope);

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
