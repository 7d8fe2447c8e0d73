/** Message rules with in-process adapters: fast, no infrastructure. */
import assert from "node:assert/strict";
import { silentLogger } from "@chat-ts/shared/logger";
import { unwrap } from "@chat-ts/shared/result";
import type { ChannelId, MessageId, UserId } from "../ids.ts";
import { ChannelName } from "../channel/models.ts";
import { ClientId, MessageContent } from "./models.ts";
import { MemoryChannelRepository } from "../../outbound/memory/channel_repository.ts";
import { MemoryMessageStore } from "../../outbound/memory/message_store.ts";
import { TimeUuidGenerator } from "../../outbound/time_uuid/time_uuid_generator.ts";
import { channelServiceWithoutEvents } from "../../../../../tests/support/channel_service.ts";
import type { UserLookup } from "../user/ports.ts";
import type { MessageEvent } from "./events.ts";
import { MessageService } from "./service.ts";

const alice = "00000000-0000-4000-8000-00000000000a" as UserId;
const bob = "00000000-0000-4000-8000-00000000000b" as UserId;

const carol = "00000000-0000-4000-8000-00000000000c" as UserId;
/** Who bears which name (the replica), lower-cased. */
const named: Record<string, UserId> = { alice, bob, carol };

const timeUuids = new TimeUuidGenerator();
const content = (raw: string) => unwrap(MessageContent.parse(raw));
const clientId = (raw: string) => unwrap(ClientId.parse(raw));

async function setup(
  options: { lookup?: UserLookup; publishFails?: boolean; named?: Record<string, UserId> } = {},
) {
  const known = options.named ?? named;
  let now = new Date("2026-01-01T00:00:00.000Z");
  const clock = { now: () => now };
  const users = {
    lookup: () =>
      Promise.resolve(options.lookup ?? { status: "found" as const, username: "alice" }),
  };
  const channels = channelServiceWithoutEvents({
    channels: new MemoryChannelRepository(),
    users,
    clock,
  });
  const published: MessageEvent[] = [];
  const messages = new MessageService({
    channels,
    messages: new MemoryMessageStore(),
    events: {
      publish: (e) =>
        options.publishFails
          ? Promise.reject(new Error("kafka down"))
          : Promise.resolve(void published.push(e)),
    },
    users,
    names: {
      idsOf: (names: readonly string[]) =>
        Promise.resolve(new Map(names.flatMap((n) => n in known ? [[n, known[n]]] : []))),
    },
    ids: { next: (at: Date) => timeUuids.next(at), newEventId: () => crypto.randomUUID() },
    clock,
    logger: silentLogger,
  });
  const open = await channels.create(alice, {
    type: "public",
    name: unwrap(ChannelName.parse("lobby")),
    description: null,
  });
  const closed = await channels.create(alice, {
    type: "private",
    name: unwrap(ChannelName.parse("inner")),
    description: null,
  });
  assert.ok(open.ok && closed.ok);
  return {
    messages,
    published,
    lobby: open.value.channel.id,
    inner: closed.value.channel.id,
    tick: (ms = 1) => now = new Date(now.getTime() + ms),
  };
}

Deno.test("messages: content is trimmed and checked; ids are time-based with the message's millisecond time", async () => {
  const { messages, lobby, published } = await setup();
  const sent = await messages.send(alice, lobby, { content: content("  hi  ") });
  assert.ok(sent.ok);
  assert.equal(sent.value.content, "hi");
  assert.equal(sent.value.username, "alice");
  assert.match(sent.value.id, /^[0-9a-f]{8}-[0-9a-f]{4}-1/);
  assert.equal(sent.value.timestamp.toISOString(), "2026-01-01T00:00:00.000Z");
  assert.equal(published.length, 1);
  for (const raw of ["", " \n ", "x".repeat(4001)]) {
    const refused = MessageContent.parse(raw);
    assert.ok(
      !refused.ok && refused.error.type === "validation" && refused.error.field === "content",
    );
  }
});

Deno.test("messages: a retried client_id returns the original and is published once", async () => {
  const { messages, lobby, published, tick } = await setup();
  const first = await messages.send(alice, lobby, {
    content: content("once"),
    clientId: clientId("k1"),
  });
  tick(5);
  const retry = await messages.send(alice, lobby, {
    content: content("once"),
    clientId: clientId("k1"),
  });
  assert.ok(first.ok && retry.ok);
  assert.deepEqual(retry.value, first.value);
  assert.equal(published.length, 1);
  const history = await messages.history(bob, lobby, { limit: 10 });
  assert.ok(history.ok && history.value.length === 1);
});

