/**
 * Message history in Cassandra (DESIGN §6). Partitions are (channel, bucket)
 * where bucket = floor(time / bucket size); a page walks buckets from its
 * cursor towards older (or newer) ones until it is full, so pages cross
 * bucket boundaries with no gap and no duplicate. The bucket size is a
 * deployment constant: changing it hides messages written with the old one.
 */
import cassandra from "cassandra-driver";
import type { CassandraClient } from "@chat-ts/shared/cassandra";
import type { ChannelId, MessageId, UserId } from "../../domain/ids.ts";
import type {
  ClientId,
  HistoryCursor,
  Message,
  MessageContent,
} from "../../domain/message/models.ts";
import type { HistoryQuery, MessageStore } from "../../domain/message/ports.ts";
import type { Emoji, Reaction } from "../../domain/message/reactions.ts";

const { TimeUuid } = cassandra.types;
const COLUMNS =
  "channel_id, message_id, user_id, content, client_id, edited_at, reply_to, mentions";
type TimeUuidT = cassandra.types.TimeUuid;

export class CassandraMessageStore implements MessageStore {
  constructor(
    private readonly client: CassandraClient,
    private readonly bucketMs: number,
  ) {}

  bucketOf(at: Date): number {
    return Math.floor(at.getTime() / this.bucketMs);
  }

  async save(message: Message): Promise<{ message: Message; created: boolean }> {
    if (message.clientId !== undefined) {
      const claim = await this.client.execute(
        `INSERT INTO message_client_ids (channel_id, user_id, client_id, message_id)
         VALUES (?, ?, ?, ?) IF NOT EXISTS`,
        [message.channelId, message.userId, message.clientId, message.id],
        { prepare: true, serialConsistency: cassandra.types.consistencies.localSerial },
      );
      if (!claim.wasApplied()) {
        const existingId = String(claim.first().get("message_id")) as MessageId;
        const existing = await this.find(message.channelId, existingId);
        if (existing !== undefined) return { message: existing, created: false };
        // The first attempt claimed the id but never stored the message: finish it now.
        const resumed = { ...message, id: existingId, timestamp: timeOf(existingId) };
        await this.#insert(resumed);
        return { message: resumed, created: true };
      }
    }
    await this.#insert(message);
    return { message, created: true };
  }

