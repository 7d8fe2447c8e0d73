/**
 * What arrives live: the channels that should be live on the socket (subscribed again after
 * every reconnection, from a little before the newest message held: `Store.resumeFrom`) and the
 * server's frames into the store.
 */
import type { ServerFrame } from "@chat-ts/client";
import type { Api } from "../api.ts";
import { LiveSocket } from "../live.ts";
import { type Store, TYPING_SHOWN_MS } from "../state.ts";
import type { Guard } from "./guard.ts";

export interface SubscriptionHooks {
  /** Fetches a channel's newest page (after a blind subscribe or a truncated replay). */
  loadNewest(channelId: string): Promise<void>;
  /** A new socket is open: lists may have changed while it was down. */
  reconnected(): Promise<void>;
  /** The socket closed before it opened: perhaps the token expired. */
  refused(): void;
  /** A message arrived in the channel on screen: it has been seen. */
  seen(channelId: string, messageId: string): void;
  /** A sidebar frame: the caller's channel list changed (added, removed, a new public one). */
  sidebar(
    frame: Extract<ServerFrame, { type: "channel_added" | "channel_removed" | "channel_created" }>,
  ): void;
  /** Something the user may want a notification of (a mention, a direct message). */
  alert(alert: Alert): void;
}

/** A mention of me, or a direct message to me, as a notification shows it. */
export interface Alert {
  readonly kind: "mention" | "direct";
  readonly channelId: string;
  readonly messageId: string;
  readonly author: string | null;
  readonly text: string;
}

export class Subscriptions {
  readonly #live: LiveSocket;
  /** Channels that should be live: every channel opened since login. */
  readonly #channels = new Set<string>();
  /** Subscribed with nothing loaded to resume from: fetch the newest page once confirmed. */
  readonly #subscribedBlind = new Set<string>();

