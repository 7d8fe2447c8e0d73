/**
 * Read markers in chat's Postgres (migrations 0005, 0006). A message's index row is written on
 * send and removed on delete, ordered as the history is: by the time in its id (`seq`, 100 ns
 * ticks), then the id. A marker is the (seq, id) of the newest message read; a count is a range
 * read of at most `UNREAD_CAP` index rows after it (`channel_message_index_by_channel`), never
 * a scan of the history.
 */
import type { Sql } from "@chat-ts/shared/postgres";
import { type ChannelId, MessageId, type UserId } from "../../domain/ids.ts";
import { type ReadMarkers, type ReadSummary, UNREAD_CAP } from "../../domain/read/ports.ts";

interface SummaryRow {
  channel_id: string;
  last_read_id: string | null;
  unread: string | number;
  last_id: string | null;
  last_user_id: string | null;
  last_preview: string | null;
  last_at: Date | null;
}

const toSummary = (row: SummaryRow): ReadSummary => ({
  channelId: row.channel_id as ChannelId,
  unreadCount: Number(row.unread),
  lastReadId: row.last_read_id as MessageId | null,
  lastMessage: row.last_id === null ? null : {
    id: row.last_id as MessageId,
    userId: row.last_user_id as UserId,
    preview: row.last_preview ?? "",
    at: row.last_at ?? new Date(0),
  },
});

const ticksOf = (id: MessageId) => MessageId.ticksOf(id).toString();

export class PostgresReadMarkers implements ReadMarkers {
  constructor(private readonly sql: Sql) {}

  async recordMessage(
    m: { channelId: ChannelId; id: MessageId; userId: UserId; preview: string; at: Date },
  ): Promise<void> {
    // One statement on the send path: the index row and the author's marker.
    const seq = ticksOf(m.id);
    await this.sql`
      with indexed as (
        insert into channel_message_index (channel_id, message_id, user_id, preview, sent_at, seq)
        values (${m.channelId}, ${m.id}, ${m.userId}, ${m.preview}, ${m.at}, ${seq})
        on conflict (message_id) do nothing)
      insert into read_markers (user_id, channel_id, message_id, position, seq, updated_at)
      values (${m.userId}, ${m.channelId}, ${m.id}, 0, ${seq}, ${m.at})
      on conflict (user_id, channel_id) do update
        set message_id = excluded.message_id, seq = excluded.seq,
            updated_at = excluded.updated_at
        where (read_markers.seq, read_markers.message_id) < (excluded.seq, excluded.message_id)`;
  }

  async editMessage(channelId: ChannelId, id: MessageId, preview: string): Promise<void> {
    await this.sql`
      update channel_message_index set preview = ${preview}
      where channel_id = ${channelId} and message_id = ${id}`;
  }

  async forgetMessage(channelId: ChannelId, id: MessageId): Promise<void> {
    await this.sql`
      delete from channel_message_index where channel_id = ${channelId} and message_id = ${id}`;
  }

  async markRead(userId: UserId, channelId: ChannelId, messageId: MessageId, at: Date) {
    const [target] = await this.sql<{ seq: string }[]>`
      select seq from channel_message_index
      where channel_id = ${channelId} and message_id = ${messageId}`;
    if (target === undefined) return undefined;
    // Forward only, in one statement: of two concurrent marks the later message wins.
    const moved = await this.sql`
      insert into read_markers (user_id, channel_id, message_id, position, seq, updated_at)
      values (${userId}, ${channelId}, ${messageId}, 0, ${target.seq}, ${at})
      on conflict (user_id, channel_id) do update
        set message_id = excluded.message_id, seq = excluded.seq,
            updated_at = excluded.updated_at
        where (read_markers.seq, read_markers.message_id) < (excluded.seq, excluded.message_id)
      returning seq`;
    const [summary] = await this.summaries(userId, [channelId]);
    return { moved: moved.length > 0, summary };
  }

  async summaries(userId: UserId, channelIds: readonly ChannelId[]): Promise<ReadSummary[]> {
    if (channelIds.length === 0) return [];
    const rows = await this.sql<SummaryRow[]>`
      select c.id as channel_id, m.message_id as last_read_id,
        (select count(*) from (
          select 1 from channel_message_index i
          -- One row comparison (no OR), so it is a range of channel_message_index_by_channel:
          -- with an OR Postgres read every index row of the channel on each count.
          where i.channel_id = c.id
            and (i.seq, i.message_id) > (coalesce(m.seq, -1),
                 coalesce(m.message_id, '00000000-0000-0000-0000-000000000000'::uuid))
          order by i.seq, i.message_id limit ${UNREAD_CAP}) bounded) as unread,
        l.message_id as last_id, l.user_id as last_user_id, l.preview as last_preview,
        l.sent_at as last_at
      from unnest(${this.sql.array([...channelIds])}::uuid[]) as c(id)
      left join read_markers m on m.user_id = ${userId} and m.channel_id = c.id
      left join lateral (
        select message_id, user_id, preview, sent_at from channel_message_index i
        where i.channel_id = c.id order by i.seq desc, i.message_id desc limit 1) l on true`;
    const byId = new Map(rows.map((row) => [row.channel_id, toSummary(row)]));
    return channelIds.flatMap((id) => byId.get(id) ?? []);
  }
}
