/** Last seen in the `presence` database (migrations/presence): one row per user, newest wins. */
import type { Sql } from "@chat-ts/shared/postgres";
import type { LastSeen, UserId } from "../../domain/presence/models.ts";
import type { LastSeenRepository } from "../../domain/presence/ports.ts";

export class PostgresLastSeenRepository implements LastSeenRepository {
  constructor(private readonly sql: Sql) {}

  async save(entries: ReadonlyMap<UserId, LastSeen>): Promise<void> {
    if (entries.size === 0) return;
    const ids = [...entries.keys()];
    const times = ids.map((id) => entries.get(id)?.toISOString() ?? null);
    await this.sql`
      insert into last_seen (user_id, last_seen)
      select * from unnest(${ids}::uuid[], ${times}::timestamptz[])
      on conflict (user_id) do update set last_seen = excluded.last_seen, updated_at = now()
        where last_seen.last_seen < excluded.last_seen`;
  }

  async read(userIds: readonly UserId[]): Promise<Map<UserId, LastSeen>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.sql<{ user_id: string; last_seen: Date }[]>`
      select user_id, last_seen from last_seen where user_id = any(${[...userIds]}::uuid[])`;
    // Postgres hands back the ids it was given (lower-case UUIDs): map them back to the branded ones.
    const asked = new Map<string, UserId>(userIds.map((id) => [id, id]));
    const found = new Map<UserId, LastSeen>();
    for (const row of rows) {
      const id = asked.get(row.user_id);
      if (id !== undefined) found.set(id, row.last_seen);
    }
    return found;
  }
}
