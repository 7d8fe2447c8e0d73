/**
 * What the user can do: the one object the views call. It owns the session and hands each
 * concern to its module in `chat/` (channel lists, usernames, conversations, live
 * subscriptions), which call the API and the socket and update the store; views redraw from
 * the store.
 */
import { type Api, ApiError, type Channel } from "./api.ts";
import { ChannelLists } from "./chat/channel_lists.ts";
import { Conversations } from "./chat/conversations.ts";
import { Guard, isUnauthorized, messageOf } from "./chat/guard.ts";
import { PresenceTracker } from "./chat/presence.ts";
import { Notifications, type NotificationState } from "./chat/notifications.ts";
import { Subscriptions } from "./chat/subscriptions.ts";
import { UserNames } from "./chat/users.ts";
import { clearSession, saveSession } from "./session_store.ts";
import type { Store } from "./state.ts";

/** What people search takes: 2–32 username characters. */
const USERNAME_PREFIX = /^[A-Za-z0-9_]{2,32}$/;

/** Reads seen within this long are sent as one mark per channel. */
const READ_BATCH_MS = 300;

export class Chat {
  readonly #pendingReads = new Map<string, string>();
  #readTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #guard: Guard;
  readonly #users: UserNames;
  readonly #lists: ChannelLists;
  readonly #conversations: Conversations;
  readonly #subscriptions: Subscriptions;
  readonly #presence: PresenceTracker;
  readonly #notifications: Notifications;

  constructor(private readonly store: Store, private readonly api: Api) {
    this.#guard = new Guard(store, (message) => this.logout(message));
    this.#users = new UserNames(store, api, this.#guard);
    this.#lists = new ChannelLists(store, api, this.#guard, this.#users);
    this.#conversations = new Conversations(store, api, this.#guard);
    this.#notifications = new Notifications(store, (channelId) => void this.open(channelId));
    this.#subscriptions = new Subscriptions(store, api, this.#guard, {
      loadNewest: (channelId) => this.#conversations.loadNewest(channelId),
      reconnected: async () => {
        this.#presence.reconnected();
        await Promise.all([this.#lists.loadMine(), this.#conversations.retryFailed()]);
      },
      refused: () => void this.#checkSession(),
      alert: (alert) => this.#notifications.show(alert),
      seen: (channelId, messageId) => this.#markRead(channelId, messageId),
      sidebar: (frame) => {
        switch (frame.type) {
          case "channel_added":
            void this.#added(frame.channel);
            return;
          case "channel_removed":
            this.#removed(frame.channel_id);
            return;
          case "channel_created":
            this.#lists.add(frame.channel);
            return;
          default: {
            const unknown: never = frame;
            return unknown;
          }
        }
      },
    });
    this.#presence = new PresenceTracker(store, api, this.#guard, this.#subscriptions);
    // Whoever the lists show is watched: DM partners and members of private channels.
    store.on("channels", () => this.#presence.watchChannels(store.myChannels));
  }

  // --- session -------------------------------------------------------------------------

  /** Logs in; the error's message for the form, or undefined on success. */
  async login(username: string, password: string): Promise<string | undefined> {
    try {
      const session = await this.api.login({ username, password });
      this.store.session = session;
      saveSession(session);
      void this.start();
      return undefined;
    } catch (error) {
      return messageOf(error);
    }
  }

  async register(username: string, email: string, password: string): Promise<string | undefined> {
    try {
      await this.api.register({ username, email_address: email, password });
    } catch (error) {
      return messageOf(error);
    }
    return await this.login(username, password);
  }

  /**
   * Starts the signed-in app: channel lists and the live connection; then the default channel
   * opens unless `openFirst` is false (a reload reopens the address's one).
   */
  async start(openFirst = true): Promise<void> {
    if (this.store.session === undefined) return;
    this.store.emit("session");
    this.#subscriptions.start();
    this.#presence.start();
    await this.refreshChannels();
    // Somewhere to write at once: the default channel (a public one among mine), whose composer
    // then has focus. Never a private or direct one: opening it would mark it read unseen.
    const first = this.store.myChannels.find((c) => c.type === "public");
    if (openFirst && this.store.selectedId === undefined && first !== undefined) {
      await this.open(first.id);
    }
  }

  /** Ends the session; a user's own logout also ends it on the server (`message` unset). */
  logout(message?: string): void {
    // Best effort: the token still works for this one call; a failure changes nothing here.
    const session = this.store.session;
    if (message === undefined && session !== undefined) {
      this.api.logout(session.token).catch(() => undefined);
    }
    this.#guard.nextEpoch();
    this.#subscriptions.stop();
    this.#presence.stop();
    this.#users.clear();
    this.#conversations.clear();
    clearSession();
    this.store.reset();
    this.store.setNotice(message === undefined ? undefined : { kind: "info", text: message });
    this.store.emit("session");
  }

  /** After a refused socket: a 401 from the API means the token expired. */
  async #checkSession(): Promise<void> {
    const me = this.store.me;
    if (me === undefined) return;
    try {
      await this.api.user(me);
    } catch (error) {
      if (isUnauthorized(error)) this.#guard.sessionExpired();
    }
  }

