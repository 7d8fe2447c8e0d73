/**
 * The message store port: in memory, Postgres on PGlite (embedded mode) and
 * Cassandra (the real deployment; one-second buckets so pages cross them).
 */
import assert from "node:assert/strict";
import { connectCassandra } from "@chat-ts/shared/cassandra";
import type { ChannelId, UserId } from "../../services/chat-service/src/domain/ids.ts";
import type {
  ClientId,
  HistoryCursor,
  Message,
  MessageContent,
} from "../../services/chat-service/src/domain/message/models.ts";
import type { MessageStore } from "../../services/chat-service/src/domain/message/ports.ts";
import type { Emoji, Reaction } from "../../services/chat-service/src/domain/message/reactions.ts";
import { CassandraMessageStore } from "../../services/chat-service/src/outbound/cassandra/message_store.ts";
import { MemoryMessageStore } from "../../services/chat-service/src/outbound/memory/message_store.ts";
import { PostgresMessageStore } from "../../services/chat-service/src/outbound/postgres/message_store.ts";
import { TimeUuidGenerator } from "../../services/chat-service/src/outbound/time_uuid/time_uuid_generator.ts";

const timeUuidGenerator = new TimeUuidGenerator();
import { testCassandraContactPoints, testCassandraKeyspace } from "../support/env.ts";
import { contract, inProcess, onPglite } from "./support.ts";

const newId = <T extends string>() => crypto.randomUUID() as T;

function message(
  channelId: ChannelId,
  at: Date,
  userId = newId<UserId>(),
  clientId?: string,
): Message {
  return {
    id: timeUuidGenerator.next(at),
    channelId,
    userId,
    content: `said at ${at.toISOString()}` as MessageContent,
    timestamp: at,
    ...(clientId === undefined ? {} : { clientId: clientId as ClientId }),
  };
}

/** `count` messages 700 ms apart ending a second ago, oldest first; and the channel's creation time. */
async function conversation(store: MessageStore, count: number) {
  const channelId = newId<ChannelId>();
  const start = Date.now() - 1000 - count * 700;
  const sent: Message[] = [];
  for (let i = 0; i < count; i++) {
    const saved = await store.save(message(channelId, new Date(start + i * 700)));
    sent.push(saved.message);
  }
  return { channelId, sent, since: new Date(start - 1000) };
}

const ids = (messages: readonly Message[]) => messages.map((m) => m.id);

