// deno-lint-ignore-file no-explicit-any -- tests read frames of many shapes
/**
 * Issue 16 over the real stack: user-service and two chat-service processes on
 * the local Postgres, Kafka and Cassandra. Edits, deletions and reactions go
 * through either instance and reach subscribers of both through Kafka, in the
 * channel's order; history and replay carry them.
 */
import assert from "node:assert/strict";
import { createTokenCodec } from "@chat-ts/shared/jwt";
import { TEST_JWT_SECRET } from "../support/env.ts";
import { mentionFrameOf } from "../support/frames.ts";
import { api } from "../support/http.ts";
import { uniqueChannelName } from "../support/names.ts";
import { socketOpener, TestSocket } from "../support/socket.ts";
import type { RegisteredUser } from "../support/stack.ts";
import { stackFixture } from "../support/stack_fixture.ts";

const env = stackFixture({}, async (stack) => {
  const [alice, bob] = await Promise.all([stack.register("alice"), stack.register("bob")]);
  const [a, b] = stack.chatUrls;
  return { a, b, alice, bob };
});
const sockets: TestSocket[] = [];
Deno.test.afterAll(async () => {
  for (const socket of sockets) await socket.close();
});

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `messages: ${name}`, sanitizeResources: false, sanitizeOps: false, fn });

const open = socketOpener(sockets);

