/**
 * The user replica in Postgres. Each change is applied in one statement
 * guarded by the applied-events table and the row's version time, so
 * replays, late older updates and updates after a delete change nothing.
 */
import type { Sql } from "@chat-ts/shared/postgres";
import type { UserId } from "../../domain/ids.ts";
import type { UserChange } from "../../domain/user/models.ts";
import type { UserLookup, UserReplica } from "../../domain/user/ports.ts";

export class PostgresUserReplica implements UserReplica {
  constructor(private readonly sql: Sql) {}

  async find(userId: UserId): Promise<UserLookup | undefined> {
    const [row] = await this.sql<{ username: string | null; deleted_at: Date | null }[]>`
      select username, deleted_at from user_replica where user_id = ${userId}`;
    if (row === undefined) return undefined;
    if (row.deleted_at !== null || row.username === null) return { status: "not_found" };
    return { status: "found", username: row.username };
  }

  async idsOf(names: readonly string[]): Promise<ReadonlyMap<string, UserId>> {
    if (names.length === 0) return new Map();
    const rows = await this.sql<{ user_id: string; name: string }[]>`
      select user_id, lower(username) as name from user_replica
      where lower(username) = any(${this.sql.array([...names])}::text[]) and deleted_at is null`;
    return new Map(rows.map((r) => [r.name, r.user_id as UserId]));
  }

  async apply(change: UserChange): Promise<boolean> {
    switch (change.type) {
      case "upserted": {
        const rows = await this.sql`
          with fresh as (
            insert into user_replica_events (event_id) values (${change.eventId})
            on conflict do nothing returning event_id
          )
          insert into user_replica (user_id, username, email, version_at, last_event_id)
          select ${change.userId}, ${change.username}, ${change.email}, ${change.at}, event_id from fresh
          on conflict (user_id) do update set
            username = excluded.username, email = excluded.email,
            version_at = excluded.version_at, last_event_id = excluded.last_event_id
          where user_replica.deleted_at is null and user_replica.version_at <= excluded.version_at
          returning user_id`;
        return rows.length > 0;
      }
      case "deleted": {
        const rows = await this.sql`
          with fresh as (
            insert into user_replica_events (event_id) values (${change.eventId})
            on conflict do nothing returning event_id
          )
          insert into user_replica (user_id, username, email, version_at, last_event_id, deleted_at)
          select ${change.userId}, null, null, ${change.at}, event_id, ${change.at} from fresh
          on conflict (user_id) do update set
            username = null, email = null, deleted_at = excluded.deleted_at,
            version_at = greatest(user_replica.version_at, excluded.version_at),
            last_event_id = excluded.last_event_id
          where user_replica.deleted_at is null
          returning user_id`;
        return rows.length > 0;
      }
      default: {
        const unknown: never = change;
        return unknown;
      }
    }
  }

  async remember(userId: UserId, username: string): Promise<void> {
    // The weakest version: every event about this user overrides it.
    await this.sql`
      insert into user_replica (user_id, username, version_at)
      values (${userId}, ${username}, '-infinity')
      on conflict (user_id) do nothing`;
  }
}
