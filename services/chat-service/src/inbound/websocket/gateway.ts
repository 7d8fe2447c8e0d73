/**
 * The WebSocket side of one chat-service instance: accepts authenticated
 * sockets, keeps the connection registry, and turns the message events this
 * instance reads into frames for local subscribers (serialised once per event).
 */
import { EVERY_SOCKET } from "@chat-ts/shared/events";
import type { Caller } from "@chat-ts/shared/http";
import type { ConnectionSlots } from "@chat-ts/shared/limits";
import type { Logger } from "@chat-ts/shared/logger";
import type { ChannelService } from "../../domain/channel/service.ts";
import type { ChannelId, UserId } from "../../domain/ids.ts";
import type { ChannelEventReceived } from "../../domain/channel/events.ts";
import type { MessageEvent } from "../../domain/message/events.ts";
import type { Message, MessageView } from "../../domain/message/models.ts";
import type { ReadMarked } from "../../domain/read/events.ts";
import type { ReadService } from "../../domain/read/service.ts";
import type { MessageService } from "../../domain/message/service.ts";
import { CLOSE_GOING_AWAY, CLOSE_POLICY, Connection, type ConnectionLimits } from "./connection.ts";
import { frames, outgoing } from "./frames.ts";
import { Hub } from "./hub.ts";
import { DEDUPE_WINDOW, RecentIds } from "./recent_ids.ts";
import type { LivePresence } from "./presence.ts";
import { SocketTraffic } from "./traffic.ts";

export class WebSocketGateway {
  readonly hub: Hub;
  readonly #connections = new Set<Connection>();
  /** The same connections by user, for frames addressed to a user (mentions, session ends). */
  readonly #byUser = new Map<UserId, Set<Connection>>();
  /** Messages whose mentions this instance notified lately (see `#mentionedHere`). */
  readonly #mentionsSent = new RecentIds(DEDUPE_WINDOW);
  #closing = false;
  /** What the sockets of this instance sent and received (metrics). */
  readonly traffic = new SocketTraffic();

  constructor(
    private readonly deps: {
      channels: ChannelService;
      messages: MessageService;
      limits: ConnectionLimits;
      /** Open sockets per user where the cap must hold (Redis across instances, or here). */
      slots: ConnectionSlots;
      logger: Logger;
      /** Read markers (`mark_read` frames); absent: none. */
      reads?: ReadService;
      /** Built over this gateway's hub (see `hub`); absent: no presence or typing. */
      presence?: (hub: Hub) => LivePresence;
    },
  ) {
    this.hub = new Hub(deps.limits.dedupeWindow);
    this.presence = deps.presence?.(this.hub);
  }

  readonly presence: LivePresence | undefined;

