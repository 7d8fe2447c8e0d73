/**
 * The WebSocket side of one chat-service instance: accepts authenticated
 * sockets, keeps the connection registry, and turns the message events this
 * instance reads into frames for local subscribers (serialised once per event).
 */
import type { Caller } from "@chat-ts/shared/http";
import type { Logger } from "@chat-ts/shared/logger";
import type { ChannelService } from "../../domain/channel/service.ts";
import type { UserId } from "../../domain/ids.ts";
import type { ChannelCreatedNotice } from "../../domain/channel/events.ts";
import type { MessageEvent } from "../../domain/message/events.ts";
import type { MessageService } from "../../domain/message/service.ts";
import { CLOSE_GOING_AWAY, Connection, type ConnectionLimits } from "./connection.ts";
import { frames, outgoing } from "./frames.ts";
import { Hub } from "./hub.ts";

export class WebSocketGateway {
  readonly hub = new Hub();
  readonly #connections = new Set<Connection>();
  #closing = false;

  constructor(
    private readonly deps: {
      channels: ChannelService;
      messages: MessageService;
      limits: ConnectionLimits;
      logger: Logger;
    },
  ) {}

  accept(socket: WebSocket, caller: Caller<UserId>): void {
    if (this.#closing) {
      // Shutting down: a client reconnecting here is told to go elsewhere, as the others were.
      socket.onopen = () => socket.close(CLOSE_GOING_AWAY, "server shutting down");
      return;
    }
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

  /** Delivers one chat event to this instance's subscribers of its channel. */
  async deliver(event: MessageEvent | ChannelCreatedNotice): Promise<void> {
    switch (event.type) {
      case "message_sent": {
        const { channelId } = event.message;
        if (!this.hub.hasSubscribers(channelId)) return;
        const view = await this.deps.messages.withUsername(event.message);
        this.hub.deliver(channelId, outgoing(frames.newMessage(view)));
        return;
      }
      case "message_deleted":
        this.hub.deliver(
          event.channelId,
          outgoing(frames.messageDeleted(event.messageId, event.channelId)),
        );
        return;
      case "channel_created":
        return;
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  }

  /** Graceful shutdown: every client is told the server is going away (1001), also later ones. */
  closeAll(): void {
    this.#closing = true;
    for (const connection of [...this.#connections]) {
      connection.close(CLOSE_GOING_AWAY, "server shutting down");
    }
  }
}
