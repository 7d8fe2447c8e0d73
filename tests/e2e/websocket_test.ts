// deno-lint-ignore-file no-explicit-any -- tests read frames of many shapes
/**
 * DESIGN §4 over real sockets: user-service and two chat-service processes on
 * the local Postgres, Kafka and Cassandra. Fan-out goes through Kafka, so a
 * client on instance B sees what was sent through instance A.
 */
import assert from "node:assert/strict";
import { chatMessagesTopic, decodeEvent } from "@chat-ts/shared/events";
import { createKafka } from "@chat-ts/shared/kafka";
import { silentLogger } from "@chat-ts/shared/logger";
import { TEST_JWT_SECRET } from "../support/env.ts";
import { api } from "../support/http.ts";
import { uniqueChannelName } from "../support/names.ts";
import { RawSocket } from "../support/raw_socket.ts";
import { assertUpgradeRefusesBadTokens, socketOpener, TestSocket } from "../support/socket.ts";
import { type RegisteredUser, startStack } from "../support/stack.ts";
import { stackFixture } from "../support/stack_fixture.ts";
import { assertNewMessageFrame, badFrames } from "../support/frames.ts";

const env = stackFixture({
  // Default send-queue limit: 1 MiB, 1 s grace. The slow-consumer case fills it from one
  // sender as fast as it can, beyond the per-user message rate.
  chatEnv: { WS_REPLAY_CAP: "20", MESSAGES_PER_USER_PER_WINDOW: "1000000" },
}, async (stack) => {
  const [alice, bob, carol] = await Promise.all([
    stack.register("alice"),
    stack.register("bob"),
    stack.register("carol"),
  ]);
  const [a, b] = stack.chatUrls; // instances A and B
  return { a, b, alice, bob, carol };
});
const sockets: TestSocket[] = [];

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `chat ws: ${name}`, sanitizeResources: false, sanitizeOps: false, fn });

const open = socketOpener(sockets);

