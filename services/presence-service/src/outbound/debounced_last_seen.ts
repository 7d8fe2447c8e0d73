/**
 * Last seen written behind: transitions only record the newest time per user, and one batch is
 * written every `flushMs`, so a user who flaps between offline and online costs one row write
 * per interval, and a burst of transitions one statement. A failed write keeps its entries for
 * the next flush. Reads see what is not written yet.
 */
import type { Logger } from "@chat-ts/shared/logger";
import type { LastSeen, UserId } from "../domain/presence/models.ts";
import type { LastSeenRepository } from "../domain/presence/ports.ts";

export class DebouncedLastSeen implements LastSeenRepository {
  #pending = new Map<UserId, LastSeen>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly inner: LastSeenRepository,
    private readonly options: { readonly flushMs: number; readonly logger: Logger },
  ) {}

  start(): void {
    this.#timer ??= setInterval(() => void this.flush(), this.options.flushMs);
  }

  save(entries: ReadonlyMap<UserId, LastSeen>): Promise<void> {
    for (const [id, at] of entries) {
      const held = this.#pending.get(id);
      if (held === undefined || held < at) this.#pending.set(id, at);
    }
    return Promise.resolve();
  }

  async read(userIds: readonly UserId[]): Promise<Map<UserId, LastSeen>> {
    const found = await this.inner.read(userIds);
    for (const id of userIds) {
      const pending = this.#pending.get(id);
      const held = found.get(id);
      if (pending !== undefined && (held === undefined || held < pending)) found.set(id, pending);
    }
    return found;
  }

  /** Writes what is pending (one statement); resolves when written or kept for the next try. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      if (this.#pending.size === 0) return;
      const batch = this.#pending;
      this.#pending = new Map();
      try {
        await this.inner.save(batch);
      } catch (error) {
        this.options.logger.warn("writing last seen failed; retrying", {
          error,
          users: batch.size,
        });
        await this.save(batch);
      }
    });
    return this.#flushing;
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
