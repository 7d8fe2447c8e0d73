/**
 * Presence as the client keeps it: the status of the users it shows (direct-conversation
 * partners, members of private channels), read over HTTP when they appear and every 30 s, with
 * `presence` frames in between; `typing` while the composer changes (at most one per 2 s per
 * channel) and `set_status` as the tab is hidden or shown.
 */
import type { Api, Channel } from "../api.ts";
import type { Store } from "../state.ts";
import type { Guard } from "./guard.ts";
import type { Subscriptions } from "./subscriptions.ts";

const REFRESH_MS = 30_000;
const TYPING_EVERY_MS = 2000;
const MAX_IDS = 200;

export class PresenceTracker {
  readonly #watched = new Set<string>();
  readonly #typedAt = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #onVisibility = () => this.#declare();

  constructor(
    private readonly store: Store,
    private readonly api: Api,
    private readonly guard: Guard,
    private readonly socket: Subscriptions,
  ) {}

  start(): void {
    clearInterval(this.#timer);
    this.#timer = setInterval(() => void this.refresh(), REFRESH_MS);
    document.addEventListener("visibilitychange", this.#onVisibility);
  }

  stop(): void {
    clearInterval(this.#timer);
    document.removeEventListener("visibilitychange", this.#onVisibility);
    this.#watched.clear();
    this.#typedAt.clear();
  }

  /** A new socket starts `online`: tell it if the tab is hidden; statuses may have changed. */
  reconnected(): void {
    if (document.visibilityState === "hidden") this.#declare();
    void this.refresh();
  }

  /** Watches the other people of these channels; reads the new ones' presence now. */
  watchChannels(channels: readonly Channel[]): void {
    const fresh: string[] = [];
    for (const channel of channels) {
      if (channel.type === "public") continue;
      for (const member of channel.members ?? []) {
        if (member === this.store.me || this.#watched.has(member)) continue;
        this.#watched.add(member);
        fresh.push(member);
      }
    }
    if (fresh.length > 0) void this.#read(fresh);
  }

  /** Everyone watched, again (in pages of 200). */
  async refresh(): Promise<void> {
    await this.#read([...this.#watched]);
  }

  /** The composer changed in a channel: one `typing` per 2 s at most. */
  typing(channelId: string): void {
    const now = Date.now();
    if (now - (this.#typedAt.get(channelId) ?? 0) < TYPING_EVERY_MS) return;
    this.#typedAt.set(channelId, now);
    this.socket.send({ type: "typing", channel_id: channelId });
  }

  #declare(): void {
    const status = document.visibilityState === "hidden" ? "away" : "online";
    this.socket.send({ type: "set_status", status });
  }

  async #read(userIds: readonly string[]): Promise<void> {
    for (let i = 0; i < userIds.length; i += MAX_IDS) {
      const page = userIds.slice(i, i + MAX_IDS);
      // Presence is a nicety: when presence-service is away, no dots, and no error banner.
      await this.guard.run(async () => {
        for (const p of await this.api.presence(page)) {
          this.store.setPresence(p.user_id, { status: p.status, lastSeen: p.last_seen });
        }
      }, { quiet: true });
    }
    // "last seen 3 min ago" ages even when nothing changed.
    this.store.emit("presence");
  }
}