Deno.test("messages: a channel the sender may not see is not found; nothing is stored", async () => {
  const { messages, inner, published } = await setup();
  const refused = await messages.send(bob, inner, { content: content("hello?") });
  assert.ok(!refused.ok && refused.error.type === "channel_not_found");
  const history = await messages.history(bob, inner, { limit: 10 });
  assert.ok(!history.ok);
  assert.equal(published.length, 0);
});

Deno.test("messages: history pages newest first by id and time, both directions", async () => {
  const { messages, lobby, tick } = await setup();
  const ids: MessageId[] = [];
  for (let i = 0; i < 7; i++) {
    const sent = await messages.send(alice, lobby, { content: content(`m${i}`) });
    assert.ok(sent.ok);
    ids.push(sent.value.id);
    tick(10);
  }
  const page = async (q: Parameters<MessageService["history"]>[2]) => {
    const r = await messages.history(bob, lobby, q);
    assert.ok(r.ok);
    return r.value.map((m) => m.id);
  };
  assert.deepEqual(await page({ limit: 3 }), [ids[6], ids[5], ids[4]]);
  assert.deepEqual(await page({ limit: 3, before: { kind: "message", id: ids[4] } }), [
    ids[3],
    ids[2],
    ids[1],
  ]);
  assert.deepEqual(await page({ limit: 2, after: { kind: "message", id: ids[1] } }), [
    ids[3],
    ids[2],
  ]);
  assert.deepEqual(
    await page({ limit: 10, after: { kind: "time", at: new Date("2026-01-01T00:00:00.030Z") } }),
    [
      ids[6],
      ids[5],
      ids[4],
    ],
  );
  assert.deepEqual(
    await page({ limit: 10, before: { kind: "time", at: new Date("2026-01-01T00:00:00.020Z") } }),
    [
      ids[1],
      ids[0],
    ],
  );
});

Deno.test("messages: only the author deletes; the deletion is published", async () => {
  const { messages, lobby, published } = await setup();
  const sent = await messages.send(alice, lobby, { content: content("mine") });
  assert.ok(sent.ok);
  const theft = await messages.delete(bob, lobby, sent.value.id);
  assert.ok(!theft.ok && theft.error.type === "not_author");
  assert.ok((await messages.delete(alice, lobby, sent.value.id)).ok);
  const again = await messages.delete(alice, lobby, sent.value.id);
  assert.ok(!again.ok && again.error.type === "message_not_found");
  assert.deepEqual(published.map((e) => e.type), ["message_sent", "message_deleted"]);
});

Deno.test("messages: degraded mode keeps sending: no username, and a failed broadcast still stores the message", async () => {
  const { messages, lobby } = await setup({
    lookup: { status: "unavailable" },
    publishFails: true,
  });
  const sent = await messages.send(alice, lobby, { content: content("still here") });
  assert.ok(sent.ok);
  assert.equal(sent.value.username, null);
  const history = await messages.history(bob, lobby, { limit: 1 });
  assert.ok(history.ok && history.value[0].content === "still here");
});

Deno.test("messages: only the author edits; the edit is stored, published and seen in history", async () => {
  const { messages, lobby, published, tick } = await setup();
  const sent = await messages.send(alice, lobby, { content: content("frist") });
  assert.ok(sent.ok);
  assert.equal(sent.value.editedAt, undefined);
  const theft = await messages.edit(bob, lobby, sent.value.id, content("mine now"));
  assert.ok(!theft.ok && theft.error.type === "not_author");
  tick(1000);
  const edited = await messages.edit(alice, lobby, sent.value.id, content("first"));
  assert.ok(edited.ok);
  assert.equal(edited.value.content, "first");
  assert.equal(edited.value.editedAt?.toISOString(), "2026-01-01T00:00:01.000Z");
  assert.equal(edited.value.id, sent.value.id);
  const history = await messages.history(bob, lobby, { limit: 1 });
  assert.ok(history.ok && history.value[0].content === "first");
  assert.deepEqual(published.map((e) => e.type), ["message_sent", "message_edited"]);
  const missing = await messages.edit(alice, lobby, timeUuids.next(new Date()), content("?"));
  assert.ok(!missing.ok && missing.error.type === "message_not_found");
});

