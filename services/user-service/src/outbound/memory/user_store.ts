/**
 * In-process user store for fast domain tests (the embedded mode runs the Postgres store on PGlite). A
 * transaction works on copies and publishes them only when it succeeds.
 */
import { err, ok, type Result } from "@chat-ts/shared/result";
import type { UserEvent } from "../../domain/user/events.ts";
import type { SessionId, User, UserId } from "../../domain/user/models.ts";
import type {
  SessionRecord,
  SessionRepository,
  UniquenessConflict,
  UserRepository,
  UserStore,
  UserTransaction,
} from "../../domain/user/ports.ts";

interface SessionState {
  sessions: Map<SessionId, SessionRecord>;
  /** Refresh-token hash → its session and when it was used. */
  refresh: Map<string, { sessionId: SessionId; usedAt?: Date }>;
}

const copy = (state: SessionState): SessionState => ({
  sessions: new Map(state.sessions),
  refresh: new Map([...state.refresh].map(([k, v]) => [k, { ...v }])),
});

export class MemoryUserStore implements UserStore {
  #users = new Map<UserId, User>();
  #sessions: SessionState = { sessions: new Map(), refresh: new Map() };
  readonly sessions: SessionRepository = sessionsOver(() => this.#sessions, () => this.#users);
  /** Appended events in commit order, for tests to inspect. */
  readonly events: UserEvent[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  readonly users: UserRepository = repositoryOver(() => this.#users);

  transaction<T, E>(work: (tx: UserTransaction) => Promise<Result<T, E>>): Promise<Result<T, E>> {
    // Transactions run one at a time, like serialisable ones.
    const run = this.#queue.then(async () => {
      const draft = new Map(this.#users);
      const sessionDraft = copy(this.#sessions);
      const pending: UserEvent[] = [];
      const result = await work({
        users: repositoryOver(() => draft),
        sessions: sessionsOver(() => sessionDraft, () => draft),
        outbox: { append: (event) => Promise.resolve(void pending.push(event)) },
      });
      if (result.ok) {
        this.#users = draft;
        this.#sessions = sessionDraft;
        this.events.push(...pending);
      }
      return result;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** Byte order of ASCII usernames, as Postgres' `~<~` compares them. */
const compareBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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
    searchByUsername: (prefix, limit) =>
      Promise.resolve(
        [...users().values()]
          .filter((u) => u.username.toLowerCase().startsWith(prefix))
          .sort((a, b) => compareBytes(a.username.toLowerCase(), b.username.toLowerCase()))
          .slice(0, limit)
          .map((u) => ({ id: u.id, username: u.username })),
      ),
    insert: (user) => Promise.resolve(users().has(user.id) ? err("username_taken") : write(user)),
    update: (user) => Promise.resolve(write(user)),
    delete: (id) => Promise.resolve(users().delete(id)),
  };
}

function sessionsOver(
  state: () => SessionState,
  users: () => Map<UserId, User>,
): SessionRepository {
  // A deleted user's sessions go with them (on delete cascade in Postgres).
  const live = (id: SessionId) => {
    const session = state().sessions.get(id);
    return session !== undefined && users().has(session.userId) ? session : undefined;
  };
  return {
    insert(session, refreshHash) {
      state().sessions.set(session.id, session);
      state().refresh.set(refreshHash, { sessionId: session.id });
      return Promise.resolve();
    },
    findByRefreshHash(hash) {
      const token = state().refresh.get(hash);
      const session = token === undefined ? undefined : live(token.sessionId);
      if (token === undefined || session === undefined) return Promise.resolve(undefined);
      return Promise.resolve({
        session,
        ...(token.usedAt === undefined ? {} : { usedAt: token.usedAt }),
      });
    },
    markUsed(hash, at) {
      const token = state().refresh.get(hash);
      if (token === undefined || token.usedAt !== undefined) return Promise.resolve(false);
      token.usedAt = at;
      return Promise.resolve(true);
    },
    rotate(sessionId, refreshHash, _at, expiresAt) {
      state().refresh.set(refreshHash, { sessionId });
      const session = state().sessions.get(sessionId);
      if (session !== undefined) state().sessions.set(sessionId, { ...session, expiresAt });
      return Promise.resolve();
    },
    end(userId, sessionId, at) {
      const session = live(sessionId);
      if (session === undefined || session.userId !== userId || session.endedAt !== undefined) {
        return Promise.resolve(false);
      }
      state().sessions.set(sessionId, { ...session, endedAt: at });
      return Promise.resolve(true);
    },
    endAll(userId, at, except) {
      const ended: SessionId[] = [];
      for (const session of state().sessions.values()) {
        if (session.userId !== userId || session.id === except) continue;
        if (session.endedAt !== undefined || session.expiresAt <= at) continue;
        state().sessions.set(session.id, { ...session, endedAt: at });
        ended.push(session.id);
      }
      return Promise.resolve(ended);
    },
    isLive(userId, sessionId, now) {
      const session = live(sessionId);
      return Promise.resolve(
        session !== undefined && session.userId === userId && session.endedAt === undefined &&
          session.expiresAt > now,
      );
    },
  };
}