  /** Takes a slot (`acquireSlot` gave it) that `accept`'s socket gives back when it closes. */
  accept(socket: WebSocket, caller: Caller<UserId>): void {
    if (this.#closing) {
      // Shutting down: a client reconnecting here is told to go elsewhere, as the others were.
      socket.onopen = () => socket.close(CLOSE_GOING_AWAY, "server shutting down");
      void this.releaseSlot(caller.userId);
      return;
    }
    const connection = new Connection(socket, caller, {
      hub: this.hub,
      channels: this.deps.channels,
      messages: this.deps.messages,
      limits: this.deps.limits,
      logger: this.deps.logger,
      traffic: this.traffic,
      onClose: (c) => {
        if (!this.#connections.delete(c)) return;
        const mine = this.#byUser.get(c.caller.userId);
        mine?.delete(c);
        if (mine?.size === 0) this.#byUser.delete(c.caller.userId);
        void this.releaseSlot(c.caller.userId);
      },
      presence: this.presence,
      ...(this.deps.reads === undefined ? {} : { reads: this.deps.reads }),
    });
    this.#connections.add(connection);
    this.traffic.opened++;
    const mine = this.#byUser.get(caller.userId) ?? new Set();
    mine.add(connection);
    this.#byUser.set(caller.userId, mine);
    this.presence?.opened(connection);
  }

  /** Takes one of the user's socket slots; false when they already have as many as they may. */
  acquireSlot(userId: string): Promise<boolean> {
    return this.deps.slots.acquire(userId);
  }

  /** Gives back a slot no socket will hold (the upgrade did not happen, or the socket closed). */
  releaseSlot(userId: string): Promise<void> {
    return this.deps.slots.release(userId).catch((error) =>
      this.deps.logger.warn("releasing a connection slot failed", { error, user_id: userId })
    );
  }

  get idleTimeoutSeconds(): number {
    return this.deps.limits.idleTimeoutSeconds;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /**
   * Whether a chat event, known only by its record's key (the channel id) and recipients header
   * (`CHAT_RECIPIENTS_HEADER`), could give a frame to a socket here: decoding it costs far more
   * than this check, and most records of a large deployment concern no socket of one instance.
   * Without the header (an older producer) the event is decoded.
   */
  wants(
    channelKey: Uint8Array | string | null | undefined,
    recipients: string | undefined,
  ): boolean {
    if (channelKey === undefined || channelKey === null || recipients === undefined) return true;
    if (this.hub.hasSubscribersOfKey(channelKey)) return true;
    if (recipients === "") return false;
    if (recipients === EVERY_SOCKET) return this.#connections.size > 0;
    const byUser: ReadonlyMap<string, unknown> = this.#byUser;
    if (byUser.size === 0) return false;
    for (const userId of recipients.split(",")) {
      if (byUser.has(userId)) return true;
    }
    return false;
  }

  /** Delivers one chat event to this instance's subscribers of its channel. */
  async deliver(event: MessageEvent | ChannelEventReceived | ReadMarked): Promise<void> {
    switch (event.type) {
      case "message_sent": {
        const { channelId } = event.message;
        const mentioned = this.#mentionedHere(event.message);
        const subscribed = this.hub.hasSubscribers(channelId);
        if (!subscribed && mentioned.length === 0) return;
        const view = await this.deps.messages.withUsername(event.message);
        if (subscribed) {
          const sockets = this.hub.deliver(channelId, outgoing(frames.newMessage(view)));
          // With the sending request's id (the record's header), on each delivering instance.
          this.deps.logger.debug("message delivered", {
            channel_id: channelId,
            message_id: event.message.id,
            sockets,
          });
        }
        await this.#notifyMentioned(view, mentioned);
        return;
      }
      case "message_deleted":
        this.hub.deliver(
          event.channelId,
          outgoing(frames.messageDeleted(event.messageId, event.channelId)),
        );
        return;
      case "message_edited":
        this.hub.deliver(
          event.channelId,
          outgoing(frames.messageEdited(event)),
        );
        return;
      case "reaction_added":
      case "reaction_removed": {
        if (!this.hub.hasSubscribers(event.channelId)) return;
        // Counted at delivery, from the store: the last frame of a burst of
        // concurrent reactions carries the exact count, whatever their order.
        const { messageId, emoji } = event.reaction;
        const count = await this.deps.messages.reactionCount(event.channelId, messageId, emoji);
        this.hub.deliver(
          event.channelId,
          outgoing(frames.reaction(event.type, event.channelId, event.reaction, count)),
        );
        return;
      }
      // The sidebar's frames: to users' sockets whatever they subscribed to.
      case "channel_created": {
        if (event.channelType !== "public") {
          await this.#added(event.channelId, event.members);
          return;
        }
        if (this.#connections.size === 0) return;
        const channel = await this.deps.channels.find(event.channelId);
        if (channel === undefined) return;
        const text = JSON.stringify(frames.channelCreated(channel));
        for (const connection of this.#connections) connection.notify(text);
        return;
      }
      case "member_added":
        await this.#added(event.channelId, [event.userId]);
        return;
      case "read_marked": {
        const text = JSON.stringify(frames.read(event));
        for (const connection of this.#connectionsOf(event.userId)) connection.notify(text);
        return;
      }
      case "member_removed": {
        const text = JSON.stringify(frames.channelRemoved(event.channelId));
        for (const connection of this.#connectionsOf(event.userId)) {
          connection.drop(event.channelId);
          connection.notify(text);
        }
        return;
      }
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  }

  /** `channel_added` to the sockets here of `users`, with the channel as it is now. */
  async #added(channelId: ChannelId, users: readonly UserId[]): Promise<void> {
    const targets = users.flatMap((userId) => this.#connectionsOf(userId));
    if (targets.length === 0) return;
    const channel = await this.deps.channels.find(channelId);
    // Gone meanwhile, or the user left again before this was read: nothing to add. (A public
    // channel, the default one, lists no members: anyone may read it.)
    if (channel === undefined) return;
    const text = JSON.stringify(frames.channelAdded(channel));
    for (const connection of targets) {
      if (channel.type === "public" || channel.members.includes(connection.userId)) {
        connection.notify(text);
      }
    }
  }

  /** The user's sockets here, as a copy (a frame may close or change one). */
  #connectionsOf(userId: UserId): Connection[] {
    return [...this.#byUser.get(userId) ?? []];
  }

  /**
   * The mentioned users (the author aside) with a socket here, unless this
   * instance already told them about this message (live delivery is at least once).
   */
  #mentionedHere(message: Message): UserId[] {
    const here = (message.mentions ?? []).filter((id) =>
      id !== message.userId && this.#byUser.has(id)
    );
    if (here.length === 0 || this.#mentionsSent.seen(message.id)) return [];
    return here;
  }

  /**
   * A `mention` frame on every socket of each mentioned user who still may read the
   * channel (a member removed since the send is not told), subscribed to it or not.
   */
  async #notifyMentioned(view: MessageView, users: readonly UserId[]): Promise<void> {
    if (users.length === 0) return;
    const allowed = new Set<UserId>();
    await Promise.all(users.map(async (userId) => {
      if ((await this.deps.channels.accessible(userId, view.channelId)).ok) allowed.add(userId);
    }));
    if (allowed.size === 0) return;
    const text = JSON.stringify(frames.mention(view));
    for (const userId of allowed) {
      for (const connection of this.#connectionsOf(userId)) connection.notify(text);
    }
  }

  /**
   * Closes the sockets of an ended session (or of every session of the user), 1008
   * `session_ended`; returns how many.
   */
  endSessions(end: { readonly userId: UserId; readonly sessionId?: string }): number {
    let closed = 0;
    for (const connection of this.#connectionsOf(end.userId)) {
      const { caller } = connection;
      if (end.sessionId !== undefined && caller.sessionId !== end.sessionId) continue;
      connection.close(CLOSE_POLICY, "session_ended");
      closed++;
    }
    return closed;
  }

  /** Graceful shutdown: every client is told the server is going away (1001), also later ones. */
  closeAll(): void {
    this.#closing = true;
    for (const connection of [...this.#connections]) {
      connection.close(CLOSE_GOING_AWAY, "server shutting down");
    }
  }
}
