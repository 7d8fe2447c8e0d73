/**
 * Message history in Postgres: the embedded mode's store (on PGlite), with
 * the same contract as the Cassandra store. One table ordered by
 * (sent_at, id) within a channel; no buckets are needed because an index
 * range scan is as cheap for an old channel as for a new one.
 */
import type { Sql } from "@chat-ts/shared/postgres";
import { type ChannelId, MessageId, type UserId } from "../../domain/ids.ts";
import type {
  ClientId,
  HistoryCursor,
  Message,
  MessageContent,
} from "../../domain/message/models.ts";
import type { HistoryQuery, MessageStore } from "../../domain/message/ports.ts";
import type { Emoji, Reaction } from "../../domain/message/reactions.ts";

interface MessageRow {
  readonly channel_id: string;
  readonly id: string;
  readonly sent_at: Date;
  readonly user_id: string;
  readonly content: string;
  readonly client_id: string | null;
  readonly edited_at: Date | null;
  readonly reply_to: string | null;
  readonly mentions: string[] | null;
}

export class PostgresMessageStore implements MessageStore {
  constructor(private readonly sql: Sql) {}

  async save(message: Message): Promise<{ message: Message; created: boolean }> {
    const inserted = await this.sql<MessageRow[]>`
      insert into messages
        (channel_id, id, sent_at, user_id, content, client_id, reply_to, mentions)
      values (${message.channelId}, ${message.id}, ${message.timestamp}, ${message.userId},
              ${message.content}, ${message.clientId ?? null}, ${message.replyTo ?? null},
              ${
      message.mentions === undefined ? null : this.sql.array([...message.mentions])
    }::uuid[])
      on conflict (channel_id, user_id, client_id) where client_id is not null do nothing
      returning *`;
    if (inserted.length > 0) return { message, created: true };
    const [original] = await this.sql<MessageRow[]>`
      select * from messages
      where channel_id = ${message.channelId} and user_id = ${message.userId}
        and client_id = ${message.clientId ?? null}`;
    if (original === undefined) {
      // Only a concurrent erasure of the sender can get here; storing the retry again is right.
      return await this.save(message);
    }
    return { message: toMessage(original), created: false };
  }

  async find(channelId: ChannelId, id: MessageId): Promise<Message | undefined> {
    const [row] = await this.sql<MessageRow[]>`
      select * from messages where channel_id = ${channelId} and id = ${id}`;
    return row === undefined ? undefined : toMessage(row);
  }

  async history(query: HistoryQuery): Promise<Message[]> {
    const { sql } = this;
    if (query.after !== undefined) {
      const rows = await sql<MessageRow[]>`
        select * from messages
        where channel_id = ${query.channelId} and ${newerThan(sql, query.after)}
        order by sent_at asc, id asc limit ${query.limit}`;
      return rows.map(toMessage).reverse();
    }
    const rows = await sql<MessageRow[]>`
      select * from messages
      where channel_id = ${query.channelId}
        ${query.before === undefined ? sql`` : sql`and ${olderThan(sql, query.before)}`}
      order by sent_at desc, id desc limit ${query.limit}`;
    return rows.map(toMessage);
  }

  async delete(message: Message): Promise<void> {
    await this
      .sql`delete from messages where channel_id = ${message.channelId} and id = ${message.id}`;
  }

  async edit(
    message: Message,
    content: MessageContent,
    editedAt: Date,
  ): Promise<Message | undefined> {
    const [edited] = await this.sql<MessageRow[]>`
      update messages set content = ${content}, edited_at = ${editedAt}
      where channel_id = ${message.channelId} and id = ${message.id}
        and (edited_at is null or edited_at <= ${editedAt})
      returning *`;
    return edited === undefined
      ? await this.find(message.channelId, message.id) // gone, or a later edit won
      : toMessage(edited);
  }

  async editedSince(channelId: ChannelId, since: Date, limit: number): Promise<Message[]> {
    const rows = await this.sql<MessageRow[]>`
      select * from messages where channel_id = ${channelId} and edited_at > ${since}
      order by edited_at asc limit ${limit}`;
    return rows.map(toMessage);
  }

  async react(message: Message, reaction: Reaction): Promise<boolean> {
    const added = await this.sql`
      insert into message_reactions (channel_id, message_id, emoji, user_id)
      values (${message.channelId}, ${reaction.messageId}, ${reaction.emoji}, ${reaction.userId})
      on conflict do nothing`;
    return added.count > 0;
  }

  async unreact(message: Message, reaction: Reaction): Promise<boolean> {
    const removed = await this.sql`
      delete from message_reactions
      where channel_id = ${message.channelId} and message_id = ${reaction.messageId}
        and emoji = ${reaction.emoji} and user_id = ${reaction.userId}`;
    return removed.count > 0;
  }

  async reactions(channelId: ChannelId, messageIds: readonly MessageId[]): Promise<Reaction[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.sql<{ message_id: string; emoji: string; user_id: string }[]>`
      select message_id, emoji, user_id from message_reactions
      where channel_id = ${channelId} and message_id = any(${[...messageIds]}::uuid[])`;
    return rows.map((r) => ({
      messageId: r.message_id as MessageId,
      emoji: r.emoji as Emoji,
      userId: r.user_id as UserId,
    }));
  }

  async eraseAuthor(userId: UserId): Promise<number> {
    const erased = await this.sql`delete from messages where user_id = ${userId}`;
    return erased.count;
  }
}

function olderThan(sql: Sql, cursor: HistoryCursor) {
  return cursor.kind === "time"
    ? sql`sent_at < ${cursor.at}`
    : sql`(sent_at, id) < (${MessageId.timeOf(cursor.id)}, ${cursor.id}::uuid)`;
}

function newerThan(sql: Sql, cursor: HistoryCursor) {
  return cursor.kind === "time"
    ? sql`sent_at > ${cursor.at}`
    : sql`(sent_at, id) > (${MessageId.timeOf(cursor.id)}, ${cursor.id}::uuid)`;
}

function toMessage(row: MessageRow): Message {
  return {
    id: row.id as MessageId,
    channelId: row.channel_id as ChannelId,
    userId: row.user_id as UserId,
    content: row.content as MessageContent,
    timestamp: row.sent_at,
    ...(row.client_id === null ? {} : { clientId: row.client_id as ClientId }),
    ...(row.edited_at === null ? {} : { editedAt: row.edited_at }),
    ...(row.reply_to === null ? {} : { replyTo: row.reply_to as MessageId }),
    ...(row.mentions === null || row.mentions.length === 0
      ? {}
      : { mentions: row.mentions.map((id) => id as UserId) }),
  };
}