  /**
   * Both rows in one unlogged batch: one request instead of two (Cassandra's
   * CPU per request dominates at chat rates), without a logged batch's
   * batchlog round trip. An idempotent retry rewrites both rows.
   */
  async #insert(message: Message): Promise<void> {
    await this.client.batch([
      {
        query: `INSERT INTO messages
                  (channel_id, bucket, message_id, user_id, content, client_id, reply_to, mentions)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        params: [
          message.channelId,
          cassandra.types.Long.fromNumber(this.bucketOf(message.timestamp)),
          message.id,
          message.userId,
          message.content,
          message.clientId ?? null,
          message.replyTo ?? null,
          message.mentions === undefined ? null : [...message.mentions],
        ],
      },
      {
        query: "INSERT INTO messages_by_user (user_id, channel_id, message_id) VALUES (?, ?, ?)",
        params: [message.userId, message.channelId, message.id],
      },
    ], { prepare: true, logged: false });
  }

  async find(channelId: ChannelId, id: MessageId): Promise<Message | undefined> {
    const result = await this.client.execute(
      `SELECT ${COLUMNS} FROM messages WHERE channel_id = ? AND bucket = ? AND message_id = ?`,
      [channelId, cassandra.types.Long.fromNumber(this.bucketOf(timeOf(id))), id],
      { prepare: true },
    );
    const row = result.first();
    return row === null ? undefined : toMessage(row);
  }

  async history(query: HistoryQuery): Promise<Message[]> {
    return query.after === undefined
      ? await this.#older(query)
      : await this.#newer(query, query.after);
  }

  /** The `limit` newest messages before the cursor (or now), newest first. */
  async #older(query: HistoryQuery): Promise<Message[]> {
    const bound = query.before === undefined ? undefined : upperBound(query.before);
    const start = bound === undefined ? this.bucketOf(new Date()) : this.bucketOf(bound.getDate());
    const stop = this.bucketOf(query.since);
    const found: Message[] = [];
    for (let bucket = start; bucket >= stop && found.length < query.limit; bucket--) {
      const params: unknown[] = [query.channelId, cassandra.types.Long.fromNumber(bucket)];
      let cql = `SELECT ${COLUMNS} FROM messages
                 WHERE channel_id = ? AND bucket = ?`;
      if (bound !== undefined) {
        cql += " AND message_id < ?";
        params.push(bound);
      }
      params.push(query.limit - found.length);
      const result = await this.client.execute(`${cql} LIMIT ?`, params, { prepare: true });
      found.push(...result.rows.map(toMessage));
    }
    return found;
  }

  /** The `limit` oldest messages after the cursor, listed newest first. */
  async #newer(query: HistoryQuery, after: HistoryCursor): Promise<Message[]> {
    const bound = lowerBound(after);
    const start = Math.max(this.bucketOf(bound.getDate()), this.bucketOf(query.since));
    const stop = this.bucketOf(new Date());
    const found: Message[] = [];
    for (let bucket = start; bucket <= stop && found.length < query.limit; bucket++) {
      const result = await this.client.execute(
        `SELECT ${COLUMNS} FROM messages
         WHERE channel_id = ? AND bucket = ? AND message_id > ? ORDER BY message_id ASC LIMIT ?`,
        [
          query.channelId,
          cassandra.types.Long.fromNumber(bucket),
          bound,
          query.limit - found.length,
        ],
        { prepare: true },
      );
      found.push(...result.rows.map(toMessage));
    }
    return found.reverse();
  }

  /** Walks the per-user table (DESIGN §6) to find each message's partition. */
  async eraseAuthor(userId: UserId): Promise<number> {
    const written = await this.client.execute(
      "SELECT channel_id, message_id FROM messages_by_user WHERE user_id = ?",
      [userId],
      { prepare: true, fetchSize: 5000 },
    );
    let erased = 0;
    for await (const row of written) { // pages through every message
      const id = String(row.get("message_id")) as MessageId;
      await this.client.execute(
        "DELETE FROM messages WHERE channel_id = ? AND bucket = ? AND message_id = ?",
        [row.get("channel_id"), cassandra.types.Long.fromNumber(this.bucketOf(timeOf(id))), id],
        { prepare: true },
      );
      erased++;
    }
    await this.client.execute("DELETE FROM messages_by_user WHERE user_id = ?", [userId], {
      prepare: true,
    });
    return erased;
  }

  /**
   * A conditional update on what was read (the author, and the edited_at the
   * caller saw): the latest edit wins whatever order edits arrive in, and an
   * edit racing a deletion cannot write a row back. One row per edit goes to
   * message_edits (the edit's bucket) for replay. Edits are rare, so the
   * Paxos round is affordable.
   */
  async edit(
    message: Message,
    content: MessageContent,
    editedAt: Date,
  ): Promise<Message | undefined> {
    let current: Message | undefined = message;
    for (let attempt = 0; attempt < 5 && current !== undefined; attempt++) {
      if (current.editedAt !== undefined && current.editedAt > editedAt) return current;
      const applied = await this.client.execute(
        `UPDATE messages SET content = ?, edited_at = ?
         WHERE channel_id = ? AND bucket = ? AND message_id = ?
         IF user_id = ? AND edited_at = ?`,
        [
          content,
          editedAt,
          message.channelId,
          cassandra.types.Long.fromNumber(this.bucketOf(message.timestamp)),
          message.id,
          message.userId,
          current.editedAt ?? null,
        ],
        { prepare: true, serialConsistency: cassandra.types.consistencies.localSerial },
      );
      if (applied.wasApplied()) {
        await this.client.execute(
          `INSERT INTO message_edits (channel_id, bucket, edit_id, message_id) VALUES (?, ?, ?, ?)`,
          [
            message.channelId,
            cassandra.types.Long.fromNumber(this.bucketOf(editedAt)),
            TimeUuid.fromDate(editedAt),
            message.id,
          ],
          { prepare: true },
        );
        return { ...current, content, editedAt };
      }
      current = await this.find(message.channelId, message.id); // deleted, or edited meanwhile
    }
    return current;
  }

  async editedSince(channelId: ChannelId, since: Date, limit: number): Promise<Message[]> {
    const ids = new Set<MessageId>();
    const bound = TimeUuid.max(since, 9999);
    // Every edit since then is read (a message edited twice counts once), up to the cap.
    for (
      let bucket = this.bucketOf(since), stop = this.bucketOf(new Date());
      bucket <= stop && ids.size < limit;
      bucket++
    ) {
      const result = await this.client.execute(
        `SELECT message_id FROM message_edits WHERE channel_id = ? AND bucket = ? AND edit_id > ?`,
        [channelId, cassandra.types.Long.fromNumber(bucket), bound],
        { prepare: true, fetchSize: 5000 },
      );
      for await (const row of result) {
        ids.add(String(row.get("message_id")) as MessageId);
        if (ids.size >= limit) break;
      }
    }
    const found = await Promise.all([...ids].map((id) => this.find(channelId, id)));
    return found
      .filter((m): m is Message => m?.editedAt !== undefined && m.editedAt > since)
      .sort((a, b) => (a.editedAt?.getTime() ?? 0) - (b.editedAt?.getTime() ?? 0));
  }

  async react(message: Message, reaction: Reaction): Promise<boolean> {
    // Idempotent insert; whether it was new is read first (a race of one user with
    // themselves can at worst announce a reaction twice, never miscount it).
    const existed = await this.#hasReaction(message, reaction);
    await this.client.execute(
      `INSERT INTO message_reactions (channel_id, bucket, message_id, emoji, user_id)
       VALUES (?, ?, ?, ?, ?)`,
      [...this.#reactionKey(message, reaction)],
      { prepare: true },
    );
    return !existed;
  }

  async unreact(message: Message, reaction: Reaction): Promise<boolean> {
    const existed = await this.#hasReaction(message, reaction);
    await this.client.execute(
      `DELETE FROM message_reactions
       WHERE channel_id = ? AND bucket = ? AND message_id = ? AND emoji = ? AND user_id = ?`,
      [...this.#reactionKey(message, reaction)],
      { prepare: true },
    );
    return existed;
  }

  /** One range read per bucket the messages fall in. */
  async reactions(channelId: ChannelId, messageIds: readonly MessageId[]): Promise<Reaction[]> {
    const byBucket = new Map<number, MessageId[]>();
    for (const id of messageIds) {
      const bucket = this.bucketOf(timeOf(id));
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), id]);
    }
    const wanted = new Set<string>(messageIds);
    const found: Reaction[] = [];
    await Promise.all([...byBucket].map(async ([bucket, ids]) => {
      const times = ids.map((id) => timeOf(id).getTime());
      const [first, last] = [Math.min(...times), Math.max(...times)];
      const result = await this.client.execute(
        `SELECT message_id, emoji, user_id FROM message_reactions
         WHERE channel_id = ? AND bucket = ? AND message_id >= ? AND message_id <= ?`,
        [
          channelId,
          cassandra.types.Long.fromNumber(bucket),
          TimeUuid.min(new Date(first), 0),
          TimeUuid.max(new Date(last), 9999),
        ],
        { prepare: true, fetchSize: 5000 },
      );
      for await (const row of result) {
        const messageId = String(row.get("message_id")) as MessageId;
        if (!wanted.has(messageId)) continue;
        found.push({
          messageId,
          emoji: String(row.get("emoji")) as Emoji,
          userId: String(row.get("user_id")) as UserId,
        });
      }
    }));
    return found;
  }

  #reactionKey(message: Message, reaction: Reaction) {
    return [
      message.channelId,
      cassandra.types.Long.fromNumber(this.bucketOf(message.timestamp)),
      reaction.messageId,
      reaction.emoji,
      reaction.userId,
    ] as const;
  }

  async #hasReaction(message: Message, reaction: Reaction): Promise<boolean> {
    const result = await this.client.execute(
      `SELECT user_id FROM message_reactions
       WHERE channel_id = ? AND bucket = ? AND message_id = ? AND emoji = ? AND user_id = ?`,
      [...this.#reactionKey(message, reaction)],
      { prepare: true },
    );
    return result.first() !== null;
  }

  async delete(message: Message): Promise<void> {
    await this.client.batch([
      {
        query: "DELETE FROM messages WHERE channel_id = ? AND bucket = ? AND message_id = ?",
        params: [
          message.channelId,
          cassandra.types.Long.fromNumber(this.bucketOf(message.timestamp)),
          message.id,
        ],
      },
      {
        query:
          "DELETE FROM messages_by_user WHERE user_id = ? AND channel_id = ? AND message_id = ?",
        params: [message.userId, message.channelId, message.id],
      },
    ], { prepare: true, logged: true });
  }
}

function timeOf(id: MessageId): Date {
  return TimeUuid.fromString(id).getDate();
}

/** Messages strictly older than the cursor have ids below this. */
function upperBound(cursor: HistoryCursor): TimeUuidT {
  return cursor.kind === "message" ? TimeUuid.fromString(cursor.id) : TimeUuid.min(cursor.at, 0);
}

/** Messages strictly newer than the cursor have ids above this. */
function lowerBound(cursor: HistoryCursor): TimeUuidT {
  return cursor.kind === "message" ? TimeUuid.fromString(cursor.id) : TimeUuid.max(cursor.at, 9999);
}

function toMessage(row: cassandra.types.Row): Message {
  const id = String(row.get("message_id")) as MessageId;
  const clientId: unknown = row.get("client_id");
  const editedAt: unknown = row.get("edited_at");
  const replyTo: unknown = row.get("reply_to");
  const mentions: unknown = row.get("mentions");
  return {
    id,
    channelId: String(row.get("channel_id")) as ChannelId,
    userId: String(row.get("user_id")) as UserId,
    content: String(row.get("content")) as MessageContent,
    timestamp: timeOf(id),
    ...(typeof clientId === "string" ? { clientId: clientId as ClientId } : {}),
    ...(editedAt instanceof Date ? { editedAt } : {}),
    ...(replyTo === null || replyTo === undefined ? {} : { replyTo: String(replyTo) as MessageId }),
    ...(Array.isArray(mentions) && mentions.length > 0
      ? { mentions: mentions.map((id) => String(id) as UserId) }
      : {}),
  };
}
