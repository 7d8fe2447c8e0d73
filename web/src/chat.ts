/**
 * What the user can do and what arrives live: the one place that calls the API and the
 * socket and updates the store. Views call these methods and redraw from the store.
 */
import { type Api, ApiError, type Channel, HISTORY_PAGE } from "./api.ts";
import { LiveSocket } from "./live.ts";
import { clearSession, saveSession } from "./session_store.ts";
import type { Outgoing, Store } from "./state.ts";
import type { ServerFrame } from "@chat-ts/client";

const PUBLIC_PAGE = 100;
const SEARCH_PAGE = 200;
const MAX_PAGES = 50;
const MY_CHANNELS_REFRESH_MS = 30_000;
const OLDER_RETRY_MS = 5_000;
const SESSION_EXPIRED = "Your session has ended. Please log in again.";

export class Chat {
  readonly #live: LiveSocket;
  /** Channels that should be live: every channel opened since login. */
  readonly #subscriptions = new Set<string>();
  /** Subscribed with nothing loaded to resume from: fetch the newest page once confirmed. */
  readonly #subscribedBlind = new Set<string>();
  readonly #lookingUp = new Set<string>();
  /** After a failed scroll-back, when to try again (the view asks again on every redraw). */
  readonly #olderRetryAt = new Map<string, number>();
  #refreshTimer: ReturnType<typeof setInterval> | undefined;
  #publicQueue: Promise<void> = Promise.resolve();
  /** Counts logouts: work begun for an earlier session drops its results and errors. */
  #epoch = 0;

