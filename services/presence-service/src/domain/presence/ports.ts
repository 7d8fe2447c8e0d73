/** What the presence domain needs from the outside world. Times are epoch milliseconds. */
import type { PresenceChanged } from "./events.ts";
import type {
  ConnectionKey,
  DeclaredStatus,
  LastSeen,
  LiveConnection,
  Status,
  UserId,
} from "./models.ts";

/** A user's presence as stored: compared whole by `transition`. */
export interface StoredPresence {
  readonly status: Status;
  readonly since: number;
  readonly lastSeen: number | null;
}

/** One user's live state at a moment: expired connections are already gone. */
export interface UserSnapshot {
  readonly connections: ReadonlyMap<ConnectionKey, DeclaredStatus>;
  /** The soonest a live connection expires; null without connections. */
  readonly earliestExpiry: number | null;
  /** Last time the user did something (connected, typed, sent, came back). */
  readonly activeAt: number | null;
  /** Last time any instance reported the user connected. */
  readonly seenAt: number | null;
  /** Until when a user who closed their last connection still counts as there. */
  readonly graceUntil: number | null;
  readonly presence: StoredPresence | null;
}

/**
 * Live presence (Redis, or in process): connections expire unless refreshed, so a crashed
 * instance's users go offline by themselves.
 */
export interface PresenceStore {
  /** Adds (or renews) a connection until `expiresAt`; the user is active and seen at `at`. */
  connect(live: LiveConnection, expiresAt: number, at: number): Promise<void>;
  /** Removes a connection; the user counts as there until `graceUntil` if it was the last. */
  disconnect(
    userId: UserId,
    connection: ConnectionKey,
    graceUntil: number,
    at: number,
  ): Promise<void>;
  /** A known connection's declared status; ignored for a connection the store does not hold. */
  declare(live: LiveConnection, active: boolean, at: number): Promise<void>;
  /** Renews (or restores) every listed connection until `expiresAt`. Returns users with a restored one. */
  refresh(connections: readonly LiveConnection[], expiresAt: number, at: number): Promise<UserId[]>;
  snapshot(userId: UserId, now: number): Promise<UserSnapshot>;
  /** Compare-and-set: replaces `expected` (null: none stored) by `next`; false when it changed meanwhile. */
  transition(
    userId: UserId,
    expected: StoredPresence | null,
    next: StoredPresence,
  ): Promise<boolean>;
  /** When the user must be looked at again (an expiry, the end of a grace, going idle); null: never. */
  schedule(userId: UserId, at: number | null): Promise<void>;
  /** Users whose scheduled time has come, at most `limit`. */
  due(now: number, limit: number): Promise<UserId[]>;
  read(userIds: readonly UserId[]): Promise<Map<UserId, StoredPresence>>;
}

/** The durable last seen (Postgres), which outlives live presence. */
export interface LastSeenRepository {
  save(entries: ReadonlyMap<UserId, LastSeen>): Promise<void>;
  read(userIds: readonly UserId[]): Promise<Map<UserId, LastSeen>>;
}

export interface PresenceEventPublisher {
  publish(event: PresenceChanged): Promise<void>;
}
