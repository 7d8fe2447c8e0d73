/** User commands: register, log in, read, change and delete accounts. */
import { err, ok, type Result } from "@chat-ts/shared/result";
import {
  emailTaken,
  invalidCredentials,
  invalidRefreshToken,
  notSelf,
  type UserError,
  usernameTaken,
  userNotFound,
} from "./errors.ts";
import type { UserEvent } from "./events.ts";
import {
  EmailAddress,
  Password,
  type PasswordHash,
  type SessionId,
  type User,
  type UserId,
  Username,
  type UsernamePrefix,
  type UserSummary,
} from "./models.ts";
import type {
  Clock,
  IdGenerator,
  PasswordHasher,
  RefreshTokens,
  TokenIssuer,
  UniquenessConflict,
  UserStore,
  UserTransaction,
} from "./ports.ts";

export interface RegisterUser {
  readonly username: string;
  readonly emailAddress: string;
  readonly password: string;
}

export interface UpdateUser {
  readonly username?: string;
  readonly emailAddress?: string;
  readonly password?: string;
}

export interface Session {
  readonly token: string;
  readonly refreshToken: string;
  /** Seconds the access token lasts. */
  readonly expiresIn: number;
  readonly sessionId: SessionId;
  readonly user: User;
}

export interface SessionLifetimes {
  /** How long an access token lasts (its `exp`). */
  readonly accessSeconds: number;
  /** How long a session lasts without a refresh. */
  readonly refreshSeconds: number;
}

export interface UserServiceDeps {
  readonly store: UserStore;
  readonly hasher: PasswordHasher;
  readonly tokens: TokenIssuer;
  readonly refreshTokens: RefreshTokens;
  readonly lifetimes: SessionLifetimes;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

const conflict = (c: UniquenessConflict): UserError =>
  c === "username_taken" ? usernameTaken : emailTaken;

export class UserService {
  /** Verified against for unknown usernames, so a failed login takes the same time either way. */
  #decoyHash: Promise<PasswordHash> | undefined;

  constructor(private readonly deps: UserServiceDeps) {}

