/**
 * The client's state, one object, and change notifications by topic so each view redraws
 * only what it shows. Messages are kept per channel, de-duplicated by id and ordered by time.
 */
import type { Channel, Message, Session } from "./api.ts";
import { compareMessages } from "./timeuuid.ts";

/** How far back a subscription resumes from the newest message held (see `Store.resumeFrom`). */
export const RESUME_OVERLAP_MS = 10_000;

export type ConnectionStatus = "offline" | "connecting" | "online" | "reconnecting";

/** A message typed here and not yet confirmed by the server. */
export interface Outgoing {
  readonly clientId: string;
  readonly channelId: string;
  readonly content: string;
  /** The message it answers. */
  readonly replyTo?: string;
  status: "sending" | "failed";
  error?: string;
}

export interface Conversation {
  readonly channelId: string;
  /** Oldest first, one entry per id. */
  messages: Message[];
  /** The newest page has been fetched (older pages load on scroll). */
  loaded: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  /** Subscribed on the current socket: new messages arrive live. */
  live: boolean;
  readonly outgoing: Map<string, Outgoing>;
  unread: number;
  /** Messages mentioning me that arrived while I was not reading the channel. */
  mentions: number;
  /** The message the composer's next message answers. */
  replyTo?: string;
}

export interface Notice {
  readonly kind: "error" | "info";
  readonly text: string;
}

export type Topic =
  | "session"
  | "channels"
  | "selection"
  | "conversation"
  | "connection"
  | "notice"
  | "users"
  | "presence"
  | "typing";

export type PresenceStatus = "online" | "away" | "offline";

export interface UserPresence {
  readonly status: PresenceStatus;
  /** RFC 3339, when offline; null otherwise or when never seen. */
  readonly lastSeen: string | null;
}

/** How long "… is typing" shows without a new typing frame. */
export const TYPING_SHOWN_MS = 5000;

type Listener = (detail: string | undefined) => void;

export class Store {
  session: Session | undefined;
  publicChannels: Channel[] = [];
  /** Every page of public channels has been fetched. */
  publicComplete = false;
  publicLoading = false;
  myChannels: Channel[] = [];
  selectedId: string | undefined;
  connection: ConnectionStatus = "offline";
  notice: Notice | undefined;
  /** user id → username, for direct channels. */
  readonly usernames = new Map<string, string>();
  /** user id → presence, for the users shown (DM partners, members). */
  readonly presence = new Map<string, UserPresence>();
  /** channel id → user id → { username, until (ms since epoch) }: who is typing there. */
  readonly typing = new Map<string, Map<string, { username: string | null; until: number }>>();
  /** Channels known by id from any source (lists, creation, direct conversations). */
  readonly #channels = new Map<string, Channel>();
  readonly #conversations = new Map<string, Conversation>();
  readonly #listeners = new Map<Topic, Set<Listener>>();

  on(topic: Topic, listener: Listener): () => void {
    let set = this.#listeners.get(topic);
    if (set === undefined) this.#listeners.set(topic, set = new Set());
    set.add(listener);
    return () => set.delete(listener);
  }

