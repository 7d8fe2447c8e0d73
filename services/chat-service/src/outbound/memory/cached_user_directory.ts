/**
 * A bounded in-process cache in front of another directory: least recently
 * used entries go first, and entries expire. Unavailable answers are not
 * cached, so recovery shows at once.
 */
import type { UserId } from "../../domain/ids.ts";
import type { UserDirectory, UserLookup } from "../../domain/user/ports.ts";

export interface CacheOptions {
  readonly maxEntries: number;
  readonly ttlMs: number;
  /** Unknown users are re-asked sooner: they may just have registered. */
  readonly notFoundTtlMs: number;
  readonly now?: () => number;
}

export class CachedUserDirectory implements UserDirectory {
  readonly #entries = new Map<UserId, { lookup: UserLookup; expires: number }>();
  readonly #now: () => number;

  constructor(private readonly source: UserDirectory, private readonly options: CacheOptions) {
    this.#now = options.now ?? Date.now;
  }

  async lookup(userId: UserId): Promise<UserLookup> {
    const now = this.#now();
    const cached = this.#entries.get(userId);
    if (cached !== undefined) {
      this.#entries.delete(userId);
      if (cached.expires > now) {
        this.#entries.set(userId, cached); // most recently used goes last
        return cached.lookup;
      }
    }
    const lookup = await this.source.lookup(userId);
    if (lookup.status !== "unavailable") {
      const ttl = lookup.status === "found" ? this.options.ttlMs : this.options.notFoundTtlMs;
      this.#entries.set(userId, { lookup, expires: now + ttl });
      this.#evict();
    }
    return lookup;
  }

  #evict(): void {
    while (this.#entries.size > this.options.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  /** Drops one user. */
  forget(userId: UserId): void {
    this.#entries.delete(userId);
  }

  /** Takes a user event's word for a user, so a rename shows at once on this instance. */
  learn(userId: UserId, lookup: Exclude<UserLookup, { status: "unavailable" }>): void {
    const ttl = lookup.status === "found" ? this.options.ttlMs : this.options.notFoundTtlMs;
    this.#entries.delete(userId);
    this.#entries.set(userId, { lookup, expires: this.#now() + ttl });
    this.#evict();
  }

  get size(): number {
    return this.#entries.size;
  }
}
