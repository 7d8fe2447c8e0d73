/** Usernames of user ids the client shows (direct channels, members), fetched once each. */
import { type Api, ApiError, type Channel } from "../api.ts";
import type { Store } from "../state.ts";
import type { Guard } from "./guard.ts";

export class UserNames {
  readonly #lookingUp = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly api: Api,
    private readonly guard: Guard,
  ) {}

  /** The username of a user id, fetched once in the background (`users` fires). */
  lookUp(userId: string): void {
    if (this.store.usernames.has(userId) || this.#lookingUp.has(userId)) return;
    this.#lookingUp.add(userId);
    void this.guard.run(async () => {
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

  /** The other members of a channel (a direct channel is labelled by them). */
  lookUpMembers(channel: Channel): void {
    for (const member of channel.members ?? []) {
      if (member !== this.store.me) this.lookUp(member);
    }
  }

  clear(): void {
    this.#lookingUp.clear();
  }
}
