/** One channel's messages: the newest page, scroll-back, and sending with retry. */
import { type Api, HISTORY_PAGE } from "../api.ts";
import type { Outgoing, Store } from "../state.ts";
import { type Guard, isUnauthorized, messageOf } from "./guard.ts";

const OLDER_RETRY_MS = 5_000;

export class Conversations {
  /** After a failed scroll-back, when to try again (the view asks again on every redraw). */
  readonly #olderRetryAt = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly api: Api,
    private readonly guard: Guard,
  ) {}

  /** The newest page of a channel, merged with what is shown (duplicates drop by id). */
  async loadNewest(channelId: string): Promise<void> {
    const conversation = this.store.conversation(channelId);
    const page = await this.api.history(channelId);
    conversation.loaded = true;
    conversation.hasOlder = page.length >= HISTORY_PAGE;
    this.store.addMessages(channelId, page);
    this.store.emit("conversation", channelId);
  }

  /** Scroll-back: the page before the oldest message shown. */
  async loadOlder(channelId: string): Promise<void> {
    const conversation = this.store.conversation(channelId);
    if (!conversation.loaded || !conversation.hasOlder || conversation.loadingOlder) return;
    if (Date.now() < (this.#olderRetryAt.get(channelId) ?? 0)) return;
    const before = this.store.oldestId(channelId);
    conversation.loadingOlder = true;
    this.store.emit("conversation", channelId);
    await this.guard.run(async () => {
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

  /** Sends `content`, as a reply when the composer holds one (which it then lets go). */
  async send(channelId: string, content: string): Promise<void> {
    if (content.trim() === "") return;
    const conversation = this.store.conversation(channelId);
    const replyTo = conversation.replyTo;
    conversation.replyTo = undefined;
    const outgoing: Outgoing = {
      clientId: newClientId(),
      channelId,
      content,
      status: "sending",
      ...(replyTo === undefined ? {} : { replyTo }),
    };
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

  /** Back online: every failed send again, each with its own `client_id` (so at most once). */
  async retryFailed(): Promise<void> {
    const failed = [...this.store.conversations()].flatMap((c) =>
      [...c.outgoing.values()].filter((o) => o.status === "failed")
    );
    for (const outgoing of failed) await this.retry(outgoing.channelId, outgoing.clientId);
  }

  discard(channelId: string, clientId: string): void {
    this.store.conversation(channelId).outgoing.delete(clientId);
    this.store.emit("conversation", channelId);
  }

  clear(): void {
    this.#olderRetryAt.clear();
  }

  async #deliver(outgoing: Outgoing): Promise<void> {
    const { channelId, clientId } = outgoing;
    try {
      const message = await this.api.send(channelId, outgoing.content, clientId, outgoing.replyTo);
      this.store.conversation(channelId).outgoing.delete(clientId);
      this.store.addMessages(channelId, [message]);
    } catch (error) {
      if (isUnauthorized(error)) return this.guard.sessionExpired();
      outgoing.status = "failed";
      outgoing.error = messageOf(error);
    }
    this.store.emit("conversation", channelId);
  }
}

/** A random `client_id` (crypto.randomUUID needs a secure context; this does not). */
function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
