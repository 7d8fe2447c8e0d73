/**
 * The WebSocket side of one chat-service instance: accepts authenticated
 * sockets, keeps the connection registry, and turns chat events from Kafka
 * into frames for local subscribers (serialised once per event).
 */
import type { ChatEvent } from "@chat-ts/shared/events";
import type { Caller } from "@chat-ts/shared/http";
import type { Logger } from "@chat-ts/shared/logger";
import type { ChannelService } from "../../domain/channel/service.ts";
import type { ChannelId, MessageId, UserId } from "../../domain/ids.ts";
import type { ClientId, MessageContent } from "../../domain/message/models.ts";
import type { MessageService } from "../../domain/message/service.ts";
import { CLOSE_GOING_AWAY, Connection, type ConnectionLimits } from "./connection.ts";
import { newMessageFrame } from "./frames.ts";
import { Hub } from "./hub.ts";

export class WebSocketGateway {
  readonly hub = new Hub();
  readonly #connections = new Set<Connection>();

  constructor(
    private readonly deps: {
      channels: ChannelService;
      messages: MessageService;
      limits: ConnectionLimits;
      logger: Logger;
    },
  ) {}

  accept(socket: WebSocket, caller: Caller): void {
    const connection = new Connection(socket, caller, {
      hub: this.hub,
      channels: this.deps.channels,
      messages: this.deps.messages,
      limits: this.deps.limits,
      logger: this.deps.logger,
      onClose: (c) => this.#connections.delete(c),
    });
    this.#connections.add(connection);
  }

  get idleTimeoutSeconds(): number {
    return this.deps.limits.idleTimeoutSeconds;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Delivers one chat event from Kafka to this instance's subscribers. */
  async deliver(event: ChatEvent): Promise<void> {
    switch (event.event_type) {
      case "message_sent": {
        if (!this.hub.hasSubscribers(event.channel_id)) return;
        const view = await this.deps.messages.withUsername({
          id: event.message_id as MessageId,
          channelId: event.channel_id as ChannelId,
          userId: event.user_id as UserId,
          content: event.content as MessageContent,
          timestamp: new Date(event.timestamp),
          ...(event.client_id === undefined ? {} : { clientId: event.client_id as ClientId }),
        });
        this.hub.deliver(event.channel_id, {
          kind: "new_message",
          messageId: event.message_id,
          text: JSON.stringify(newMessageFrame(view)),
        });
        return;
      }
      case "message_deleted":
        this.hub.deliver(event.channel_id, {
          kind: "message_deleted",
          messageId: event.message_id,
          text: JSON.stringify({
            type: "message_deleted",
            id: event.message_id,
            channel_id: event.channel_id,
          }),
        });
        return;
      case "channel_created":
        return;
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  }

  /** Graceful shutdown: every client is told the server is going away (1001). */
  closeAll(): void {
    for (const connection of [...this.#connections]) {
      connection.close(CLOSE_GOING_AWAY, "server shutting down");
    }
  }
}
