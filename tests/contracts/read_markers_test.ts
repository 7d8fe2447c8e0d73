/** The read-marker port: in memory, on PGlite (embedded mode) and on real Postgres. */
import assert from "node:assert/strict";
import type { ChannelId, MessageId, UserId } from "../../services/chat-service/src/domain/ids.ts";
import { type ReadMarkers, UNREAD_CAP } from "../../services/chat-service/src/domain/read/ports.ts";
import { MemoryReadMarkers } from "../../services/chat-service/src/outbound/memory/read_markers.ts";
import { PostgresReadMarkers } from "../../services/chat-service/src/outbound/postgres/read_markers.ts";
import { TimeUuidGenerator } from "../../services/chat-service/src/outbound/time_uuid/time_uuid_generator.ts";
import { contract, inMemoryAndPostgres } from "./support.ts";

const ids = new TimeUuidGenerator();
const uuid = <T>() => crypto.randomUUID() as T;
const at = new Date(Math.floor(Date.now() / 1000) * 1000);

async function send(reads: ReadMarkers, channelId: ChannelId, userId: UserId, n = 1) {
  const sent: MessageId[] = [];
  for (let i = 0; i < n; i++) {
    const id = ids.next(new Date()) as MessageId;
    await reads.recordMessage({ channelId, id, userId, preview: `m${i}`, at });
    sent.push(id);
  }
  return sent;
}

const unread = async (reads: ReadMarkers, user: UserId, channel: ChannelId) =>
  (await reads.summaries(user, [channel]))[0].unreadCount;

const markers = inMemoryAndPostgres<ReadMarkers>(MemoryReadMarkers, PostgresReadMarkers, "chat", 4);

contract("read markers", markers, {
  "with no marker every message is unread; last_message is the newest": async (reads) => {
    const [channel, author, reader] = [uuid<ChannelId>(), uuid<UserId>(), uuid<UserId>()];
    const sent = await send(reads, channel, author, 3);
    const [summary] = await reads.summaries(reader, [channel]);
    assert.equal(summary.unreadCount, 3);
    assert.equal(summary.lastReadId, null);
    assert.equal(summary.lastMessage?.id, sent[2]);
    assert.equal(summary.lastMessage?.userId, author);
    assert.equal(summary.lastMessage?.preview, "m2");
    const [empty] = await reads.summaries(reader, [uuid<ChannelId>()]);
    assert.deepEqual([empty.unreadCount, empty.lastMessage, empty.lastReadId], [0, null, null]);
  },
  "a mark counts what follows it; markers never move backwards": async (reads) => {
    const [channel, author, reader] = [uuid<ChannelId>(), uuid<UserId>(), uuid<UserId>()];
    const sent = await send(reads, channel, author, 5);
    const second = await reads.markRead(reader, channel, sent[1], at);
    assert.equal(second?.moved, true);
    assert.equal(second?.summary.unreadCount, 3);
    assert.equal(second?.summary.lastReadId, sent[1]);
    const back = await reads.markRead(reader, channel, sent[0], at);
    assert.equal(back?.moved, false);
    assert.equal(back?.summary.lastReadId, sent[1]);
    assert.equal(await unread(reads, reader, channel), 3);
    assert.equal(await reads.markRead(reader, channel, uuid<MessageId>(), at), undefined);
    // Another channel's message is not this channel's.
    assert.equal(await reads.markRead(reader, uuid<ChannelId>(), sent[2], at), undefined);
  },
  "concurrent marks from two devices end at the furthest": async (reads) => {
    const [channel, author, reader] = [uuid<ChannelId>(), uuid<UserId>(), uuid<UserId>()];
    const sent = await send(reads, channel, author, 10);
    await Promise.all(sent.map((id) => reads.markRead(reader, channel, id, at)));
    const [summary] = await reads.summaries(reader, [channel]);
    assert.equal(summary.lastReadId, sent[9]);
    assert.equal(summary.unreadCount, 0);
  },
  "concurrent sends all count; a deleted message no longer does": async (reads) => {
    const [channel, reader] = [uuid<ChannelId>(), uuid<UserId>()];
    const batches = await Promise.all(
      Array.from({ length: 4 }, () => send(reads, channel, uuid<UserId>(), 5)),
    );
    assert.equal(await unread(reads, reader, channel), 20);
    await Promise.all(batches.map((b) => reads.forgetMessage(channel, b[0])));
    assert.equal(await unread(reads, reader, channel), 16);
    // Recording the same message again (a retried send) counts it once.
    const [again] = batches[1].slice(1);
    await reads.recordMessage({
      channelId: channel,
      id: again,
      userId: uuid<UserId>(),
      preview: "x",
      at,
    });
    assert.equal(await unread(reads, reader, channel), 16);
  },
  "the order is the history's (a message id's time), not the order of recording": async (reads) => {
    const [channel, author, reader] = [uuid<ChannelId>(), uuid<UserId>(), uuid<UserId>()];
    const [early, late] = [ids.next(new Date()) as MessageId, ids.next(new Date()) as MessageId];
    // Concurrent sends: the later message is indexed first.
    for (const id of [late, early]) {
      await reads.recordMessage({ channelId: channel, id, userId: author, preview: "p", at });
    }
    const marked = await reads.markRead(reader, channel, late, at);
    assert.equal(marked?.summary.unreadCount, 0);
    assert.equal(marked?.summary.lastMessage?.id, late);
    assert.equal((await reads.markRead(reader, channel, early, at))?.moved, false);
  },
  "the author has read up to their own message; a later one from someone else is unread": async (
    reads,
  ) => {
    const [channel, author, other] = [uuid<ChannelId>(), uuid<UserId>(), uuid<UserId>()];
    await send(reads, channel, other, 2);
    const [mine] = await send(reads, channel, author);
    const [summary] = await reads.summaries(author, [channel]);
    assert.deepEqual([summary.unreadCount, summary.lastReadId], [0, mine]);
    await send(reads, channel, other);
    assert.equal(await unread(reads, author, channel), 1);
  },
  "counts stop at the cap (99+)": async (reads) => {
    const [channel, author, reader] = [uuid<ChannelId>(), uuid<UserId>(), uuid<UserId>()];
    await send(reads, channel, author, UNREAD_CAP + 5);
    assert.equal(await unread(reads, reader, channel), UNREAD_CAP);
  },
  "an edit changes last_message's preview": async (reads) => {
    const [channel, author] = [uuid<ChannelId>(), uuid<UserId>()];
    const [id] = await send(reads, channel, author);
    await reads.editMessage(channel, id, "edited");
    const [summary] = await reads.summaries(author, [channel]);
    assert.equal(summary.lastMessage?.preview, "edited");
  },
});
