/**
 * Decides presence from what chat-service instances report. A user is online while one of their
 * connections is live and declared online and they were active within `awayAfterMs`; away while
 * connected otherwise; offline once the last connection closed and `graceMs` passed, or once
 * every connection expired (`ttlMs` after an instance's last heartbeat). Each transition is
 * published once (compare-and-set in the store) and, when offline, its last seen is saved.
 */
import type { PresenceChanged } from "./events.ts";
import type { Presence, PresenceReport, UserId } from "./models.ts";
import type {
  LastSeenRepository,
  PresenceEventPublisher,
  PresenceStore,
  StoredPresence,
  UserSnapshot,
} from "./ports.ts";

export interface PresenceTimings {
  /** A connection not refreshed within this is gone (an instance crashed). */
  readonly ttlMs: number;
  /** How long a user who closed their last connection stays online (a reload, a flaky network). */
  readonly graceMs: number;
  /** Idle for this long → away. */
  readonly awayAfterMs: number;
}

export interface PresenceDeps {
  readonly store: PresenceStore;
  readonly lastSeen: LastSeenRepository;
  readonly events: PresenceEventPublisher;
  readonly timings: PresenceTimings;
  readonly clock: { now(): Date };
  readonly newEventId: () => string;
}

export class PresenceService {
  /** One evaluation per user at a time in this process; the store's compare-and-set covers others. */
  readonly #inFlight = new Map<UserId, Promise<void>>();

  constructor(private readonly deps: PresenceDeps) {}

  async report(report: PresenceReport): Promise<void> {
    const { store, timings } = this.deps;
    const at = report.at.getTime();
    // A report's own time can lag (a consumer catching up); expiry counts from now.
    const now = this.deps.clock.now().getTime();
    switch (report.type) {
      case "connected":
        // The report names the connection as the store keeps it: user, key, declared status.
        await store.connect(report, now + timings.ttlMs, at);
        return this.evaluate(report.userId);
      case "disconnected":
        await store.disconnect(report.userId, report.connection, now + timings.graceMs, at);
        return this.evaluate(report.userId);
      case "status_set":
        await store.declare(report, report.active, at);
        return this.evaluate(report.userId);
      case "heartbeat": {
        const restored = await store.refresh(report.connections, now + timings.ttlMs, at);
        await Promise.all(restored.map((userId) => this.evaluate(userId)));
        return;
      }
      default: {
        const unknown: never = report;
        return unknown;
      }
    }
  }

  /** Looks again at every user whose time has come (expiries, graces, idleness). */
  async sweep(limit = 500): Promise<number> {
    const due = await this.deps.store.due(this.deps.clock.now().getTime(), limit);
    await Promise.all(due.map((userId) => this.evaluate(userId)));
    return due.length;
  }

  async read(userIds: readonly UserId[]): Promise<Map<UserId, Presence>> {
    const stored = await this.deps.store.read(userIds);
    const missing = userIds.filter((id) => !stored.has(id));
    const durable = missing.length === 0 ? new Map() : await this.deps.lastSeen.read(missing);
    const result = new Map<UserId, Presence>();
    for (const id of userIds) {
      const s = stored.get(id);
      if (s !== undefined) {
        result.set(id, toPresence(s));
      } else {
        const lastSeen = durable.get(id) ?? null;
        result.set(id, { status: "offline", since: lastSeen ?? new Date(0), lastSeen });
      }
    }
    return result;
  }

  evaluate(userId: UserId): Promise<void> {
    const previous = this.#inFlight.get(userId) ?? Promise.resolve();
    const next = previous.then(() => this.#evaluate(userId));
    const settled = next.catch(() => {});
    this.#inFlight.set(userId, settled);
    void settled.then(() => {
      if (this.#inFlight.get(userId) === settled) this.#inFlight.delete(userId);
    });
    return next;
  }

  async #evaluate(userId: UserId): Promise<void> {
    const { store } = this.deps;
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.deps.clock.now().getTime();
      const snapshot = await store.snapshot(userId, now);
      const { status, recheckAt } = this.#decide(snapshot, now);
      const current = snapshot.presence;
      if (current?.status === status || (current === null && status === "offline")) {
        await store.schedule(userId, recheckAt);
        return;
      }
      const next: StoredPresence = {
        status,
        since: now,
        lastSeen: status === "offline" ? (snapshot.seenAt ?? now) : null,
      };
      if (!(await store.transition(userId, current, next))) continue; // changed meanwhile
      await store.schedule(userId, recheckAt);
      if (next.lastSeen !== null) {
        await this.deps.lastSeen.save(new Map([[userId, new Date(next.lastSeen)]]));
      }
      const event: PresenceChanged = {
        type: "presence_changed",
        eventId: this.deps.newEventId(),
        userId,
        presence: toPresence(next),
      };
      await this.deps.events.publish(event);
      return;
    }
  }

  #decide(
    s: UserSnapshot,
    now: number,
  ): { status: StoredPresence["status"]; recheckAt: number | null } {
    const { awayAfterMs } = this.deps.timings;
    if (s.connections.size > 0) {
      const declaredOnline = [...s.connections.values()].includes("online");
      const idleAt = (s.activeAt ?? now) + awayAfterMs;
      const online = declaredOnline && idleAt > now;
      const expiry = s.earliestExpiry ?? now;
      return {
        status: online ? "online" : "away",
        recheckAt: online ? Math.min(expiry, idleAt) : expiry,
      };
    }
    if (s.graceUntil !== null && s.graceUntil > now && s.presence !== null) {
      return { status: s.presence.status, recheckAt: s.graceUntil };
    }
    return { status: "offline", recheckAt: null };
  }
}

function toPresence(s: StoredPresence): Presence {
  return s.status === "offline"
    ? {
      status: "offline",
      since: new Date(s.since),
      lastSeen: s.lastSeen === null ? null : new Date(s.lastSeen),
    }
    : { status: s.status, since: new Date(s.since), lastSeen: null };
}