contract<MessageStore>("message store", [
  inProcess("in-memory", () => new MemoryMessageStore()),
  onPglite(["chat", "chat-embedded"], (sql) => new PostgresMessageStore(sql)),
  {
    name: "cassandra",
    async open() {
      const client = await connectCassandra({
        contactPoints: testCassandraContactPoints(),
        keyspace: testCassandraKeyspace(),
      });
      return { subject: new CassandraMessageStore(client, 1000), close: () => client.shutdown() };
    },
  },
], {
  "a saved message is found by id, with its millisecond timestamp": async (store) => {
    const sent = message(newId<ChannelId>(), new Date(Date.now() - 5));
    assert.deepEqual(await store.save(sent), { message: sent, created: true });
    assert.deepEqual(await store.find(sent.channelId, sent.id), sent);
    assert.equal(await store.find(sent.channelId, timeUuidGenerator.next(new Date())), undefined);
  },
  "a retried send with the same client id returns the original and is stored once": async (
    store,
  ) => {
    const channelId = newId<ChannelId>();
    const sender = newId<UserId>();
    const original = message(channelId, new Date(Date.now() - 50), sender, "retry-1");
    await store.save(original);
    const retry = message(channelId, new Date(), sender, "retry-1");
    assert.deepEqual(await store.save(retry), { message: original, created: false });
    // The same client id from someone else is a different message.
    const other = message(channelId, new Date(), newId<UserId>(), "retry-1");
    assert.equal((await store.save(other)).created, true);
    const history = await store.history({
      channelId,
      limit: 10,
      since: new Date(Date.now() - 60_000),
    });
    assert.deepEqual(ids(history), [other.id, original.id]);
  },
  "history pages backwards by message id with no gap and no duplicate": async (store) => {
    const { channelId, sent, since } = await conversation(store, 7);
    const seen: Message[] = [];
    let before: HistoryCursor | undefined;
    for (let page = 0; page < 5; page++) {
      const batch = await store.history({
        channelId,
        limit: 3,
        since,
        ...(before ? { before } : {}),
      });
      seen.push(...batch);
      if (batch.length < 3) break;
      before = { kind: "message", id: batch[batch.length - 1].id };
    }
    assert.deepEqual(ids(seen), ids([...sent].reverse()));
    assert.deepEqual(seen, [...sent].reverse(), "every field round-trips");
  },
  "history pages forwards with after, each page still newest first": async (store) => {
    const { channelId, sent, since } = await conversation(store, 7);
    const firstPage = await store.history({
      channelId,
      limit: 3,
      since,
      after: { kind: "message", id: sent[0].id },
    });
    assert.deepEqual(ids(firstPage), ids(sent.slice(1, 4).reverse()));
    const nextPage = await store.history({
      channelId,
      limit: 10,
      since,
      after: { kind: "message", id: sent[3].id },
    });
    assert.deepEqual(ids(nextPage), ids(sent.slice(4).reverse()));
  },
  "time cursors: before and after a point in time": async (store) => {
    const { channelId, sent, since } = await conversation(store, 5);
    const middle = sent[2].timestamp;
    const older = await store.history({
      channelId,
      limit: 10,
      since,
      before: { kind: "time", at: middle },
    });
    assert.deepEqual(ids(older), ids(sent.slice(0, 2).reverse()));
    const newer = await store.history({
      channelId,
      limit: 10,
      since,
      after: { kind: "time", at: middle },
    });
    assert.deepEqual(ids(newer), ids(sent.slice(3).reverse()));
  },
  "a deleted message leaves history; the rest stays": async (store) => {
    const { channelId, sent, since } = await conversation(store, 3);
    await store.delete(sent[1]);
    assert.equal(await store.find(channelId, sent[1].id), undefined);
    const history = await store.history({ channelId, limit: 10, since });
    assert.deepEqual(ids(history), [sent[2].id, sent[0].id]);
  },
  "an edit replaces the content, sets edited_at, and history returns it": async (store) => {
    const { channelId, sent, since } = await conversation(store, 3);
    assert.equal((await store.find(channelId, sent[1].id))?.editedAt, undefined);
    const at = new Date(Date.now() - 100);
    const edited = await store.edit(sent[1], "changed" as MessageContent, at);
    assert.deepEqual(edited, { ...sent[1], content: "changed", editedAt: at });
    assert.deepEqual(await store.find(channelId, sent[1].id), edited);
    const history = await store.history({ channelId, limit: 10, since });
    assert.deepEqual(history, [sent[2], edited, sent[0]]);
  },
  "the latest edit wins whatever order edits arrive in": async (store) => {
    const { channelId, sent } = await conversation(store, 1);
    const later = new Date(Date.now() - 50);
    const earlier = new Date(later.getTime() - 20);
    await store.edit(sent[0], "second" as MessageContent, later);
    await store.edit(sent[0], "first" as MessageContent, earlier);
    const found = await store.find(channelId, sent[0].id);
    assert.equal(found?.content, "second");
    assert.deepEqual(found?.editedAt, later);
  },
  "editedSince lists messages edited after a time, oldest edit first, each once": async (
    store,
  ) => {
    const { channelId, sent } = await conversation(store, 4);
    const t = Date.now() - 3000;
    await store.edit(sent[0], "old edit" as MessageContent, new Date(t));
    await store.edit(sent[2], "a" as MessageContent, new Date(t + 1200));
    await store.edit(sent[1], "b" as MessageContent, new Date(t + 1500));
    await store.edit(sent[2], "c" as MessageContent, new Date(t + 2100));
    const since = await store.editedSince(channelId, new Date(t + 500), 10);
    assert.deepEqual(since.map((m) => [m.id, m.content]), [
      [sent[1].id, "b"],
      [sent[2].id, "c"],
    ]);
    assert.equal((await store.editedSince(channelId, new Date(t + 500), 1)).length, 1);
    assert.deepEqual(await store.editedSince(newId<ChannelId>(), new Date(t), 10), []);
  },
  "editing a deleted message stores nothing and brings nothing back": async (store) => {
    const { channelId, sent, since } = await conversation(store, 2);
    await store.delete(sent[0]);
    assert.equal(await store.edit(sent[0], "ghost" as MessageContent, new Date()), undefined);
    assert.equal(await store.find(channelId, sent[0].id), undefined);
    assert.deepEqual(ids(await store.history({ channelId, limit: 10, since })), [sent[1].id]);
  },
  "a reply keeps the id of the message it answers": async (store) => {
    const { channelId, sent, since } = await conversation(store, 1);
    const reply = { ...message(channelId, new Date(Date.now() - 10)), replyTo: sent[0].id };
    await store.save(reply);
    assert.deepEqual(await store.find(channelId, reply.id), reply);
    assert.deepEqual((await store.history({ channelId, limit: 1, since }))[0], reply);
  },
  "a message keeps its mentions in order, through an edit; none is no field": async (store) => {
    const { channelId, sent, since } = await conversation(store, 1);
    const [ada, bo] = [newId<UserId>(), newId<UserId>()];
    const mentioning = { ...message(channelId, new Date(Date.now() - 10)), mentions: [bo, ada] };
    await store.save(mentioning);
    assert.deepEqual(await store.find(channelId, mentioning.id), mentioning);
    assert.deepEqual((await store.history({ channelId, limit: 2, since })).map((m) => m.mentions), [
      [bo, ada],
      undefined,
    ]);
    assert.equal("mentions" in (await store.find(channelId, sent[0].id) ?? {}), false);
    const edited = await store.edit(mentioning, "changed" as MessageContent, new Date());
    assert.deepEqual(edited?.mentions, [bo, ada]);
    assert.deepEqual((await store.find(channelId, mentioning.id))?.mentions, [bo, ada]);
  },
  "a reaction is stored once per (message, emoji, user), and taken back once": async (store) => {
    const { channelId, sent } = await conversation(store, 2);
    const [ada, bo] = [newId<UserId>(), newId<UserId>()];
    const thumbs = { messageId: sent[0].id, emoji: "👍" as Emoji, userId: ada };
    assert.equal(await store.react(sent[0], thumbs), true);
    assert.equal(await store.react(sent[0], thumbs), false, "again: already there");
    await store.react(sent[0], { ...thumbs, userId: bo });
    await store.react(sent[0], { ...thumbs, emoji: "🎉" as Emoji });
    await store.react(sent[1], { ...thumbs, messageId: sent[1].id });
    const sort = (rs: Reaction[]) =>
      rs.map((r) => [r.messageId, r.emoji, r.userId].join(" ")).sort();
    assert.deepEqual(
      sort(await store.reactions(channelId, [sent[0].id])),
      sort([
        thumbs,
        { ...thumbs, userId: bo },
        { ...thumbs, emoji: "🎉" as Emoji },
      ]),
    );
    assert.equal((await store.reactions(channelId, ids(sent))).length, 4);
    assert.equal(await store.unreact(sent[0], thumbs), true);
    assert.equal(await store.unreact(sent[0], thumbs), false);
    assert.equal((await store.reactions(channelId, [sent[0].id])).length, 2);
    assert.deepEqual(await store.reactions(newId<ChannelId>(), [sent[0].id]), []);
  },
  "100 users reacting at once are counted exactly": async (store) => {
    const { channelId, sent } = await conversation(store, 1);
    const users = Array.from({ length: 100 }, () => newId<UserId>());
    const reaction = (userId: UserId) => ({ messageId: sent[0].id, emoji: "🔥" as Emoji, userId });
    await Promise.all(users.map((u) => store.react(sent[0], reaction(u))));
    await Promise.all(users.slice(0, 10).map((u) => store.react(sent[0], reaction(u)))); // again
    assert.equal((await store.reactions(channelId, [sent[0].id])).length, 100);
  },
  "erasing an author removes every message they wrote, in every channel": async (store) => {
    const leaving = newId<UserId>();
    const [here, there] = [newId<ChannelId>(), newId<ChannelId>()];
    const at = Date.now() - 100;
    const theirs = [
      message(here, new Date(at), leaving),
      message(there, new Date(at + 1), leaving),
    ];
    const kept = message(here, new Date(at + 2));
    for (const m of [...theirs, kept]) await store.save(m);
    assert.equal(await store.eraseAuthor(leaving), 2);
    const since = new Date(at - 60_000);
    assert.deepEqual(ids(await store.history({ channelId: here, limit: 10, since })), [kept.id]);
    assert.deepEqual(await store.history({ channelId: there, limit: 10, since }), []);
  },
});