  async register(command: RegisterUser): Promise<Result<User, UserError>> {
    const username = Username.parse(command.username);
    if (!username.ok) return username;
    const email = EmailAddress.parse(command.emailAddress);
    if (!email.ok) return email;
    const password = Password.parse(command.password);
    if (!password.ok) return password;

    const now = this.deps.clock.now();
    const user: User = {
      id: this.deps.ids.newId() as UserId,
      username: username.value,
      email: email.value,
      passwordHash: await this.deps.hasher.hash(password.value),
      createdAt: now,
      updatedAt: now,
    };
    return await this.deps.store.transaction(async ({ users, outbox }) => {
      const inserted = await users.insert(user);
      if (!inserted.ok) return err(conflict(inserted.error));
      await outbox.append(this.#event("user_created", user));
      return ok(inserted.value);
    });
  }

  async login(username: string, password: string): Promise<Result<Session, UserError>> {
    const user = await this.deps.store.users.findByUsername(username);
    if (user === undefined) {
      await this.deps.hasher.verify(await this.#decoy(), password);
      return err(invalidCredentials);
    }
    if (!(await this.deps.hasher.verify(user.passwordHash, password))) {
      return err(invalidCredentials);
    }
    const now = this.deps.clock.now();
    const sessionId = this.deps.ids.newId() as SessionId;
    const refreshToken = this.deps.refreshTokens.generate();
    await this.deps.store.sessions.insert(
      { id: sessionId, userId: user.id, createdAt: now, expiresAt: this.#refreshExpiry(now) },
      await this.deps.refreshTokens.hash(refreshToken),
    );
    return ok(await this.#session(user, sessionId, refreshToken));
  }

  /**
   * A new token pair for a refresh token, which is used up. Presenting a used one again means
   * it leaked (or a client replayed it): the whole session ends.
   */
  async refresh(refreshToken: string): Promise<Result<Session, UserError>> {
    const hash = await this.deps.refreshTokens.hash(refreshToken);
    const next = this.deps.refreshTokens.generate();
    const nextHash = await this.deps.refreshTokens.hash(next);
    type Outcome =
      | { readonly type: "reused" }
      | { readonly type: "rotated"; readonly user: User; readonly sessionId: SessionId };
    const outcome = await this.deps.store.transaction<Outcome, UserError>(async (tx) => {
      const { users, sessions, outbox } = tx;
      const now = this.deps.clock.now();
      const found = await sessions.findByRefreshHash(hash);
      if (found === undefined) return err(invalidRefreshToken);
      const { session } = found;
      if (session.endedAt !== undefined || session.expiresAt <= now) {
        return err(invalidRefreshToken);
      }
      if (found.usedAt !== undefined || !(await sessions.markUsed(hash, now))) {
        await this.#endSession(sessions, outbox, session.userId, session.id, now);
        return ok({ type: "reused" });
      }
      const user = await users.findById(session.userId);
      if (user === undefined) return err(invalidRefreshToken);
      await sessions.rotate(session.id, nextHash, now, this.#refreshExpiry(now));
      return ok({ type: "rotated", user, sessionId: session.id });
    });
    if (!outcome.ok) return outcome;
    if (outcome.value.type === "reused") return err(invalidRefreshToken);
    return ok(await this.#session(outcome.value.user, outcome.value.sessionId, next));
  }

  /** Ends the caller's session; ending one that already ended is not an error. */
  async logout(callerId: UserId, sessionId: SessionId): Promise<Result<void, UserError>> {
    return await this.deps.store.transaction(async ({ sessions, outbox }) => {
      await this.#endSession(sessions, outbox, callerId, sessionId, this.deps.clock.now());
      return ok(undefined);
    });
  }

  /** Whether a token's session is still live (its user exists and it has not ended). */
  sessionIsLive(userId: UserId, sessionId: SessionId): Promise<boolean> {
    return this.deps.store.sessions.isLive(userId, sessionId, this.deps.clock.now());
  }

  /** Why a token's session is not live: it ended, or the whole account is gone. */
  async sessionState(
    userId: UserId,
    sessionId: SessionId,
  ): Promise<"live" | "ended" | "no_account"> {
    if (await this.sessionIsLive(userId, sessionId)) return "live";
    return (await this.deps.store.users.findById(userId)) === undefined ? "no_account" : "ended";
  }

  /** People search: at most `limit` users whose username starts with the prefix. */
  searchUsers(prefix: UsernamePrefix, limit: number): Promise<UserSummary[]> {
    return this.deps.store.users.searchByUsername(prefix, limit);
  }

  async getUser(id: UserId): Promise<Result<User, UserError>> {
    const user = await this.deps.store.users.findById(id);
    return user === undefined ? err(userNotFound) : ok(user);
  }

  /** A password change ends every session but the caller's own (`callerSession`). */
  async updateUser(
    callerId: UserId,
    id: UserId,
    changes: UpdateUser,
    callerSession?: SessionId,
  ): Promise<Result<User, UserError>> {
    if (id !== callerId) return err(notSelf);
    const username = changes.username === undefined ? undefined : Username.parse(changes.username);
    if (username !== undefined && !username.ok) return username;
    const email = changes.emailAddress === undefined
      ? undefined
      : EmailAddress.parse(changes.emailAddress);
    if (email !== undefined && !email.ok) return email;
    const password = changes.password === undefined ? undefined : Password.parse(changes.password);
    if (password !== undefined && !password.ok) return password;
    const passwordHash = password === undefined
      ? undefined
      : await this.deps.hasher.hash(password.value);

    return await this.deps.store.transaction(async ({ users, sessions, outbox }) => {
      const current = await users.findById(id);
      if (current === undefined) return err(userNotFound);
      const next: User = {
        ...current,
        username: username?.value ?? current.username,
        email: email?.value ?? current.email,
        passwordHash: passwordHash ?? current.passwordHash,
        updatedAt: this.deps.clock.now(),
      };
      const updated = await users.update(next);
      if (!updated.ok) return err(conflict(updated.error));
      await outbox.append(this.#event("user_updated", next));
      if (passwordHash !== undefined) {
        for (const ended of await sessions.endAll(id, next.updatedAt, callerSession)) {
          await outbox.append(this.#sessionEnded(id, ended, next.updatedAt));
        }
      }
      return ok(updated.value);
    });
  }

  async deleteUser(callerId: UserId, id: UserId): Promise<Result<void, UserError>> {
    if (id !== callerId) return err(notSelf);
    return await this.deps.store.transaction(async ({ users, outbox }) => {
      // The user's sessions go with the row (on delete cascade); `user_deleted` tells readers
      // that every one of them has ended.
      if (!(await users.delete(id))) return err(userNotFound);
      await outbox.append({
        type: "user_deleted",
        eventId: this.deps.ids.newId(),
        userId: id,
        at: this.deps.clock.now(),
      });
      return ok(undefined);
    });
  }

  async #session(user: User, sessionId: SessionId, refreshToken: string): Promise<Session> {
    const token = await this.deps.tokens.issue({
      userId: user.id,
      username: user.username,
      sessionId,
    });
    return { token, refreshToken, expiresIn: this.deps.lifetimes.accessSeconds, sessionId, user };
  }

  #refreshExpiry(now: Date): Date {
    return new Date(now.getTime() + this.deps.lifetimes.refreshSeconds * 1000);
  }

  async #endSession(
    sessions: UserTransaction["sessions"],
    outbox: UserTransaction["outbox"],
    userId: UserId,
    sessionId: SessionId,
    at: Date,
  ): Promise<void> {
    if (await sessions.end(userId, sessionId, at)) {
      await outbox.append(this.#sessionEnded(userId, sessionId, at));
    }
  }

  #sessionEnded(userId: UserId, sessionId: SessionId | undefined, at: Date): UserEvent {
    return {
      type: "session_ended",
      eventId: this.deps.ids.newId(),
      userId,
      ...(sessionId === undefined ? {} : { sessionId }),
      at,
    };
  }

  #event(type: "user_created" | "user_updated", user: User): UserEvent {
    return {
      type,
      eventId: this.deps.ids.newId(),
      userId: user.id,
      username: user.username,
      email: user.email,
      at: type === "user_created" ? user.createdAt : user.updatedAt,
    };
  }

  #decoy(): Promise<PasswordHash> {
    this.#decoyHash ??= this.deps.hasher.hash(
      `decoy-${this.deps.ids.newId()}` as Password,
    );
    return this.#decoyHash;
  }
}