async function channel(owner: RegisteredUser): Promise<string> {
  const { a } = await env();
  const created = await api(a, "POST", "/api/channels", owner.token, {
    channel_type: "public",
    name: uniqueChannelName("msg"),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.data.id;
}

/** The user subscribed to the channel on a socket to each instance. */
async function subscribedOnBoth(user: RegisteredUser, channelId: string) {
  const { a, b } = await env();
  const sockets = [await open(a, user), await open(b, user)];
  for (const socket of sockets) await socket.subscribe(channelId);
  return sockets;
}

const messagePath = (channelId: string, id = "") =>
  `/api/channels/${channelId}/messages${id === "" ? "" : `/${id}`}`;

async function send(base: string, user: RegisteredUser, channelId: string, body: object) {
  const sent = await api(base, "POST", messagePath(channelId), user.token, body);
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  return sent.body.data;
}

/** The frames of a channel on a socket, until `count` have arrived. */
async function framesOf(ws: TestSocket, channelId: string, count: number): Promise<any[]> {
  const got: any[] = [];
  while (got.length < count) {
    got.push(await ws.next((f) => f.channel_id === channelId && f.type !== "subscribed"));
  }
  return got;
}

test("edit and delete reach subscribers on both instances in the channel's order; only the author may", async () => {
  const { a, b, alice, bob } = await env();
  const channelId = await channel(alice);
  const [onA, onB] = await subscribedOnBoth(bob, channelId);

  const first = await send(a, alice, channelId, { content: "frist" });
  const second = await send(b, alice, channelId, { content: "second" });
  assert.equal(
    (await api(a, "PATCH", messagePath(channelId, first.id), bob.token, { content: "x" })).status,
    403,
  );
  assert.equal((await api(b, "DELETE", messagePath(channelId, first.id), bob.token)).status, 403);
  const edited = await api(a, "PATCH", messagePath(channelId, first.id), alice.token, {
    content: "first",
  });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  assert.equal(edited.body.data.edited_at !== null, true);
  assert.equal(
    (await api(a, "DELETE", messagePath(channelId, second.id), alice.token)).status,
    204,
  );
  const third = await send(a, alice, channelId, { content: "third" });

  for (const ws of [onA, onB]) {
    const frames = await framesOf(ws, channelId, 5);
    assert.deepEqual(frames.map((f) => [f.type, f.id]), [
      ["new_message", first.id],
      ["new_message", second.id],
      ["message_edited", first.id],
      ["message_deleted", second.id],
      ["new_message", third.id],
    ]);
    assert.equal(frames[2].content, "first");
    assert.equal(frames[2].edited_at, edited.body.data.edited_at);
  }
  const history = await api(b, "GET", messagePath(channelId), bob.token);
  assert.deepEqual(history.body.data.map((m: any) => [m.id, m.content, m.edited_at]), [
    [third.id, "third", null],
    [first.id, "first", edited.body.data.edited_at],
  ]);
});

test("replay with after carries what was sent since and edits of older messages made since", async () => {
  const { a, b, alice, bob } = await env();
  const channelId = await channel(alice);
  const old = await send(a, alice, channelId, { content: "old" });
  const seen = await send(a, alice, channelId, { content: "seen" });
  const missed = await send(a, alice, channelId, { content: "missed" });
  for (const [m, content] of [[old, "old, edited"], [missed, "missed, edited"]]) {
    const edited = await api(a, "PATCH", messagePath(channelId, m.id), alice.token, { content });
    assert.equal(edited.status, 200);
  }
  const ws = await open(b, bob);
  await ws.subscribe(channelId, seen.id);
  const frames = await framesOf(ws, channelId, 2);
  assert.deepEqual(frames.map((f) => [f.type, f.id, f.content]), [
    ["new_message", missed.id, "missed, edited"],
    ["message_edited", old.id, "old, edited"],
  ]);
});

test("100 users reacting at once through both instances are counted exactly, everywhere", async () => {
  const { a, b, alice, bob } = await env();
  const channelId = await channel(alice);
  const [onA, onB] = await subscribedOnBoth(bob, channelId);
  const sent = await send(a, alice, channelId, { content: "react!" });
  // Tokens for 100 users straight from the test secret: registering 100 accounts would
  // spend the machine on Argon2id, and reacting needs no profile.
  const tokens = createTokenCodec({ secret: TEST_JWT_SECRET });
  const users = await Promise.all(Array.from({ length: 100 }, async (_, i) => {
    const id = crypto.randomUUID();
    return { id, token: await tokens.issue({ userId: id, username: `reactor${i}` }) };
  }));
  const path = `${messagePath(channelId, sent.id)}/reactions/${encodeURIComponent("🔥")}`;
  const statuses = await Promise.all(
    users.map((u, i) => api(i % 2 === 0 ? a : b, "PUT", path, u.token).then((r) => r.status)),
  );
  assert.deepEqual(new Set(statuses), new Set([204]));
  // Again, all at once: idempotent, no new reaction and no new frame.
  await Promise.all(users.slice(0, 20).map((u) => api(b, "PUT", path, u.token)));

  for (const ws of [onA, onB]) {
    const frames = await framesOf(ws, channelId, 101);
    const reactions = frames.filter((f) => f.type === "reaction_added");
    assert.equal(reactions.length, 100);
    assert.deepEqual(new Set(reactions.map((f) => f.user_id)), new Set(users.map((u) => u.id)));
    assert.equal(reactions.at(-1).count, 100, "the last frame carries the exact count");
  }
  for (const [base, viewer, me] of [[a, users[0].token, true], [b, bob.token, false]] as const) {
    const history = await api(base, "GET", messagePath(channelId), viewer);
    assert.deepEqual(history.body.data[0].reactions, [{ emoji: "🔥", count: 100, me }]);
  }
  const removed = await api(a, "DELETE", path, users[0].token);
  assert.equal(removed.status, 204);
  for (const ws of [onA, onB]) {
    const [frame] = await framesOf(ws, channelId, 1);
    assert.deepEqual([frame.type, frame.user_id, frame.count], [
      "reaction_removed",
      users[0].id,
      99,
    ]);
  }
});

test("a reply sent through B reaches both instances with its quote; a deleted original shows as deleted", async () => {
  const { a, b, alice, bob } = await env();
  const channelId = await channel(alice);
  const [onA, onB] = await subscribedOnBoth(alice, channelId);
  const original = await send(a, alice, channelId, { content: "what time is it?" });
  const reply = await send(b, bob, channelId, { content: "noon", reply_to: original.id });
  const quote = {
    id: original.id,
    deleted: false,
    user_id: alice.id,
    username: alice.username,
    preview: "what time is it?",
  };
  assert.deepEqual(reply.reply_to, quote);
  for (const ws of [onA, onB]) {
    const frames = await framesOf(ws, channelId, 2);
    assert.deepEqual(frames.map((f) => [f.type, f.id]), [
      ["new_message", original.id],
      ["new_message", reply.id],
    ]);
    assert.deepEqual(frames[1].reply_to, quote);
  }
  assert.equal(
    (await api(a, "DELETE", messagePath(channelId, original.id), alice.token)).status,
    204,
  );
  const history = await api(b, "GET", messagePath(channelId), bob.token);
  assert.deepEqual(history.body.data.map((m: any) => [m.id, m.reply_to]), [
    [reply.id, { id: original.id, deleted: true, user_id: null, username: null, preview: null }],
  ]);
});

test("a mention reaches every socket of a mentioned member on both instances, unsubscribed; never a non-member", async () => {
  const { a, b, alice, bob, stack } = await env();
  const carol = await stack.register("carol");
  const created = await api(a, "POST", "/api/channels", alice.token, {
    channel_type: "private",
    name: uniqueChannelName("ment"),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const secret = created.body.data.id;
  const member = (user: RegisteredUser) =>
    api(a, "POST", `/api/channels/${secret}/members`, alice.token, { user_id: user.id });
  assert.equal((await member(bob)).status, 201);
  // Nobody subscribes to the channel: the frames come because of the mentions alone.
  const [bobOnA, bobOnB, carolOnA, carolOnB] = [
    await open(a, bob),
    await open(b, bob),
    await open(a, carol),
    await open(b, carol),
  ];
  const text = `@${bob.username} and @${carol.username}: look`;
  const sent = await send(b, alice, secret, { content: text });
  assert.deepEqual(sent.mentions, [bob.id]);
  const expected = mentionFrameOf(sent, alice);
  for (const ws of [bobOnA, bobOnB]) {
    assert.deepEqual(await ws.next((f) => f.type === "mention"), expected);
  }
  // Carol, a member now, hears of the next mention only: the first never reached her on
  // either instance (one channel, one shard, read in order by both).
  assert.equal((await member(carol)).status, 201);
  const next = await send(a, alice, secret, { content: `welcome @${carol.username}` });
  assert.deepEqual(next.mentions, [carol.id]);
  for (const ws of [carolOnA, carolOnB]) {
    const frame = await ws.next((f) => f.type === "mention");
    assert.equal(frame.message_id, next.id);
    assert.deepEqual(ws.frames.filter((f) => f.type === "mention"), []);
  }
  const history = await api(a, "GET", messagePath(secret), bob.token);
  assert.deepEqual(history.body.data.map((m: any) => m.mentions), [[carol.id], [bob.id]]);

  // A public channel: anyone who can read it (every user) counts.
  const lobby = await channel(alice);
  const inLobby = await send(a, alice, lobby, { content: `hey @${carol.username.toUpperCase()}` });
  assert.deepEqual(inLobby.mentions, [carol.id]);
  for (const ws of [carolOnA, carolOnB]) {
    assert.equal((await ws.next((f) => f.type === "mention")).message_id, inLobby.id);
  }
});