  emit(topic: Topic, detail?: string): void {
    for (const listener of this.#listeners.get(topic) ?? []) listener(detail);
  }

  get me(): string | undefined {
    return this.session?.user.id;
  }

  channel(id: string): Channel | undefined {
    return this.#channels.get(id);
  }

  rememberChannels(channels: readonly Channel[]): void {
    for (const channel of channels) this.#channels.set(channel.id, channel);
  }

  conversation(channelId: string): Conversation {
    let conversation = this.#conversations.get(channelId);
    if (conversation === undefined) {
      conversation = {
        channelId,
        messages: [],
        loaded: false,
        hasOlder: true,
        loadingOlder: false,
        live: false,
        outgoing: new Map(),
        unread: 0,
        mentions: 0,
      };
      this.#conversations.set(channelId, conversation);
    }
    return conversation;
  }

  conversations(): IterableIterator<Conversation> {
    return this.#conversations.values();
  }

  /** Adds messages not seen yet; returns those that are new. */
  addMessages(channelId: string, incoming: readonly Message[]): Message[] {
    const conversation = this.conversation(channelId);
    const known = new Set(conversation.messages.map((m) => m.id));
    const fresh = incoming.filter((m) => {
      if (known.has(m.id)) return false;
      known.add(m.id);
      return true;
    });
    if (fresh.length > 0) {
      conversation.messages = [...conversation.messages, ...fresh].sort(compareMessages);
      this.emit("conversation", channelId);
    }
    return fresh;
  }

  removeMessage(channelId: string, messageId: string): void {
    const conversation = this.conversation(channelId);
    const before = conversation.messages.length;
    conversation.messages = conversation.messages.filter((m) => m.id !== messageId);
    if (conversation.messages.length !== before) this.emit("conversation", channelId);
  }

  /** Applies an edit unless the message holds a later one (a replay may repeat a live edit). */
  editMessage(channelId: string, messageId: string, content: string, editedAt: string): void {
    const conversation = this.conversation(channelId);
    let changed = false;
    conversation.messages = conversation.messages.map((m) => {
      if (m.id !== messageId || (m.edited_at !== null && m.edited_at >= editedAt)) return m;
      changed = true;
      return { ...m, content, edited_at: editedAt };
    });
    if (changed) this.emit("conversation", channelId);
  }

  /**
   * A reaction frame: the emoji's count as the server counted it; `me` when the
   * frame was about my own reaction (undefined: someone else's, mine unchanged).
   */
  setReaction(
    channelId: string,
    messageId: string,
    emoji: string,
    count: number,
    me?: boolean,
  ): void {
    const conversation = this.conversation(channelId);
    let changed = false;
    conversation.messages = conversation.messages.map((m) => {
      if (m.id !== messageId) return m;
      changed = true;
      const known = m.reactions.find((r) => r.emoji === emoji);
      const next = { emoji, count, me: me ?? known?.me ?? false };
      const reactions = known === undefined
        ? [...m.reactions, next]
        : m.reactions.map((r) => r.emoji === emoji ? next : r);
      return { ...m, reactions: reactions.filter((r) => r.count > 0) };
    });
    if (changed) this.emit("conversation", channelId);
  }

  newestId(channelId: string): string | undefined {
    return this.#conversations.get(channelId)?.messages.at(-1)?.id;
  }

  /**
   * `after` for a subscription that must not miss a message: live order is the order sends were
   * recorded, not their ids' order (docs/websocket.md), so a message with an older id may be
   * broadcast after the newest one held. Resuming from the newest message at least `overlapMs`
   * older than the newest (or from the oldest held) makes the replay repeat a few, which
   * `addMessages` drops by id, and never skip one.
   */
  resumeFrom(channelId: string, overlapMs = RESUME_OVERLAP_MS): string | undefined {
    const messages = this.#conversations.get(channelId)?.messages ?? [];
    const newest = messages.at(-1);
    if (newest === undefined) return undefined;
    const until = Date.parse(newest.timestamp) - overlapMs;
    for (let i = messages.length - 1; i >= 0; i--) {
      if (Date.parse(messages[i].timestamp) <= until) return messages[i].id;
    }
    return messages[0].id;
  }

  oldestId(channelId: string): string | undefined {
    return this.#conversations.get(channelId)?.messages[0]?.id;
  }

  setPresence(userId: string, presence: UserPresence): void {
    const held = this.presence.get(userId);
    if (held?.status === presence.status && held.lastSeen === presence.lastSeen) return;
    this.presence.set(userId, presence);
    this.emit("presence", userId);
  }

  /** `username` typing in a channel until `until`; null `until` clears it (they sent a message). */
  setTyping(channelId: string, userId: string, username: string | null, until: number | null) {
    let typing = this.typing.get(channelId);
    if (typing === undefined) this.typing.set(channelId, typing = new Map());
    if (until === null) {
      if (!typing.delete(userId)) return;
    } else {
      typing.set(userId, { username, until });
    }
    this.emit("typing", channelId);
  }

  /** Usernames typing in a channel now. */
  typingIn(channelId: string, now = Date.now()): string[] {
    const typing = this.typing.get(channelId);
    if (typing === undefined) return [];
    const names: string[] = [];
    for (const [userId, { username, until }] of typing) {
      if (until <= now) typing.delete(userId);
      else names.push(username ?? this.usernames.get(userId) ?? "Someone");
    }
    return names;
  }

  setNotice(notice: Notice | undefined): void {
    this.notice = notice;
    this.emit("notice");
  }

  setConnection(status: ConnectionStatus): void {
    if (this.connection === status) return;
    this.connection = status;
    if (status !== "online") {
      for (const conversation of this.#conversations.values()) conversation.live = false;
    }
    this.emit("connection");
  }

  /** Forgets everything of the previous user. */
  reset(): void {
    this.session = undefined;
    this.publicChannels = [];
    this.publicComplete = false;
    this.publicLoading = false;
    this.myChannels = [];
    this.selectedId = undefined;
    this.usernames.clear();
    this.presence.clear();
    this.typing.clear();
    this.#channels.clear();
    this.#conversations.clear();
    this.connection = "offline";
  }
}
