/** Domain chat events as the `chat.messages.*` records of DESIGN §5. */
import {
  type ChatEvent,
  chatMessagesTopic,
  type DecodeError,
  decodeEvent,
  encodeEvent,
} from "@chat-ts/shared/events";
import { ok, type Result } from "@chat-ts/shared/result";
import type { ChannelCreated } from "../../domain/channel/events.ts";
import type { MessageEvent } from "../../domain/message/events.ts";

export function toEnvelope(event: MessageEvent | ChannelCreated): ChatEvent {
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
      };
    }
    default: {
      const unknown: never = event;
      throw new Error(`unhandled chat event ${JSON.stringify(unknown)}`);
    }
  }
}

/** A `chat.messages.*` record value: the chat event, null for another event type, or why it is unreadable. */
export function decodeChatEvent(
  value: Uint8Array | string | null | undefined,
): Result<ChatEvent | null, DecodeError> {
  const decoded = decodeEvent(value);
  if (!decoded.ok) return decoded;
  const event = decoded.value;
  switch (event.event_type) {
    case "message_sent":
    case "message_deleted":
    case "channel_created":
      return ok(event);
    default:
      return ok(null);
  }
}

/** The record an event becomes: its channel's shard topic, keyed by channel id (DESIGN §5). */
export function toRecord(
  event: MessageEvent | ChannelCreated,
): { topic: string; key: string; value: string } {
  const channelId = event.type === "message_sent"
    ? event.message.channelId
    : event.type === "message_deleted"
    ? event.channelId
    : event.channel.id;
  return {
    topic: chatMessagesTopic(channelId),
    key: channelId,
    value: encodeEvent(toEnvelope(event)),
  };
}