Deno.test("messages: editedSince lists edits of messages up to the cursor made after it was sent", async () => {
  const { messages, lobby, tick } = await setup();
  const old = await messages.send(alice, lobby, { content: content("old") });
  tick(10);
  const seen = await messages.send(alice, lobby, { content: content("seen") });
  tick(10);
  const newer = await messages.send(alice, lobby, { content: content("newer") });
  assert.ok(old.ok && seen.ok && newer.ok);
  tick(10);
  await messages.edit(alice, lobby, old.value.id, content("old, edited"));
  await messages.edit(alice, lobby, newer.value.id, content("newer, edited")); // replayed whole
  const edits = await messages.editedSince(bob, lobby, seen.value.id, 10);
  assert.ok(edits.ok);
  assert.deepEqual(edits.value.map((e) => [e.messageId, e.content]), [
    [old.value.id, "old, edited"],
  ]);
});

Deno.test("messages: a reply quotes its original (author, preview) as it is now, or as deleted", async () => {
  const { messages, lobby, inner, published } = await setup();
  const original = await messages.send(alice, lobby, { content: content("x".repeat(200)) });
  assert.ok(original.ok);
  const reply = await messages.send(bob, lobby, {
    content: content("answer"),
    replyTo: original.value.id,
  });
  assert.ok(reply.ok);
  assert.equal(reply.value.replyTo, original.value.id);
  assert.deepEqual(reply.value.quote, {
    id: original.value.id,
    deleted: false,
    userId: alice,
    username: "alice",
    preview: "x".repeat(120),
  });
  const announced = published[1];
  assert.ok(announced.type === "message_sent");
  assert.equal(announced.message.replyTo, original.value.id);
  // Only a message of the same channel can be answered.
  const elsewhere = await messages.send(alice, inner, {
    content: content("cross"),
    replyTo: original.value.id,
  });
  assert.ok(!elsewhere.ok && elsewhere.error.type === "validation");
  assert.equal(elsewhere.error.field, "reply_to");
  assert.ok((await messages.delete(alice, lobby, original.value.id)).ok);
  const history = await messages.history(bob, lobby, { limit: 1 });
  assert.ok(history.ok);
  assert.deepEqual(history.value[0].quote, { id: original.value.id, deleted: true });
});

/** Alice sends `text` to a channel: whom the sent message mentions. */
async function mentionsOf(messages: MessageService, channelId: ChannelId, text: string) {
  const sent = await messages.send(alice, channelId, { content: content(text) });
  assert.ok(sent.ok);
  return sent.value.mentions;
}

Deno.test("messages: @names resolve at send to users who may read the channel; unknown names stay text; an edit keeps them", async () => {
  const { messages, lobby, inner, published } = await setup();
  const sent = await messages.send(alice, lobby, {
    content: content("@Bob and @nobody, ask @ALICE and `@carol`; bob@example.com"),
  });
  assert.ok(sent.ok);
  assert.equal(sent.value.content, "@Bob and @nobody, ask @ALICE and `@carol`; bob@example.com");
  assert.deepEqual(sent.value.mentions, [bob, alice]);
  const announced = published.at(-1);
  assert.ok(announced?.type === "message_sent");
  assert.deepEqual(announced.message.mentions, [bob, alice]);
  // A private channel's mentions are its members: Bob cannot read "inner".
  assert.deepEqual(await mentionsOf(messages, inner, "hi @bob and @alice"), [alice]);
  assert.equal(await mentionsOf(messages, lobby, "nobody here"), undefined);
  // Mentions are fixed at send: an edit neither adds nor removes them.
  const edited = await messages.edit(alice, lobby, sent.value.id, content("never mind @carol"));
  assert.ok(edited.ok);
  assert.deepEqual(edited.value.mentions, [bob, alice]);
  const history = await messages.history(bob, lobby, { limit: 5 });
  assert.ok(history.ok);
  assert.deepEqual(history.value.map((m) => m.mentions ?? []), [[], [bob, alice]]);
});

Deno.test("messages: a member the replica does not know yet is found among the channel's members", async () => {
  // The replica knows nobody; the directory answers "alice" for every id.
  const { messages, lobby, inner } = await setup({ named: {} });
  assert.deepEqual(await mentionsOf(messages, inner, "note to @alice"), [alice]);
  // A public channel has no member list to fall back on.
  assert.equal(await mentionsOf(messages, lobby, "note to @alice"), undefined);
});
