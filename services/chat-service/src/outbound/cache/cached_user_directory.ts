/**
 * A bounded in-process cache in front of another directory: least recently
 * used entries go first, and entries expire. Unavailable answers are not
 * cached, so recovery shows at once.
 *
 * Every message sent and every message delivered asks for its sender's name,
 * so an entry expiring must not stall a busy channel: an expired entry is
 * still answered while one refresh runs in the background, and concurrent
 * misses for one user share a single lookup. Renames reach the cache through
 * user events (`learn`) without waiting for expiry.
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
  /** Lookups in flight, one per user. */
  readonly #pending = new Map<UserId, Promise<UserLookup>>();
  readonly #now: () => number;

  constructor(private readonly source: UserDirectory, private readonly options: CacheOptions) {
    this.#now = options.now ?? Date.now;
  }

  lookup(userId: UserId): Promise<UserLookup> {
    const cached = this.#entries.get(userId);
    if (cached === undefined) return this.#fetch(userId);
    this.#entries.delete(userId);
    this.#entries.set(userId, cached); // most recently used goes last
    if (cached.expires <= this.#now()) void this.#fetch(userId); // answered stale meanwhile
    return Promise.resolve(cached.lookup);
  }

  /**
   * Asks the source once per user at a time and caches what it says, unless
   * a user event (`learn`, `forget`) came in meanwhile: that is newer.
   */
  #fetch(userId: UserId): Promise<UserLookup> {
    const inFlight = this.#pending.get(userId);
    if (inFlight !== undefined) return inFlight;
    const asked = this.#now();
    const lookup: Promise<UserLookup> = this.source.lookup(userId)
      // A background refresh has no caller to report to; it must not reject unobserved.
      .catch((): UserLookup => ({ status: "unavailable" }))
      .then((answer) => {
        if (this.#pending.get(userId) !== lookup) return answer;
        this.#pending.delete(userId);
        if (answer.status !== "unavailable") this.#store(userId, answer, asked);
        return answer;
      });
    this.#pending.set(userId, lookup);
    return lookup;
  }

  #store(userId: UserId, lookup: Exclude<UserLookup, { status: "unavailable" }>, at: number) {
    const ttl = lookup.status === "found" ? this.options.ttlMs : this.options.notFoundTtlMs;
    this.#entries.delete(userId);
    this.#entries.set(userId, { lookup, expires: at + ttl });
    this.#evict();
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
    this.#pending.delete(userId);
  }

  /** Takes a user event's word for a user, so a rename shows at once on this instance. */
  learn(userId: UserId, lookup: Exclude<UserLookup, { status: "unavailable" }>): void {
    this.#pending.delete(userId);
    this.#store(userId, lookup, this.#now());
  }

  get size(): number {
    return this.#entries.size;
  }
}
