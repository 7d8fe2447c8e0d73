/**
 * Ended sessions in chat's Postgres (migrations/chat/0004_ended_sessions.sql), written once per
 * deployment by the replica reader; deleted users come from the replica's tombstones. Read at
 * start and now and then, so an instance that started after an event still refuses its tokens.
 */
import type { Sql } from "@chat-ts/shared/postgres";
import type { UserId } from "../../domain/ids.ts";
import type { SessionEnd, SessionEndStore } from "../../domain/user/revocations.ts";

export class PostgresSessionEndStore implements SessionEndStore {
  constructor(private readonly sql: Sql) {}

  async record(end: SessionEnd): Promise<void> {
    await this.sql`
      insert into ended_sessions (event_id, user_id, session_id, ended_at)
      values (${end.eventId}, ${end.userId}, ${end.sessionId ?? null}, ${end.at})
      on conflict do nothing`;
  }

  async since(since: Date): Promise<SessionEnd[]> {
    const rows = await this.sql<
      { event_id: string; user_id: string; session_id: string | null; ended_at: Date }[]
    >`
      select event_id::text, user_id::text, session_id::text, ended_at
      from ended_sessions where ended_at >= ${since}
      union all
      select coalesce(last_event_id, user_id)::text, user_id::text, null, deleted_at
      from user_replica where deleted_at >= ${since}`;
    return rows.map((r) => ({
      type: "session_ended",
      eventId: r.event_id,
      userId: r.user_id as UserId,
      ...(r.session_id === null ? {} : { sessionId: r.session_id }),
      at: r.ended_at,
    }));
  }
}