  constructor(
    private readonly store: Store,
    api: Api,
    private readonly guard: Guard,
    private readonly hooks: SubscriptionHooks,
  ) {
    this.#live = new LiveSocket(() => api.socketUrl(store.session?.token ?? ""), {
      onOpen: () => this.#resubscribe(),
      onFrame: (frame) => this.#onFrame(frame),
      onStatus: (status) => store.setConnection(status),
      // A socket refused before opening may mean the token expired (refusals are plain 401s
      // the browser does not show): the caller asks the API, which says so.
      onClose: ({ opened }) => {
        if (!opened) hooks.refused();
      },
    });
  }

  start(): void {
    this.#live.start();
  }

  /** A frame on the socket when it is open (typing, set_status); dropped otherwise. */
  send(frame: Parameters<LiveSocket["send"]>[0]): void {
    this.#live.send(frame);
  }

  /** Closes the socket and forgets every channel. */
  stop(): void {
    this.#live.stop();
    this.#channels.clear();
    this.#subscribedBlind.clear();
  }

  /** Keeps a channel live from now on. */
  follow(channelId: string): void {
    if (this.#channels.has(channelId)) return;
    this.#channels.add(channelId);
    this.#subscribe(channelId);
  }

  /** Stops a channel's frames (the caller is no longer a member). */
  unfollow(channelId: string): void {
    if (!this.#channels.delete(channelId)) return;
    this.#subscribedBlind.delete(channelId);
    this.store.conversation(channelId).live = false;
    this.#live.send({ type: "unsubscribe", channel_id: channelId });
  }

  #subscribe(channelId: string): void {
    const after = this.store.resumeFrom(channelId);
    if (after === undefined) this.#subscribedBlind.add(channelId);
    else this.#subscribedBlind.delete(channelId);
    this.#live.send({
      type: "subscribe",
      channel_id: channelId,
      ref: `sub:${channelId}`,
      ...(after === undefined ? {} : { after }),
    });
  }

  /** A new socket: every open channel again, from just before the newest message this client has. */
  #resubscribe(): void {
    for (const channelId of this.#channels) this.#subscribe(channelId);
    void this.guard.run(() => this.hooks.reconnected(), { quiet: true });
  }

  #onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case "subscribed": {
        const conversation = this.store.conversation(frame.channel_id);
        conversation.live = true;
        this.store.emit("conversation", frame.channel_id);
        // Subscribed with no `after`: anything sent between the history read and now is
        // fetched once; later messages arrive live. Duplicates drop by id.
        if (this.#subscribedBlind.delete(frame.channel_id) && conversation.loaded) {
          void this.guard.run(() => this.hooks.loadNewest(frame.channel_id), { quiet: true });
        }
        return;
      }
      case "unsubscribed":
      case "pong":
        return;
      case "new_message": {
        const { type: _type, ...message } = frame;
        const conversation = this.store.conversation(message.channel_id);
        if (message.client_id !== undefined && message.user_id === this.store.me) {
          conversation.outgoing.delete(message.client_id);
        }
        // Their message is what they were typing.
        this.store.setTyping(message.channel_id, message.user_id, null, null);
        const fresh = this.store.addMessages(message.channel_id, [message]);
        if (fresh.length > 0 && message.user_id !== this.store.me) {
          if (this.store.selectedId !== message.channel_id || document.hidden) {
            conversation.unread++;
            this.store.emit("channels");
          } else {
            this.hooks.seen(message.channel_id, message.id);
          }
        }
        if (
          fresh.length > 0 && message.user_id !== this.store.me &&
          this.store.channel(message.channel_id)?.type === "direct"
        ) {
          this.hooks.alert({
            kind: "direct",
            channelId: message.channel_id,
            messageId: message.id,
            author: message.username,
            text: message.content,
          });
        }
        this.store.emit("conversation", message.channel_id);
        return;
      }
      case "message_deleted":
        this.store.removeMessage(frame.channel_id, frame.id);
        return;
      case "message_edited":
        this.store.editMessage(frame.channel_id, frame.id, frame.content, frame.edited_at);
        return;
      case "reaction_added":
      case "reaction_removed":
        this.store.setReaction(
          frame.channel_id,
          frame.message_id,
          frame.emoji,
          frame.count,
          frame.user_id === this.store.me ? frame.type === "reaction_added" : undefined,
        );
        return;
      case "error":
        this.#onErrorFrame(frame);
        return;
      case "presence":
        this.store.setPresence(frame.user_id, { status: frame.status, lastSeen: frame.last_seen });
        return;
      case "channel_added":
      case "channel_removed":
      case "channel_created":
        this.hooks.sidebar(frame);
        return;
      case "read": {
        // Read here or on another device: the server's count after the marker.
        const conversation = this.store.conversation(frame.channel_id);
        conversation.unread = frame.unread_count;
        this.store.emit("channels");
        return;
      }
      case "typing": {
        const until = Date.now() + TYPING_SHOWN_MS;
        this.store.setTyping(frame.channel_id, frame.user_id, frame.username, until);
        // Redraw once it lapses, unless a newer frame extended it.
        setTimeout(() => this.store.emit("typing", frame.channel_id), TYPING_SHOWN_MS + 50);
        return;
      }
      case "mention": {
        // Counted unless I am reading that channel now.
        if (this.store.selectedId !== frame.channel_id || document.hidden) {
          this.store.conversation(frame.channel_id).mentions++;
          this.store.emit("channels");
        }
        this.hooks.alert({
          kind: "mention",
          channelId: frame.channel_id,
          messageId: frame.message_id,
          author: frame.username,
          text: frame.preview,
        });
        return;
      }
      default: {
        const unknown: never = frame;
        return unknown;
      }
    }
  }

  #onErrorFrame(frame: Extract<ServerFrame, { type: "error" }>): void {
    const channelId = frame.ref?.startsWith("sub:") ? frame.ref.slice(4) : undefined;
    if (channelId !== undefined && frame.code === "replay_truncated") {
      // More was missed than the server replays: start again from the newest page; older
      // messages are in the history, by scrolling back.
      const conversation = this.store.conversation(channelId);
      conversation.messages = [];
      conversation.loaded = false;
      void this.guard.run(() => this.hooks.loadNewest(channelId), { quiet: true });
      return;
    }
    if (channelId !== undefined) {
      this.#channels.delete(channelId);
      this.#subscribedBlind.delete(channelId);
    }
    this.store.setNotice({ kind: "error", text: frame.message });
  }
}
