/** Last seen in process (embedded mode, fast tests). */
import type { LastSeen, UserId } from "../../domain/presence/models.ts";
import type { LastSeenRepository } from "../../domain/presence/ports.ts";

export class InMemoryLastSeenRepository implements LastSeenRepository {
  readonly #rows = new Map<UserId, LastSeen>();
  /** How many times `save` was called: what the debounce saves. */
  saves = 0;

  save(entries: ReadonlyMap<UserId, LastSeen>): Promise<void> {
    this.saves++;
    for (const [id, at] of entries) {
      const held = this.#rows.get(id);
      if (held === undefined || held < at) this.#rows.set(id, at);
    }
    return Promise.resolve();
  }

  read(userIds: readonly UserId[]): Promise<Map<UserId, LastSeen>> {
    const found = new Map<UserId, LastSeen>();
    for (const id of userIds) {
      const at = this.#rows.get(id);
      if (at !== undefined) found.set(id, at);
    }
    return Promise.resolve(found);
  }
}
