/**
 * Users in Postgres. Uniqueness of username and email (case-insensitive) is
 * the database's job: a unique violation becomes a conflict result, so two
 * concurrent registrations give one success and one conflict, never a crash.
 */
import { encodeEvent } from "@chat-ts/shared/events";
import type { Sql } from "@chat-ts/shared/postgres";
import { err, ok, type Result } from "@chat-ts/shared/result";
import postgres from "postgres";
import type { UserEvent } from "../../domain/user/events.ts";
import type {
  EmailAddress,
  PasswordHash,
  User,
  UserId,
  Username,
} from "../../domain/user/models.ts";
import type {
  SessionRepository,
  UniquenessConflict,
  UserEventOutbox,
  UserRepository,
  UserStore,
  UserTransaction,
} from "../../domain/user/ports.ts";
import { toEnvelope } from "../kafka/user_event_envelope.ts";
import { postgresSessions } from "./session_repository.ts";

interface UserRow {
  id: string;
  username: string;
  email: string;
  password_hash: string;
  created_at: Date;
  updated_at: Date;
}

const toUser = (row: UserRow): User => ({
  id: row.id as UserId,
  username: row.username as Username,
  email: row.email as EmailAddress,
  passwordHash: row.password_hash as PasswordHash,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Rolls a transaction back while carrying the error result out of `sql.begin`. */
class Rollback<E> {
  constructor(readonly result: Result<never, E>) {}
}

export class PostgresUserStore implements UserStore {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;

  /**
   * `eventsCommitted` runs once a transaction that appended events has committed: the relay's
   * wake-up, so they leave now rather than at its next poll (an ended session reaches the
   * gateways within milliseconds, not up to a second).
   */
  constructor(private readonly sql: Sql, private readonly eventsCommitted?: () => void) {
    this.users = repository(sql);
    this.sessions = postgresSessions(sql);
  }

  async transaction<T, E>(
    work: (tx: UserTransaction) => Promise<Result<T, E>>,
  ): Promise<Result<T, E>> {
    let appended = false;
    try {
      const committed = await this.sql.begin(async (tx) => {
        const events = outbox(tx);
        const result = await work({
          users: repository(tx),
          sessions: postgresSessions(tx),
          outbox: {
            append: (event) => {
              appended = true;
              return events.append(event);
            },
          },
        });
        if (!result.ok) throw new Rollback(result);
        return result;
      });
      if (appended) this.eventsCommitted?.();
      return committed;
    } catch (error) {
      if (error instanceof Rollback) return error.result;
      throw error;
    }
  }
}

type Queryable = Sql | postgres.TransactionSql;

function repository(sql: Queryable): UserRepository {
  /** Runs a write in a savepoint when inside a transaction, so a conflict does not abort it. */
  const guarded = async (write: (q: Queryable) => Promise<UserRow[]>) => {
    try {
      const rows = "savepoint" in sql ? await sql.savepoint((sp) => write(sp)) : await write(sql);
      return ok(rows);
    } catch (error) {
      const conflict = uniquenessConflict(error);
      if (conflict === undefined) throw error;
      return err(conflict);
    }
  };
  return {
    async findById(id) {
      const [row] = await sql<UserRow[]>`select * from users where id = ${id}`;
      return row === undefined ? undefined : toUser(row);
    },
    async findByUsername(username) {
      const [row] = await sql<UserRow[]>`
        select * from users where lower(username) = lower(${username})`;
      return row === undefined ? undefined : toUser(row);
    },
    async searchByUsername(prefix, limit) {
      // A range in byte order on the text_pattern_ops index (migration 0004): every username
      // starting with the prefix sorts in [prefix, prefix with its last character + 1).
      const upper = prefix.slice(0, -1) +
        String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
      const rows = await sql<{ id: string; username: string }[]>`
        select id, username from users
        where lower(username) ~>=~ ${prefix} and lower(username) ~<~ ${upper}
        order by lower(username) using ~<~ limit ${limit}`;
      return rows.map((row) => ({ id: row.id as UserId, username: row.username as Username }));
    },
    async insert(user) {
      const result = await guarded((q) =>
        q<UserRow[]>`
          insert into users (id, username, email, password_hash, created_at, updated_at)
          values (${user.id}, ${user.username}, ${user.email}, ${user.passwordHash},
                  ${user.createdAt}, ${user.updatedAt})
          returning *`
      );
      return result.ok ? ok(toUser(result.value[0])) : result;
    },
    async update(user) {
      const result = await guarded((q) =>
        q<UserRow[]>`
          update users set username = ${user.username}, email = ${user.email},
            password_hash = ${user.passwordHash}, updated_at = ${user.updatedAt}
          where id = ${user.id}
          returning *`
      );
      return result.ok ? ok(toUser(result.value[0])) : result;
    },
    async delete(id) {
      const rows = await sql`delete from users where id = ${id} returning id`;
      return rows.length > 0;
    },
  };
}

function outbox(sql: Queryable): UserEventOutbox {
  return {
    async append(event: UserEvent) {
      await sql`
        insert into user_outbox (event_id, user_id, payload)
        values (${event.eventId}, ${event.userId}, ${encodeEvent(toEnvelope(event))})`;
    },
  };
}

function uniquenessConflict(error: unknown): UniquenessConflict | undefined {
  if (!(error instanceof postgres.PostgresError) || error.code !== "23505") return undefined;
  if (error.constraint_name === "users_username_key") return "username_taken";
  if (error.constraint_name === "users_email_key") return "email_taken";
  return undefined;
}
