/**
 * In-process user store for fast domain tests (the embedded mode runs the Postgres store on PGlite). A
 * transaction works on copies and publishes them only when it succeeds.
 */
import { err, ok, type Result } from "@chat-ts/shared/result";
import type { UserEvent } from "../../domain/user/events.ts";
import type { User, UserId } from "../../domain/user/models.ts";
import type {
  UniquenessConflict,
  UserRepository,
  UserStore,
  UserTransaction,
} from "../../domain/user/ports.ts";

export class MemoryUserStore implements UserStore {
  #users = new Map<UserId, User>();
  /** Appended events in commit order, for tests to inspect. */
  readonly events: UserEvent[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  readonly users: UserRepository = repositoryOver(() => this.#users);

  transaction<T, E>(work: (tx: UserTransaction) => Promise<Result<T, E>>): Promise<Result<T, E>> {
    // Transactions run one at a time, like serialisable ones.
    const run = this.#queue.then(async () => {
      const draft = new Map(this.#users);
      const pending: UserEvent[] = [];
      const result = await work({
        users: repositoryOver(() => draft),
        outbox: { append: (event) => Promise.resolve(void pending.push(event)) },
      });
      if (result.ok) {
        this.#users = draft;
        this.events.push(...pending);
      }
      return result;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function repositoryOver(users: () => Map<UserId, User>): UserRepository {
  const conflictWith = (user: User): UniquenessConflict | undefined => {
    for (const other of users().values()) {
      if (other.id === user.id) continue;
      if (other.username.toLowerCase() === user.username.toLowerCase()) return "username_taken";
      if (other.email === user.email) return "email_taken";
    }
    return undefined;
  };
  const write = (user: User): Result<User, UniquenessConflict> => {
    const conflict = conflictWith(user);
    if (conflict !== undefined) return err(conflict);
    users().set(user.id, user);
    return ok(user);
  };
  return {
    findById: (id) => Promise.resolve(users().get(id)),
    findByUsername: (username) =>
      Promise.resolve(
        [...users().values()].find((u) => u.username.toLowerCase() === username.toLowerCase()),
      ),
    insert: (user) => Promise.resolve(users().has(user.id) ? err("username_taken") : write(user)),
    update: (user) => Promise.resolve(write(user)),
    delete: (id) => Promise.resolve(users().delete(id)),
  };
}
