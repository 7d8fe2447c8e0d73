/** Domain chat events as the `chat.messages.*` records of DESIGN §5. */
import type { ChatEvent } from "@chat-ts/shared/events";
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