  constructor(private readonly store: Store, private readonly api: Api) {
    this.#live = new LiveSocket(() => api.socketUrl(store.session?.token ?? ""), {
      onOpen: () => this.#resubscribe(),
      onFrame: (frame) => this.#onFrame(frame),
      onStatus: (status) => store.setConnection(status),
      // A socket refused before opening may mean the token expired (refusals are plain 401s
      // the browser does not show): ask the API, which says so.
      onClose: ({ opened }) => {
        if (!opened) void this.#checkSession();
      },
    });
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

  /** Starts the signed-in app: channel lists and the live connection. */
  async start(): Promise<void> {
    if (this.store.session === undefined) return;
    this.store.emit("session");
    this.#live.start();
    clearInterval(this.#refreshTimer);
    this.#refreshTimer = setInterval(
      () => void this.#guard(() => this.#loadMyChannels(), { quiet: true }),
      MY_CHANNELS_REFRESH_MS,
    );
    await this.refreshChannels();
  }

  logout(message?: string): void {
    this.#epoch++;
    this.#live.stop();
    clearInterval(this.#refreshTimer);
    this.#subscriptions.clear();
    this.#subscribedBlind.clear();
    this.#lookingUp.clear();
    this.#olderRetryAt.clear();
    clearSession();
    this.store.reset();
    this.store.setNotice(message === undefined ? undefined : { kind: "info", text: message });
    this.store.emit("session");
  }

  // --- channels ------------------------------------------------------------------------

  /** Both lists again from their first page. */
  async refreshChannels(): Promise<void> {
    await this.#guard(() =>
      Promise.all([
        this.#loadMyChannels(),
        this.#publicSerially(async () => {
          const first = await this.api.channels({ limit: PUBLIC_PAGE });
          this.store.rememberChannels(first);
          this.store.publicChannels = first;
          this.store.publicComplete = first.length < PUBLIC_PAGE;
        }),
      ])
    );
  }

  /** The next page of public channels, by name. */
  async loadMorePublic(): Promise<void> {
    await this.#guard(() => this.#publicSerially(() => this.#publicPages(1, PUBLIC_PAGE)));
  }

  /** Every public channel, so a filter by name sees them all (the API has no search). */
  async loadAllPublic(): Promise<void> {
    await this.#guard(() => this.#publicSerially(() => this.#publicPages(MAX_PAGES, SEARCH_PAGE)));
  }

  async createChannel(
    type: "public" | "private",
    name: string,
    description: string,
  ): Promise<string | undefined> {
    return await this.#formAction(async () => {
      const channel = await this.api.createChannel({
        channel_type: type,
        name,
        ...(description === "" ? {} : { description }),
      });
      this.#addToLists(channel);
      await this.open(channel.id);
    });
  }

  /** Opens the direct conversation with a user, created on first use. */
  async startDirect(userId: string): Promise<string | undefined> {
    return await this.#formAction(async () => {
      const channel = await this.api.directChannel(userId);
      this.#addToLists(channel);
      await this.open(channel.id);
    });
  }

  async addMember(channelId: string, userId: string): Promise<string | undefined> {
    return await this.#formAction(async () => {
      const channel = await this.api.addMember(channelId, userId);
      this.#addToLists(channel);
      this.lookUpUser(userId);
    });
  }

  /** The username of a user id, fetched once in the background (`users` fires). */
  lookUpUser(userId: string): void {
    if (this.store.usernames.has(userId) || this.#lookingUp.has(userId)) return;
    this.#lookingUp.add(userId);
    void this.#guard(async () => {
      try {
        const user = await this.api.user(userId);
        this.store.usernames.set(userId, user.username);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 404) throw error;
        this.store.usernames.set(userId, "deleted user");
      } finally {
        this.#lookingUp.delete(userId);
      }
      this.store.emit("users");
    }, { quiet: true });
  }

  // --- conversations -------------------------------------------------------------------

  /** Shows a channel: its newest messages, then live ones. */
  async open(channelId: string): Promise<void> {
    const id = channelId.toLowerCase();
    this.store.selectedId = id;
    const conversation = this.store.conversation(id);
    conversation.unread = 0;
    this.store.emit("selection");
    await this.#guard(async () => {
      let channel = this.store.channel(id);
      if (channel === undefined) {
        channel = await this.api.channel(id);
        this.store.rememberChannels([channel]);
        this.store.emit("selection");
      }
      if (channel.type === "direct") this.#lookUpMembers(channel);
      if (!conversation.loaded) await this.#loadNewest(id);
      if (!this.#subscriptions.has(id)) {
        this.#subscriptions.add(id);
        this.#subscribe(id);
      }
    });
  }

  /** Scroll-back: the page before the oldest message shown. */
  async loadOlder(channelId: string): Promise<void> {
    const conversation = this.store.conversation(channelId);
    if (!conversation.loaded || !conversation.hasOlder || conversation.loadingOlder) return;
    if (Date.now() < (this.#olderRetryAt.get(channelId) ?? 0)) return;
    const before = this.store.oldestId(channelId);
    conversation.loadingOlder = true;
    this.store.emit("conversation", channelId);
    await this.#guard(async () => {
      try {
        const page = await this.api.history(channelId, before);
        conversation.hasOlder = page.length >= HISTORY_PAGE;
        this.store.addMessages(channelId, page);
      } catch (error) {
        this.#olderRetryAt.set(channelId, Date.now() + OLDER_RETRY_MS);
        throw error;
      } finally {
        conversation.loadingOlder = false;
        this.store.emit("conversation", channelId);
      }
    });
  }

  async send(channelId: string, content: string): Promise<void> {
    if (content.trim() === "") return;
    const outgoing: Outgoing = { clientId: newClientId(), channelId, content, status: "sending" };
    this.store.conversation(channelId).outgoing.set(outgoing.clientId, outgoing);
    this.store.emit("conversation", channelId);
    await this.#deliver(outgoing);
  }

  /** Sends a failed message again; its `client_id` makes a duplicate impossible. */
  async retry(channelId: string, clientId: string): Promise<void> {
    const outgoing = this.store.conversation(channelId).outgoing.get(clientId);
    if (outgoing === undefined || outgoing.status !== "failed") return;
    outgoing.status = "sending";
    outgoing.error = undefined;
    this.store.emit("conversation", channelId);
    await this.#deliver(outgoing);
  }

  discard(channelId: string, clientId: string): void {
    this.store.conversation(channelId).outgoing.delete(clientId);
    this.store.emit("conversation", channelId);
  }

  // --- internals -----------------------------------------------------------------------

  async #deliver(outgoing: Outgoing): Promise<void> {
    const { channelId, clientId } = outgoing;
    try {
      const message = await this.api.send(channelId, outgoing.content, clientId);
      this.store.conversation(channelId).outgoing.delete(clientId);
      this.store.addMessages(channelId, [message]);
    } catch (error) {
      if (isUnauthorized(error)) return this.logout(SESSION_EXPIRED);
      outgoing.status = "failed";
      outgoing.error = messageOf(error);
    }
    this.store.emit("conversation", channelId);
  }

  async #loadNewest(channelId: string): Promise<void> {
    const conversation = this.store.conversation(channelId);
    const page = await this.api.history(channelId);
    conversation.loaded = true;
    conversation.hasOlder = page.length >= HISTORY_PAGE;
    this.store.addMessages(channelId, page);
    this.store.emit("conversation", channelId);
  }

  async #loadMyChannels(): Promise<void> {
    const mine: Channel[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const after = mine.at(-1);
      const next = await this.api.channels({
        member: true,
        limit: SEARCH_PAGE,
        ...(after === undefined ? {} : { after: sortKey(after) }),
      });
      mine.push(...next);
      if (next.length < SEARCH_PAGE) break;
    }
    this.store.rememberChannels(mine);
    this.store.myChannels = mine;
    for (const channel of mine) if (channel.type === "direct") this.#lookUpMembers(channel);
    this.store.emit("channels");
  }

  /**
   * Runs changes of the public list one after the other, so a refresh and the paging of a
   * search never interleave (pages continue from the list's last name).
   */
  #publicSerially(change: () => Promise<void>): Promise<void> {
    const run = this.#publicQueue.then(async () => {
      this.store.publicLoading = true;
      this.store.emit("channels");
      try {
        await change();
      } finally {
        this.store.publicLoading = false;
        this.store.emit("channels");
      }
    });
    this.#publicQueue = run.catch(() => {});
    return run;
  }

  async #publicPages(pages: number, limit: number): Promise<void> {
    const epoch = this.#epoch;
    for (let page = 0; page < pages && !this.store.publicComplete; page++) {
      const after = this.store.publicChannels.at(-1)?.name;
      const next = await this.api.channels({ limit, ...(after === undefined ? {} : { after }) });
      if (epoch !== this.#epoch) return;
      this.store.rememberChannels(next);
      const known = new Set(this.store.publicChannels.map((c) => c.id));
      this.store.publicChannels = [
        ...this.store.publicChannels,
        ...next.filter((c) => !known.has(c.id)),
      ];
      this.store.publicComplete = next.length < limit;
    }
  }

  #addToLists(channel: Channel): void {
    this.store.rememberChannels([channel]);
    const upsert = (list: Channel[]) =>
      [...list.filter((c) => c.id !== channel.id), channel].sort((a, b) =>
        sortKey(a) < sortKey(b) ? -1 : 1
      );
    if (channel.type === "public") {
      this.store.publicChannels = upsert(this.store.publicChannels);
    } else {
      this.store.myChannels = upsert(this.store.myChannels);
      if (channel.type === "direct") this.#lookUpMembers(channel);
    }
    this.store.emit("channels");
  }

  #lookUpMembers(channel: Channel): void {
    for (const member of channel.members ?? []) {
      if (member !== this.store.me) this.lookUpUser(member);
    }
  }

  #subscribe(channelId: string): void {
    const after = this.store.newestId(channelId);
    if (after === undefined) this.#subscribedBlind.add(channelId);
    else this.#subscribedBlind.delete(channelId);
    this.#live.send({
      type: "subscribe",
      channel_id: channelId,
      ref: `sub:${channelId}`,
      ...(after === undefined ? {} : { after }),
    });
  }

  /** A new socket: every open channel again, from the newest message this client has. */
  #resubscribe(): void {
    for (const channelId of this.#subscriptions) this.#subscribe(channelId);
    void this.#guard(() => this.#loadMyChannels(), { quiet: true });
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
          void this.#guard(() => this.#loadNewest(frame.channel_id), { quiet: true });
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
        const fresh = this.store.addMessages(message.channel_id, [message]);
        if (
          fresh.length > 0 && message.user_id !== this.store.me &&
          this.store.selectedId !== message.channel_id
        ) {
          conversation.unread++;
          this.store.emit("channels");
        }
        this.store.emit("conversation", message.channel_id);
        return;
      }
      case "message_deleted":
        this.store.removeMessage(frame.channel_id, frame.id);
        return;
      case "error":
        this.#onErrorFrame(frame);
        return;
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
      void this.#guard(() => this.#loadNewest(channelId), { quiet: true });
      return;
    }
    if (channelId !== undefined) {
      this.#subscriptions.delete(channelId);
      this.#subscribedBlind.delete(channelId);
    }
    this.store.setNotice({ kind: "error", text: frame.message });
  }

  async #checkSession(): Promise<void> {
    const me = this.store.me;
    if (me === undefined) return;
    try {
      await this.api.user(me);
    } catch (error) {
      if (isUnauthorized(error)) this.logout(SESSION_EXPIRED);
    }
  }

  /** Runs an action; a failure becomes a notice (unless `quiet`), a 401 a logout. */
  async #guard<T>(
    action: () => Promise<T>,
    options: { quiet?: boolean } = {},
  ): Promise<T | undefined> {
    const epoch = this.#epoch;
    try {
      return await action();
    } catch (error) {
      if (epoch !== this.#epoch) return undefined;
      if (isUnauthorized(error)) {
        this.logout(SESSION_EXPIRED);
      } else if (!options.quiet) {
        this.store.setNotice({ kind: "error", text: messageOf(error) });
      }
      if (!(error instanceof ApiError)) console.error(error);
      return undefined;
    }
  }

  /** A form's action: the error's message for the form, or undefined on success. */
  async #formAction(action: () => Promise<void>): Promise<string | undefined> {
    try {
      await action();
      return undefined;
    } catch (error) {
      if (isUnauthorized(error)) this.logout(SESSION_EXPIRED);
      if (!(error instanceof ApiError)) console.error(error);
      return messageOf(error);
    }
  }
}

/**
 * The key `GET /api/channels?member=me` orders and pages (`after`) by: the lower-case name,
 * and for a direct channel (no name) `~` and its id, so those come last.
 */
function sortKey(channel: Channel): string {
  return channel.name?.toLowerCase() ?? `~${channel.id}`;
}

function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

function messageOf(error: unknown): string {
  return error instanceof ApiError ? error.message : "Something went wrong. Please try again.";
}

/** A random `client_id` (crypto.randomUUID needs a secure context; this does not). */
function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
