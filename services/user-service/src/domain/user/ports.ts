/** What the user domain needs from the outside world. */
import type { Result } from "@chat-ts/shared/result";
import type { UserEvent } from "./events.ts";
import type {
  Password,
  PasswordHash,
  SessionId,
  User,
  UserId,
  Username,
  UsernamePrefix,
  UserSummary,
} from "./models.ts";

export type UniquenessConflict = "username_taken" | "email_taken";

/** Reads and writes users. Writes happen inside a `UserStore.transaction`. */
export interface UserRepository {
  findById(id: UserId): Promise<User | undefined>;
  /** Case-insensitive. */
  findByUsername(username: string): Promise<User | undefined>;
  /** Users whose username starts with `prefix` ignoring case, by lower-cased username. */
  searchByUsername(prefix: UsernamePrefix, limit: number): Promise<UserSummary[]>;
  insert(user: User): Promise<Result<User, UniquenessConflict>>;
  update(user: User): Promise<Result<User, UniquenessConflict>>;
  /** False when there was no such user. */
  delete(id: UserId): Promise<boolean>;
}

/** Events recorded in the same transaction as the change they describe. */
export interface UserEventOutbox {
  append(event: UserEvent): Promise<void>;
}

/** A login session: it ends on logout, refresh-token reuse, a password change or deletion. */
export interface SessionRecord {
  readonly id: SessionId;
  readonly userId: UserId;
  readonly createdAt: Date;
  /** The refresh token's lifetime: renewed by each refresh. */
  readonly expiresAt: Date;
  readonly endedAt?: Date;
}

/** Sessions and the hashes of every refresh token issued for them (never the tokens). */
export interface SessionRepository {
  insert(session: SessionRecord, refreshHash: string): Promise<void>;
  /** The session a refresh token was issued for, and when it was used (rotated out), if it was. */
  findByRefreshHash(
    hash: string,
  ): Promise<{ readonly session: SessionRecord; readonly usedAt?: Date } | undefined>;
  /** Marks a refresh token used; false when it already was (a concurrent refresh with it). */
  markUsed(hash: string, at: Date): Promise<boolean>;
  /** A new refresh token for the session, which now lasts until `expiresAt`. */
  rotate(sessionId: SessionId, refreshHash: string, at: Date, expiresAt: Date): Promise<void>;
  /** Ends a session of the user; false when it had already ended (or is not theirs). */
  end(userId: UserId, sessionId: SessionId, at: Date): Promise<boolean>;
  /** Ends every live session of the user but `except`; the ids ended. */
  endAll(userId: UserId, at: Date, except?: SessionId): Promise<SessionId[]>;
  /** True while the session has not ended or expired. */
  isLive(userId: UserId, sessionId: SessionId, now: Date): Promise<boolean>;
}

export interface UserTransaction {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly outbox: UserEventOutbox;
}

/**
 * A user change and its event commit together or not at all. Returning an
 * error result from `work` rolls the transaction back.
 */
export interface UserStore {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  transaction<T, E>(work: (tx: UserTransaction) => Promise<Result<T, E>>): Promise<Result<T, E>>;
}

export interface PasswordHasher {
  hash(password: Password): Promise<PasswordHash>;
  verify(hash: PasswordHash, password: string): Promise<boolean>;
}

export interface TokenIssuer {
  issue(user: { userId: UserId; username: Username; sessionId?: SessionId }): Promise<string>;
}

/** Opaque refresh tokens: random, and stored only as a hash. */
export interface RefreshTokens {
  generate(): string;
  hash(token: string): Promise<string>;
}

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  newId(): string;
}

/** One outbox row on its way out: a `user-events` record, already encoded, keyed by user id. */
export interface OutboxRecord {
  readonly eventId: string;
  readonly userId: string;
  readonly payload: string;
}

/** Where the outbox relay sends rows: Kafka, or the in-process bus in the embedded mode. */
export interface UserEventPublisher {
  /** Resolves once every record is acknowledged; rejects if any is not. */
  publish(records: readonly OutboxRecord[]): Promise<void>;
  close(): Promise<void>;
}
