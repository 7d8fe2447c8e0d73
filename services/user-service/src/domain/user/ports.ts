/** What the user domain needs from the outside world. */
import type { Result } from "@chat-ts/shared/result";
import type { UserEvent } from "./events.ts";
import type { Password, PasswordHash, User, UserId, Username } from "./models.ts";

export type UniquenessConflict = "username_taken" | "email_taken";

/** Reads and writes users. Writes happen inside a `UserStore.transaction`. */
export interface UserRepository {
  findById(id: UserId): Promise<User | undefined>;
  /** Case-insensitive. */
  findByUsername(username: string): Promise<User | undefined>;
  insert(user: User): Promise<Result<User, UniquenessConflict>>;
  update(user: User): Promise<Result<User, UniquenessConflict>>;
  /** False when there was no such user. */
  delete(id: UserId): Promise<boolean>;
}

/** Events recorded in the same transaction as the change they describe. */
export interface UserEventOutbox {
  append(event: UserEvent): Promise<void>;
}

export interface UserTransaction {
  readonly users: UserRepository;
  readonly outbox: UserEventOutbox;
}

/**
 * A user change and its event commit together or not at all. Returning an
 * error result from `work` rolls the transaction back.
 */
export interface UserStore {
  readonly users: UserRepository;
  transaction<T, E>(work: (tx: UserTransaction) => Promise<Result<T, E>>): Promise<Result<T, E>>;
}

export interface PasswordHasher {
  hash(password: Password): Promise<PasswordHash>;
  verify(hash: PasswordHash, password: string): Promise<boolean>;
}

export interface TokenIssuer {
  issue(user: { userId: UserId; username: Username }): Promise<string>;
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
