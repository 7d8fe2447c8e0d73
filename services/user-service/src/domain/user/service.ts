/** User commands: register, log in, read, change and delete accounts. */
import { err, ok, type Result } from "@chat-ts/shared/result";
import {
  emailTaken,
  invalidCredentials,
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
  type User,
  type UserId,
  Username,
} from "./models.ts";
import type {
  Clock,
  IdGenerator,
  PasswordHasher,
  TokenIssuer,
  UniquenessConflict,
  UserStore,
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
  readonly user: User;
}

export interface UserServiceDeps {
  readonly store: UserStore;
  readonly hasher: PasswordHasher;
  readonly tokens: TokenIssuer;
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
    const token = await this.deps.tokens.issue({ userId: user.id, username: user.username });
    return ok({ token, user });
  }

  async getUser(id: UserId): Promise<Result<User, UserError>> {
    const user = await this.deps.store.users.findById(id);
    return user === undefined ? err(userNotFound) : ok(user);
  }

  async updateUser(
    callerId: UserId,
    id: UserId,
    changes: UpdateUser,
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

    return await this.deps.store.transaction(async ({ users, outbox }) => {
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
      return ok(updated.value);
    });
  }

  async deleteUser(callerId: UserId, id: UserId): Promise<Result<void, UserError>> {
    if (id !== callerId) return err(notSelf);
    return await this.deps.store.transaction(async ({ users, outbox }) => {
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