  // --- channels ------------------------------------------------------------------------

  /**
   * Someone added the caller to a channel or opened a DM with them: it joins the list, its
   * messages so far count as unread (unless it is open) and new ones arrive live.
   */
  async #added(channel: Channel): Promise<void> {
    const known = this.store.myChannels.some((c) => c.id === channel.id);
    this.#lists.add(channel, true);
    if (known) return;
    // Live first, then the history: a message sent meanwhile is in one or the other (or both,
    // merged by id), and each of the others' messages counts once.
    this.#subscriptions.follow(channel.id);
    await this.#guard.run(async () => {
      const conversation = this.store.conversation(channel.id);
      if (!conversation.loaded) await this.#conversations.loadNewest(channel.id);
      if (this.store.selectedId !== channel.id) {
        conversation.unread = conversation.messages.filter((m) => m.user_id !== this.store.me)
          .length;
        this.store.emit("channels");
      }
    }, { quiet: true });
  }

  /** The caller left or was removed: the channel leaves the list (and the screen). */
  #removed(channelId: string): void {
    const channel = this.store.myChannels.find((c) => c.id === channelId);
    this.#subscriptions.unfollow(channelId);
    this.#lists.remove(channelId);
    if (this.store.selectedId === channelId) {
      this.store.selectedId = undefined;
      this.store.emit("selection");
      if (channel?.name !== undefined) {
        this.store.setNotice({
          kind: "info",
          text: `You are no longer a member of ${channel.name}.`,
        });
      }
    }
  }

  /** Both lists again from their first page. */
  refreshChannels(): Promise<void> {
    return this.#lists.refresh();
  }

  /** The next page of public channels, by name. */
  loadMorePublic(): Promise<void> {
    return this.#lists.loadMorePublic();
  }

  /** Every public channel, so a filter by name sees them all (the API has no search). */
  loadAllPublic(): Promise<void> {
    return this.#lists.loadAllPublic();
  }

  async createChannel(
    type: "public" | "private",
    name: string,
    description: string,
  ): Promise<string | undefined> {
    return await this.#guard.form(async () => {
      const channel = await this.api.createChannel({
        channel_type: type,
        name,
        ...(description === "" ? {} : { description }),
      });
      this.#lists.add(channel);
      await this.open(channel.id);
    });
  }

  /** Usernames starting with `prefix` for an autocomplete (none under 2 characters). */
  async suggestUsers(prefix: string): Promise<{ id: string; username: string }[]> {
    if (!USERNAME_PREFIX.test(prefix)) return [];
    const found = await this.#guard.run(() => this.api.searchUsers(prefix), { quiet: true });
    for (const user of found ?? []) this.store.usernames.set(user.id, user.username);
    return found ?? [];
  }

  /** Opens the direct conversation with a user (by username), created on first use. */
  async startDirect(username: string): Promise<string | undefined> {
    return await this.#guard.form(async () => {
      const user = await this.#userNamed(username);
      if (user.id === this.store.me) {
        throw new ApiError(422, "self", "That is you. Pick someone else.");
      }
      const channel = await this.api.directChannel(user.id);
      this.#lists.add(channel);
      await this.open(channel.id);
    });
  }

  /** Adds a user (by username) to a private channel. */
  async addMember(channelId: string, username: string): Promise<string | undefined> {
    return await this.#guard.form(async () => {
      const user = await this.#userNamed(username);
      const channel = await this.api.addMember(channelId, user.id);
      this.#lists.add(channel);
    });
  }

  /** Removes a member (the creator) or leaves (yourself); leaving closes the conversation. */
  async removeMember(channelId: string, userId: string): Promise<void> {
    await this.#guard.run(async () => {
      await this.api.removeMember(channelId, userId);
      if (userId === this.store.me) {
        this.#subscriptions.unfollow(channelId);
        this.#lists.remove(channelId);
        if (this.store.selectedId === channelId) {
          this.store.selectedId = undefined;
          this.store.emit("selection");
        }
        return;
      }
      this.#lists.add(await this.api.channel(channelId));
    });
  }

  /** Usernames of a channel's members, from its member list (one request). */
  async loadMembers(channelId: string): Promise<void> {
    await this.#guard.run(async () => {
      for (const member of await this.api.members(channelId)) {
        if (member.username !== null) this.store.usernames.set(member.user_id, member.username);
      }
      this.store.emit("users");
    }, { quiet: true });
  }

  /** The user called exactly `username` (ignoring case), or a failure with a sentence. */
  async #userNamed(username: string): Promise<{ id: string; username: string }> {
    const wanted = username.trim().replace(/^@/, "");
    const nobody = new ApiError(404, "no_such_user", `Nobody is called “${wanted}”.`);
    if (!USERNAME_PREFIX.test(wanted)) throw nobody;
    const found = await this.api.searchUsers(wanted, 20);
    const user = found.find((u) => u.username.toLowerCase() === wanted.toLowerCase());
    if (user === undefined) throw nobody;
    this.store.usernames.set(user.id, user.username);
    return user;
  }

  /** The username of a user id, fetched once in the background (`users` fires). */
  lookUpUser(userId: string): void {
    this.#users.lookUp(userId);
  }

  // --- notifications -------------------------------------------------------------------

  get notifications(): NotificationState {
    return this.#notifications.state;
  }

  /** Turns browser notifications on (asks the browser's permission: call it from a click). */
  enableNotifications(): Promise<NotificationState> {
    return this.#notifications.enable();
  }

  disableNotifications(): void {
    this.#notifications.disable();
  }

  /** The tab is shown again: what I am looking at is read. */
  seen(): void {
    const id = this.store.selectedId;
    if (id === undefined) return;
    const conversation = this.store.conversation(id);
    if (conversation.mentions === 0 && conversation.unread === 0) return;
    conversation.mentions = 0;
    conversation.unread = 0;
    this.store.emit("channels");
  }

  // --- conversations -------------------------------------------------------------------

  /** Shows a channel: its newest messages, then live ones. */
  async open(channelId: string): Promise<void> {
    const id = channelId.toLowerCase();
    this.store.selectedId = id;
    const conversation = this.store.conversation(id);
    conversation.unread = 0;
    conversation.mentions = 0;
    this.store.emit("selection");
    await this.#guard.run(async () => {
      let channel = this.store.channel(id);
      if (channel === undefined) {
        channel = await this.api.channel(id);
        this.store.rememberChannels([channel]);
        this.store.emit("selection");
      }
      if (channel.type === "private") void this.loadMembers(id);
      if (channel.type !== "public") this.#users.lookUpMembers(channel);
      this.#presence.watchChannels([channel]);
      if (!conversation.loaded) await this.#conversations.loadNewest(id);
      this.#subscriptions.follow(id);
      const newest = this.store.newestId(id);
      if (newest !== undefined) this.#markRead(id, newest);
    });
  }

  /** The open channel is on screen: read up to its newest message. */
  readSelected(): void {
    const id = this.store.selectedId;
    const newest = id === undefined ? undefined : this.store.newestId(id);
    if (id === undefined || newest === undefined) return;
    this.store.conversation(id).unread = 0;
    this.store.emit("channels");
    this.#markRead(id, newest);
  }

  /** Tells the server the channel is read up to a message (batched: the newest per channel). */
  #markRead(channelId: string, messageId: string): void {
    this.#pendingReads.set(channelId, messageId);
    if (this.#readTimer !== undefined) return;
    this.#readTimer = setTimeout(() => {
      this.#readTimer = undefined;
      const reads = [...this.#pendingReads];
      this.#pendingReads.clear();
      for (const [channel, message] of reads) {
        void this.#guard.run(async () => {
          const state = await this.api.markRead(channel, message);
          if (this.store.selectedId !== channel) return;
          this.store.conversation(channel).unread = state.unread_count;
          this.store.emit("channels");
        }, { quiet: true });
      }
    }, READ_BATCH_MS);
  }

  /** The composer changed: others in the channel see "… is typing" (throttled). */
  typing(channelId: string): void {
    this.#presence.typing(channelId);
  }

  /** Scroll-back: the page before the oldest message shown. */
  loadOlder(channelId: string): Promise<void> {
    return this.#conversations.loadOlder(channelId);
  }

  send(channelId: string, content: string): Promise<void> {
    return this.#conversations.send(channelId, content);
  }

  /** Sends a failed message again; its `client_id` makes a duplicate impossible. */
  retry(channelId: string, clientId: string): Promise<void> {
    return this.#conversations.retry(channelId, clientId);
  }

  /** Edits one of my messages; the error's message, or undefined once it is saved. */
  async edit(channelId: string, messageId: string, content: string): Promise<string | undefined> {
    return await this.#guard.form(async () => {
      const edited = await this.api.edit(channelId, messageId, content);
      if (edited.edited_at !== null) {
        this.store.editMessage(channelId, messageId, edited.content, edited.edited_at);
      }
    });
  }

  /** Deletes one of my messages (the view asked for confirmation first). */
  async deleteMessage(channelId: string, messageId: string): Promise<void> {
    await this.#guard.run(async () => {
      await this.api.deleteMessage(channelId, messageId);
      this.store.removeMessage(channelId, messageId);
    });
  }

  /** The composer's next message in this channel answers `messageId` (undefined: none). */
  replyTo(channelId: string, messageId: string | undefined): void {
    this.store.conversation(channelId).replyTo = messageId;
    this.store.emit("conversation", channelId);
  }

  /** Adds or takes back my reaction; the count arrives with the reaction frame. */
  async react(channelId: string, messageId: string, emoji: string, on: boolean): Promise<void> {
    await this.#guard.run(() => this.api.react(channelId, messageId, emoji, on));
  }

  discard(channelId: string, clientId: string): void {
    this.#conversations.discard(channelId, clientId);
  }
}
