/** Sessions and refresh-token hashes in Postgres (migrations/user/0003_sessions.sql). */
import type postgres from "postgres";
import type { SessionId, UserId } from "../../domain/user/models.ts";
import type { SessionRecord, SessionRepository } from "../../domain/user/ports.ts";

type Queryable = postgres.Sql | postgres.TransactionSql;

interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  expires_at: Date;
  ended_at: Date | null;
}

const toSession = (row: SessionRow): SessionRecord => ({
  id: row.id as SessionId,
  userId: row.user_id as UserId,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  ...(row.ended_at === null ? {} : { endedAt: row.ended_at }),
});

export function postgresSessions(sql: Queryable): SessionRepository {
  return {
    async insert(session, refreshHash) {
      await sql`
        insert into sessions (id, user_id, created_at, expires_at)
        values (${session.id}, ${session.userId}, ${session.createdAt}, ${session.expiresAt})`;
      await sql`
        insert into refresh_tokens (token_hash, session_id, issued_at)
        values (${refreshHash}, ${session.id}, ${session.createdAt})`;
    },
    async findByRefreshHash(hash) {
      const [row] = await sql<(SessionRow & { used_at: Date | null })[]>`
        select s.id, s.user_id, s.created_at, s.expires_at, s.ended_at, r.used_at
        from refresh_tokens r join sessions s on s.id = r.session_id
        where r.token_hash = ${hash}
        for update of s`;
      if (row === undefined) return undefined;
      return {
        session: toSession(row),
        ...(row.used_at === null ? {} : { usedAt: row.used_at }),
      };
    },
    async markUsed(hash, at) {
      const rows = await sql`
        update refresh_tokens set used_at = ${at}
        where token_hash = ${hash} and used_at is null returning token_hash`;
      return rows.length > 0;
    },
    async rotate(sessionId, refreshHash, at, expiresAt) {
      await sql`
        insert into refresh_tokens (token_hash, session_id, issued_at)
        values (${refreshHash}, ${sessionId}, ${at})`;
      await sql`update sessions set expires_at = ${expiresAt} where id = ${sessionId}`;
    },
    async end(userId, sessionId, at) {
      const rows = await sql`
        update sessions set ended_at = ${at}
        where id = ${sessionId} and user_id = ${userId} and ended_at is null returning id`;
      return rows.length > 0;
    },
    async endAll(userId, at, except) {
      const rows = await sql<{ id: string }[]>`
        update sessions set ended_at = ${at}
        where user_id = ${userId} and ended_at is null and expires_at > ${at}
          and id <> ${except ?? "00000000-0000-0000-0000-000000000000"}
        returning id`;
      return rows.map((r) => r.id as SessionId);
    },
    async isLive(userId, sessionId, now) {
      const rows = await sql`
        select 1 from sessions
        where id = ${sessionId} and user_id = ${userId} and ended_at is null
          and expires_at > ${now}`;
      return rows.length > 0;
    },
  };
}
