/** Live presence in process (embedded mode, fast tests): the Redis store's semantics in Maps. */
import type {
  ConnectionKey,
  DeclaredStatus,
  LiveConnection,
  UserId,
} from "../../domain/presence/models.ts";
import type { PresenceStore, StoredPresence, UserSnapshot } from "../../domain/presence/ports.ts";

interface UserState {
  readonly connections: Map<ConnectionKey, { status: DeclaredStatus; expiresAt: number }>;
  activeAt: number | null;
  seenAt: number | null;
  graceUntil: number | null;
  presence: StoredPresence | null;
}

export class InMemoryPresenceStore implements PresenceStore {
  readonly #users = new Map<UserId, UserState>();
  readonly #due = new Map<UserId, number>();

  #user(userId: UserId): UserState {
    let state = this.#users.get(userId);
    if (state === undefined) {
      state = {
        connections: new Map(),
        activeAt: null,
        seenAt: null,
        graceUntil: null,
        presence: null,
      };
      this.#users.set(userId, state);
    }
    return state;
  }

  connect(live: LiveConnection, expiresAt: number, at: number): Promise<void> {
    const user = this.#user(live.userId);
    user.connections.set(live.connection, { status: live.status, expiresAt });
    user.activeAt = Math.max(user.activeAt ?? at, at);
    user.seenAt = Math.max(user.seenAt ?? at, at);
    return Promise.resolve();
  }

  disconnect(
    userId: UserId,
    connection: ConnectionKey,
    graceUntil: number,
    at: number,
  ): Promise<void> {
    const user = this.#user(userId);
    user.connections.delete(connection);
    user.seenAt = Math.max(user.seenAt ?? at, at);
    user.graceUntil = graceUntil;
    return Promise.resolve();
  }

  declare(live: LiveConnection, active: boolean, at: number): Promise<void> {
    const user = this.#users.get(live.userId);
    const held = user?.connections.get(live.connection);
    if (user === undefined || held === undefined) return Promise.resolve();
    held.status = live.status;
    if (active) user.activeAt = Math.max(user.activeAt ?? at, at);
    user.seenAt = Math.max(user.seenAt ?? at, at);
    return Promise.resolve();
  }

  refresh(
    connections: readonly LiveConnection[],
    expiresAt: number,
    at: number,
  ): Promise<UserId[]> {
    const restored = new Set<UserId>();
    for (const { userId, connection, status } of connections) {
      const user = this.#user(userId);
      const held = user.connections.get(connection);
      if (held === undefined) {
        user.connections.set(connection, { status, expiresAt });
        restored.add(userId);
      } else {
        held.expiresAt = Math.max(held.expiresAt, expiresAt);
      }
      user.seenAt = Math.max(user.seenAt ?? at, at);
    }
    return Promise.resolve([...restored]);
  }

  snapshot(userId: UserId, now: number): Promise<UserSnapshot> {
    const user = this.#user(userId);
    let earliestExpiry: number | null = null;
    const live = new Map<ConnectionKey, DeclaredStatus>();
    for (const [key, { status, expiresAt }] of user.connections) {
      if (expiresAt <= now) {
        user.connections.delete(key);
        continue;
      }
      live.set(key, status);
      earliestExpiry = Math.min(earliestExpiry ?? expiresAt, expiresAt);
    }
    return Promise.resolve({
      connections: live,
      earliestExpiry,
      activeAt: user.activeAt,
      seenAt: user.seenAt,
      graceUntil: user.graceUntil,
      presence: user.presence,
    });
  }

  transition(
    userId: UserId,
    expected: StoredPresence | null,
    next: StoredPresence,
  ): Promise<boolean> {
    const user = this.#user(userId);
    if (!samePresence(user.presence, expected)) return Promise.resolve(false);
    user.presence = next;
    return Promise.resolve(true);
  }

  schedule(userId: UserId, at: number | null): Promise<void> {
    if (at === null) this.#due.delete(userId);
    else this.#due.set(userId, at);
    return Promise.resolve();
  }

  due(now: number, limit: number): Promise<UserId[]> {
    const due = [...this.#due].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]);
    return Promise.resolve(due.slice(0, limit).map(([userId]) => userId));
  }

  read(userIds: readonly UserId[]): Promise<Map<UserId, StoredPresence>> {
    const found = new Map<UserId, StoredPresence>();
    for (const id of userIds) {
      const presence = this.#users.get(id)?.presence;
      if (presence !== undefined && presence !== null) found.set(id, presence);
    }
    return Promise.resolve(found);
  }
}

export function samePresence(a: StoredPresence | null, b: StoredPresence | null): boolean {
  if (a === null || b === null) return a === b;
  return a.status === b.status && a.since === b.since && a.lastSeen === b.lastSeen;
}
