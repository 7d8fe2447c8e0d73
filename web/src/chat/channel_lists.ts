/**
 * The sidebar's two lists: the caller's channels and the public channels by name, paged in on
 * demand. The server's sidebar frames keep both current (no polling); they are read again
 * after a reconnect.
 */
import type { Api, Channel } from "../api.ts";
import type { Store } from "../state.ts";
import type { Guard } from "./guard.ts";
import type { UserNames } from "./users.ts";

const PUBLIC_PAGE = 100;
const SEARCH_PAGE = 200;
const MAX_PAGES = 50;
export class ChannelLists {
  #publicQueue: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly api: Api,
    private readonly guard: Guard,
    private readonly users: UserNames,
  ) {}

  /** Both lists again from their first page. */
  async refresh(): Promise<void> {
    await this.guard.run(() =>
      Promise.all([
        this.loadMine(),
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
    await this.guard.run(() => this.#publicSerially(() => this.#publicPages(1, PUBLIC_PAGE)));
  }

  /** Every public channel, so a filter by name sees them all (the API has no search). */
  async loadAllPublic(): Promise<void> {
    await this.guard.run(() =>
      this.#publicSerially(() => this.#publicPages(MAX_PAGES, SEARCH_PAGE))
    );
  }

  /** Every channel the caller belongs to, page after page. */
  async loadMine(): Promise<void> {
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
    // Badges are the server's unread state (shared by every device of the user).
    for (const channel of mine) {
      if (channel.unread_count === undefined || channel.id === this.store.selectedId) continue;
      this.store.conversation(channel.id).unread = channel.unread_count;
    }
    for (const channel of mine) if (channel.type === "direct") this.users.lookUpMembers(channel);
    this.store.emit("channels");
  }

  /**
   * A channel created, joined or opened by the caller, in its list at its place by name; a
   * public one the caller joined (`mine`: the default channel) is among their own.
   */
  add(channel: Channel, mine = channel.type !== "public"): void {
    this.store.rememberChannels([channel]);
    const upsert = (list: Channel[]) =>
      [...list.filter((c) => c.id !== channel.id), channel].sort((a, b) =>
        sortKey(a) < sortKey(b) ? -1 : 1
      );
    if (channel.type === "public") {
      this.store.publicChannels = upsert(this.store.publicChannels);
    }
    if (mine) {
      this.store.myChannels = upsert(this.store.myChannels);
      if (channel.type === "direct") this.users.lookUpMembers(channel);
    }
    this.store.emit("channels");
  }

  /** A channel the caller left or was removed from (or that was deleted). */
  remove(channelId: string): void {
    this.store.myChannels = this.store.myChannels.filter((c) => c.id !== channelId);
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
    const epoch = this.guard.epoch;
    for (let page = 0; page < pages && !this.store.publicComplete; page++) {
      const after = this.store.publicChannels.at(-1)?.name;
      const next = await this.api.channels({ limit, ...(after === undefined ? {} : { after }) });
      if (epoch !== this.guard.epoch) return;
      this.store.rememberChannels(next);
      const known = new Set(this.store.publicChannels.map((c) => c.id));
      this.store.publicChannels = [
        ...this.store.publicChannels,
        ...next.filter((c) => !known.has(c.id)),
      ];
      this.store.publicComplete = next.length < limit;
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