async function channel(
  owner: RegisteredUser,
  type: "public" | "private" = "public",
): Promise<string> {
  const { a } = await env();
  const created = await api(a, "POST", "/api/channels", owner.token, {
    channel_type: type,
    name: uniqueChannelName("ws"),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.data.id;
}

const send = async (base: string, user: RegisteredUser, channelId: string, content: string) => {
  const sent = await api(base, "POST", `/api/channels/${channelId}/messages`, user.token, {
    content,
  });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  return sent.body.data;
};

/** Not a sidebar frame (`channel_created` & co. reach every socket unasked). */
const notSidebar = (f: any) => !String(f.type).startsWith("channel_");

const isMessage = (channelId: string) => (f: any) =>
  f.type === "new_message" && f.channel_id === channelId;

test("tokens are checked before the upgrade: missing, forged and expired get a plain 401", async () => {
  const { a, alice } = await env();
  await assertUpgradeRefusesBadTokens(a, TEST_JWT_SECRET, alice);
  await assert.rejects(TestSocket.open(a, "garbage"));
});

test("every frame: ping, subscribe, send_message, new_message, message_deleted, unsubscribe", async () => {
  const { a, b, alice, bob } = await env();
  const channelId = await channel(alice);
  const ws = await open(a, alice);
  ws.send({ type: "ping" });
  assert.deepEqual(await ws.next(notSidebar), { type: "pong" });
  ws.send({ type: "subscribe", channel_id: channelId });
  assert.deepEqual(await ws.next(notSidebar), { type: "subscribed", channel_id: channelId });

  ws.send({ type: "send_message", channel_id: channelId, content: "  hello  ", client_id: "c-1" });
  const received = await ws.next(isMessage(channelId));
  assertNewMessageFrame(received, { content: "hello", user: alice, clientId: "c-1" });

  // The same message over HTTP: identical id and millisecond timestamp.
  const history = await api(b, "GET", `/api/channels/${channelId}/messages`, bob.token);
  assert.equal(history.body.data[0].id, received.id);
  assert.equal(history.body.data[0].timestamp, received.timestamp);

  const deleted = await api(
    b,
    "DELETE",
    `/api/channels/${channelId}/messages/${received.id}`,
    alice.token,
  );
  assert.equal(deleted.status, 204);
  assert.deepEqual(await ws.next((f) => f.type === "message_deleted"), {
    type: "message_deleted",
    id: received.id,
    channel_id: channelId,
  });

  ws.send({ type: "unsubscribe", channel_id: channelId });
  assert.deepEqual(await ws.next(notSidebar), { type: "unsubscribed", channel_id: channelId });
  await send(a, alice, channelId, "after unsubscribe");
  ws.send({ type: "ping" });
  await ws.next((f) => f.type === "pong");
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(ws.frames.filter(isMessage(channelId)).length, 0);
});

test("bad frames get an error frame and the connection stays usable", async () => {
  const { a, alice, bob } = await env();
  const channelId = await channel(alice);
  const secret = await channel(alice, "private");
  const ws = await open(a, bob);
  const bad = badFrames(channelId, secret);
  for (const [frame, code, message] of bad) {
    ws.send({ ...(typeof frame === "object" ? frame : {}), ref: "r1" });
    if (typeof frame === "string") ws.send(frame);
    const errors = [await ws.next((f) => f.type === "error")];
    if (typeof frame === "string") errors.push(await ws.next((f) => f.type === "error"));
    const error = errors[errors.length - 1];
    assert.equal(error.code, code, `${JSON.stringify(frame)} → ${JSON.stringify(error)}`);
    if (message) assert.match(error.message, message);
    if (typeof frame === "object") assert.equal(error.ref, "r1");
  }
  ws.socket.send(new Uint8Array([1, 2, 3]));
  assert.equal((await ws.next((f) => f.type === "error")).code, "malformed_frame");
  ws.send({ type: "ping" });
  assert.deepEqual(await ws.next(notSidebar), { type: "pong" });
  assert.equal(ws.socket.readyState, WebSocket.OPEN);
});

test("a message sent through instance A reaches clients on A and B, sender included", async () => {
  const { a, b, alice, bob } = await env();
  const channelId = await channel(alice);
  const onA = await open(a, alice, channelId);
  const onB = await open(b, bob, channelId);
  onA.send({ type: "send_message", channel_id: channelId, content: "across instances" });
  const [fromA, fromB] = await Promise.all([
    onA.next(isMessage(channelId)),
    onB.next(isMessage(channelId)),
  ]);
  assert.deepEqual(fromA, fromB);
  assert.equal(fromB.content, "across instances");
  assert.equal(fromB.username, alice.username);
});

test("100 messages to one channel arrive in order on both instances", async () => {
  const { a, b, alice, bob, carol } = await env();
  const channelId = await channel(alice);
  const onA = await open(a, bob, channelId);
  const onB = await open(b, carol, channelId);
  const sent: string[] = [];
  for (let i = 0; i < 100; i++) {
    sent.push((await send(i % 2 === 0 ? a : b, alice, channelId, `m${i}`)).id);
  }
  for (const ws of [onA, onB]) {
    const got: any[] = [];
    for (let i = 0; i < 100; i++) got.push(await ws.next(isMessage(channelId)));
    assert.deepEqual(got.map((f) => f.content), sent.map((_, i) => `m${i}`));
    assert.deepEqual(got.map((f) => f.id), sent);
  }
});

test("a private channel never leaks to a non-member, over HTTP or WebSocket", async () => {
  const { a, b, alice, bob, carol } = await env();
  const secret = await channel(alice, "private");
  const open_ = await channel(alice);
  const member = await open(b, alice, secret);
  const outsider = await open(b, carol, open_);
  outsider.send({ type: "subscribe", channel_id: secret });
  assert.equal((await outsider.next((f) => f.type === "error")).code, "not_found");
  await send(a, alice, secret, "for members only");
  await send(a, alice, open_, "for everyone");
  assert.equal((await member.next(isMessage(secret))).content, "for members only");
  assert.equal((await outsider.next(isMessage(open_))).content, "for everyone");
  assert.equal(JSON.stringify(outsider.frames).includes("for members only"), false);
  for (
    const [method, path] of [
      ["GET", `/api/channels/${secret}`],
      ["GET", `/api/channels/${secret}/messages`],
      ["POST", `/api/channels/${secret}/messages`],
    ]
  ) {
    const res = await api(
      a,
      method,
      path,
      carol.token,
      method === "POST" ? { content: "x" } : undefined,
    );
    assert.equal(res.status, 404, `${method} ${path}`);
  }
  const listed = await api(a, "GET", "/api/channels?member=me", carol.token);
  assert.equal(listed.body.data.some((c: any) => c.id === secret), false);

  // Removed members stop receiving at once (their subscription no longer passes the rule on resubscribe).
  await api(a, "POST", `/api/channels/${secret}/members`, alice.token, { user_id: bob.id });
  const bobWs = await open(a, bob, secret);
  await api(a, "DELETE", `/api/channels/${secret}/members/${bob.id}`, bob.token);
  bobWs.send({ type: "subscribe", channel_id: secret });
  assert.equal((await bobWs.next((f) => f.type === "error")).code, "not_found");
});

test("a retried send_message with the same client_id is delivered and stored once", async () => {
  const { a, alice } = await env();
  const channelId = await channel(alice);
  const ws = await open(a, alice, channelId);
  for (let i = 0; i < 3; i++) {
    ws.send({ type: "send_message", channel_id: channelId, content: "once", client_id: "retry-1" });
  }
  const first = await ws.next(isMessage(channelId));
  await send(a, alice, channelId, "marker");
  assert.equal((await ws.next(isMessage(channelId))).content, "marker");
  assert.equal(ws.frames.filter(isMessage(channelId)).length, 0);
  const history = await api(a, "GET", `/api/channels/${channelId}/messages`, alice.token);
  assert.deepEqual(history.body.data.map((m: any) => m.content), ["marker", "once"]);
  assert.equal(history.body.data[1].id, first.id);
});

test("reconnecting with after loses nothing and doubles nothing, even while messages keep coming", async () => {
  const { a, b, alice, bob } = await env();
  const channelId = await channel(alice);
  const first = await open(a, bob, channelId);
  const m0 = await send(a, alice, channelId, "before");
  assert.equal((await first.next(isMessage(channelId))).id, m0.id);
  await first.close();

  const sent: string[] = [];
  for (let i = 0; i < 5; i++) sent.push((await send(b, alice, channelId, `missed ${i}`)).id);
  // Keep sending while the client reconnects, so live messages race the replay.
  const sending = (async () => {
    for (let i = 0; i < 10; i++) {
      sent.push((await send(a, alice, channelId, `racing ${i}`)).id);
    }
  })();
  const again = await open(b, bob);
  await again.subscribe(channelId, m0.id);
  await sending;
  const got: string[] = [];
  while (got.length < sent.length) got.push((await again.next(isMessage(channelId))).id);
  assert.deepEqual(got, sent);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(again.frames.filter(isMessage(channelId)).length, 0, "no duplicates");
});

test("replay is capped: the newest messages follow a replay_truncated error", async () => {
  const { a, alice, bob } = await env();
  const channelId = await channel(alice);
  const m0 = await send(a, alice, channelId, "seen");
  const sent: string[] = [];
  for (let i = 0; i < 25; i++) sent.push((await send(a, alice, channelId, `n${i}`)).id);
  const ws = await open(a, bob);
  await ws.subscribe(channelId, m0.id);
  assert.equal((await ws.next((f) => f.type === "error")).code, "replay_truncated");
  const got: string[] = [];
  for (let i = 0; i < 20; i++) got.push((await ws.next(isMessage(channelId))).id);
  assert.deepEqual(got, sent.slice(-20));
});

test("chat.messages events: keyed by channel on its shard, same id and timestamp as HTTP and WebSocket", async () => {
  const { a, b, alice, bob } = await env();
  const kafka = createKafka({
    brokers: [Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092"],
    clientId: "chat-ws-test",
    logger: silentLogger,
  });
  const consumer = kafka.consumer({ groupId: `chat-ws-test-${crypto.randomUUID()}` });
  const records: { topic: string; key: string; event: any }[] = [];
  await consumer.connect();
  try {
    // Every shard, from the latest offset: the channel (and so its topic) does not exist yet.
    await consumer.subscribe({
      topics: Array.from({ length: 16 }, (_, i) => `chat.messages.${i}`),
      fromBeginning: false,
    });
    const joined = new Promise<void>((resolve) =>
      consumer.on(consumer.events.GROUP_JOIN, () => resolve())
    );
    await consumer.run({
      eachMessage: ({ topic, message }) => {
        const decoded = decodeEvent(message.value);
        if (decoded.ok) {
          records.push({ topic, key: String(message.key), event: decoded.value });
        }
        return Promise.resolve();
      },
    });
    await joined;
    await new Promise((r) => setTimeout(r, 1000)); // offsets resolved to "latest"

    const channelId = await channel(alice);
    const ws = await open(b, bob, channelId);
    const sent = await send(a, alice, channelId, "on the wire");
    const frame = await ws.next(isMessage(channelId));
    await api(a, "DELETE", `/api/channels/${channelId}/messages/${sent.id}`, alice.token);
    const deadline = Date.now() + 10_000;
    const mine = () => records.filter((r) => r.event.channel_id === channelId);
    while (mine().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const events = mine();
    assert.deepEqual(events.map((r) => r.event.event_type), [
      "channel_created",
      "message_sent",
      "message_deleted",
    ]);
    for (const r of events) {
      assert.equal(r.topic, chatMessagesTopic(channelId));
      assert.equal(r.key, channelId);
      assert.match(r.event.event_id, /^[0-9a-f-]{36}$/);
    }
    assert.equal(events[0].event.channel_type, "public");
    assert.equal(events[0].event.created_by, alice.id);
    const message = events[1].event;
    assert.equal(message.message_id, sent.id);
    assert.equal(message.user_id, alice.id);
    assert.equal(message.content, "on the wire");
    assert.equal(message.timestamp, sent.timestamp);
    assert.equal(frame.timestamp, sent.timestamp);
    assert.equal(events[2].event.message_id, sent.id);
  } finally {
    await consumer.disconnect();
  }
});

test("flooding closes with 1008, oversized frames with 1009", async () => {
  const { a, alice } = await env();
  // The burst (50) is answered, the frame after it closes the connection. (A client that keeps
  // writing after the close frame may not see the code: Deno drops the connection when data
  // arrives after its close frame.)
  const flooder = await RawSocket.open(a, alice.token);
  for (let i = 0; i < 51; i++) await flooder.sendText(JSON.stringify({ type: "ping" }));
  let pongs = 0;
  assert.equal(await flooder.readUntilClose(() => pongs++), 1008);
  assert.equal(pongs, 50);
  flooder.close();

  const big = await open(a, alice);
  big.send(JSON.stringify({ type: "ping", pad: "x".repeat(70 * 1024) }));
  assert.equal((await big.closed).code, 1009);

  // Just under the limit is an ordinary frame.
  const fine = await open(a, alice);
  fine.send(JSON.stringify({ type: "ping", ref: "r", pad: "x".repeat(60 * 1024) }));
  assert.deepEqual(await fine.next(notSidebar), { type: "pong" });
  fine.send({ type: "ping" });
  assert.deepEqual(await fine.next(notSidebar), { type: "pong" });
});

test("a client too far behind is closed with 1013 while the others keep receiving", async () => {
  const { a, b, alice, bob, carol } = await env();
  const channelId = await channel(alice);
  const slow = await RawSocket.open(a, bob.token);
  await slow.sendText(JSON.stringify({ type: "subscribe", channel_id: channelId }));
  const healthy = await open(a, carol, channelId);
  const content = "€".repeat(4000); // 12 kB a frame
  const total = 1000; // 12 MB: more than the kernel buffers between the sockets plus 1 MiB
  let sent = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (sent < total) {
      sent++;
      await send(b, alice, channelId, content);
    }
  }));
  let received = 0;
  while (received < total) {
    await healthy.next(isMessage(channelId), 30_000);
    received++;
  }
  let frames = 0;
  const code = await slow.readUntilClose(() => frames++);
  slow.close();
  assert.equal(code, 1013);
  assert.ok(frames < total, `the slow client was cut off (${frames} of ${total} frames)`);
  healthy.send({ type: "ping" });
  assert.deepEqual(await healthy.next(notSidebar), { type: "pong" });
});

test("graceful shutdown closes sockets with 1001", async () => {
  const { b, alice } = await env();
  const ws = await open(b, alice);
  for (const socket of sockets) if (socket !== ws) await socket.close();
  await env.stop();
  assert.equal((await ws.closed).code, 1001);
});

test("heartbeats drop a peer that stops answering pings", async () => {
  const single = await startStack({ chatInstances: 1, chatEnv: { WS_IDLE_TIMEOUT_SECONDS: "1" } });
  try {
    const user = await single.register("dave");
    const [chat] = single.chatUrls;
    const connections = async () =>
      (await api(chat, "GET", "/health/ready", undefined)).body.data.websocket.connections;
    const alive = await open(chat, user);
    const dead = await RawSocket.open(chat, user.token); // reads nothing, answers no ping
    assert.equal(await connections(), 2);
    const deadline = Date.now() + 10_000;
    while ((await connections()) !== 1) {
      assert.ok(Date.now() < deadline, "the dead peer was not dropped");
      await new Promise((r) => setTimeout(r, 200));
    }
    alive.send({ type: "ping" });
    assert.deepEqual(await alive.next(notSidebar), { type: "pong" });
    dead.close();
    await alive.close();
  } finally {
    await single.stop();
  }
});
