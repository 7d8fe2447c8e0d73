// deno-lint-ignore-file no-explicit-any -- tests read frames of many shapes
/**
 * The WebSocket gateway (DESIGN §4) in process, over real sockets: chat-service
 * assembled as the embedded mode assembles it — in-memory channels and history,
 * chat events carried from the publisher back to the gateway by the in-process
 * bus — and served on a random port. Frames, the replay seam, the limits and
 * slow consumers, with no Kafka, Cassandra or Postgres: fast enough for every change.
 */
import assert from "node:assert/strict";
import { loadConfig } from "@chat-ts/shared/config";
import {
  busEventSource,
  CHAT_MESSAGE_TOPICS,
  type EventSource,
  InProcessEventBus,
} from "@chat-ts/shared/events";
import { createTokenCodec } from "@chat-ts/shared/jwt";
import { silentLogger } from "@chat-ts/shared/logger";
import { api } from "../../../../../tests/support/http.ts";
import { uniqueChannelName, uniqueName } from "../../../../../tests/support/names.ts";
import { RawSocket } from "../../../../../tests/support/raw_socket.ts";
import { assertUpgradeRefusesBadTokens, TestSocket } from "../../../../../tests/support/socket.ts";
import { assembleChatService, type ChatPorts } from "../../assembly.ts";
import type { UserId } from "../../domain/ids.ts";
import { chatCoreConfigShape } from "../../config.ts";
import { MemoryChannelRepository } from "../../outbound/memory/channel_repository.ts";
import { InProcessChatEventPublisher } from "../../outbound/memory/chat_event_publisher.ts";
import { MemoryMessageStore } from "../../outbound/memory/message_store.ts";
import { TimeUuidGenerator } from "../../outbound/time_uuid/time_uuid_generator.ts";
import {
  assertNewMessageFrame,
  badFrames,
  mentionFrameOf,
} from "../../../../../tests/support/frames.ts";
import { parseMetrics } from "../../../../../tests/support/metrics.ts";

const SECRET = "gateway-test-secret-of-at-least-32-bytes";

/** A point where the test can hold what passes (live events, history reads) and let it go. */
class Valve {
  #open: Promise<void> = Promise.resolve();
  #release = () => {};
  #waiting = 0;
  #arrivals: (() => void)[] = [];

  hold(): void {
    this.#open = new Promise((resolve) => this.#release = resolve);
  }

  release(): void {
    this.#release();
    this.#open = Promise.resolve();
  }

  async pass(): Promise<void> {
    this.#waiting++;
    for (const wake of this.#arrivals.splice(0)) wake();
    try {
      await this.#open;
    } finally {
      this.#waiting--;
    }
  }

  /** Resolves once `n` callers wait at the held valve. */
  async waiting(n: number): Promise<void> {
    while (this.#waiting < n) await new Promise<void>((r) => this.#arrivals.push(r));
  }
}

/** Message history whose reads can be held after they read (a replay that is still running). */
class PausableMessageStore extends MemoryMessageStore {
  readonly afterRead = new Valve();

  override async history(query: Parameters<MemoryMessageStore["history"]>[0]) {
    const messages = await super.history(query);
    await this.afterRead.pass();
    return messages;
  }
}

interface Person {
  readonly id: string;
  readonly username: string;
  readonly token: string;
}

/** One chat-service instance on in-process adapters; `settings` are its environment variables. */
function startGateway(settings: Record<string, string> = {}) {
  const config = loadConfig(chatCoreConfigShape, (name) => settings[name]);
  if (!config.ok) throw config.error;
  const usernames = new Map<string, string>();
  const bus = new InProcessEventBus();
  const store = new PausableMessageStore();
  // The in-process bus as in the embedded mode, with a valve on the fan-out standing in for
  // Kafka's latency.
  const fanOut = new Valve();
  const bus$ = busEventSource(bus);
  const eventSource: EventSource = {
    subscribe: (reader) =>
      bus$.subscribe(
        reader.topics === CHAT_MESSAGE_TOPICS
          ? {
            ...reader,
            handle: async (record) => {
              await fanOut.pass();
              await reader.handle(record);
            },
          }
          : reader,
      ),
  };
  const ports: ChatPorts = {
    channels: new MemoryChannelRepository(),
    messages: store,
    messageIds: new TimeUuidGenerator(),
    events: new InProcessChatEventPublisher(bus),
    replica: {
      idsOf: (names) =>
        Promise.resolve(
          new Map(
            [...usernames].flatMap(([id, name]) =>
              names.includes(name.toLowerCase()) ? [[name.toLowerCase(), id as UserId]] : []
            ),
          ),
        ),
      find: () => Promise.resolve(undefined),
      apply: () => Promise.resolve(true),
      remember: () => Promise.resolve(),
    },
    remoteUsers: {
      fetch(userId) {
        const username = usernames.get(userId);
        return Promise.resolve(
          username === undefined ? { status: "not_found" } : { status: "found", username },
        );
      },
    },
    eventSource,
    dependencies: {},
  };
  const chat = assembleChatService(
    ports,
    { ...config.value, instanceId: "gateway-test", replicaGroup: "replica", fetchWaitMs: 0 },
    silentLogger,
  );
  // As in the embedded mode: readers start before anything publishes.
  const started = chat.start();
  const tokens = createTokenCodec({ secret: SECRET });
  const app = chat.createApp({ tokens });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  const url = `http://127.0.0.1:${server.addr.port}`;
  const sockets: (TestSocket | RawSocket)[] = [];

  const gateway = {
    url,
    chat,
    store,
    fanOut,
    /** A user chat-service can look up, with a token. */
    async person(prefix: string): Promise<Person> {
      const id = crypto.randomUUID();
      const username = uniqueName(prefix);
      usernames.set(id, username);
      return { id, username, token: await tokens.issue({ userId: id, username }) };
    },
    async open(person: Person): Promise<TestSocket> {
      const socket = await TestSocket.open(url, person.token);
      sockets.push(socket);
      return socket;
    },
    /** Alice, Bob, and a public channel of Alice's (Bob not subscribed to it). */
    async aliceAndBob() {
      const [alice, bob] = await Promise.all(["alice", "bob"].map(gateway.person));
      return { alice, bob, channelId: await gateway.channel(alice) };
    },
    /** Alice's public channel, with Bob subscribed to it on a socket of his. */
    async aliceAndSubscribedBob() {
      const { alice, bob, channelId } = await gateway.aliceAndBob();
      const socket = await gateway.open(bob);
      await socket.subscribe(channelId);
      return { alice, bob, channelId, socket };
    },
    /** A client that reads only when told to (and answers no ping). */
    async raw(person: Person): Promise<RawSocket> {
      const socket = await RawSocket.open(url, person.token);
      sockets.push(socket);
      return socket;
    },
    async channel(owner: Person, type: "public" | "private" = "public"): Promise<string> {
      const created = await api(url, "POST", "/api/channels", owner.token, {
        channel_type: type,
        name: uniqueChannelName("gw"),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.data.id;
    },
    async send(person: Person, channelId: string, content: string): Promise<any> {
      const sent = await api(url, "POST", `/api/channels/${channelId}/messages`, person.token, {
        content,
      });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      return sent.body.data;
    },
    /** Sockets open on the server (a function, so assertions do not narrow it). */
    connections: () => chat.gateway.connectionCount,
    async [Symbol.asyncDispose]() {
      fanOut.release();
      store.afterRead.release();
      for (const socket of sockets) await socket.close();
      chat.gateway.closeAll();
      await server.shutdown();
      await started;
      await chat.stop();
    },
  };
  return gateway;
}

const isMessage = (channelId: string) => (f: any) =>
  f.type === "new_message" && f.channel_id === channelId;

/** Every frame the server sent before its answer to a ping (frames on a socket keep their order). */
async function drained(ws: TestSocket): Promise<any[]> {
  ws.send({ type: "ping", ref: "drain" });
  await ws.next((f) => f.type === "pong");
  return ws.frames.splice(0);
}

const test = (name: string, fn: () => Promise<void>) => Deno.test(`gateway: ${name}`, fn);

test("tokens are checked before the upgrade: missing, forged and expired get a plain 401", async () => {
  await using gw = startGateway();
  const alice = await gw.person("alice");
  await assertUpgradeRefusesBadTokens(gw.url, SECRET, alice);
});

test("every frame: ping, subscribe, send_message to every subscriber (sender too), message_deleted, unsubscribe", async () => {
  await using gw = startGateway();
  const [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map(gw.person));
  const channelId = await gw.channel(alice);
  const a = await gw.open(alice);
  const b = await gw.open(bob);
  const c = await gw.open(carol);
  a.send({ type: "ping" });
  assert.deepEqual(await a.next(), { type: "pong" });
  a.send({ type: "subscribe", channel_id: channelId });
  assert.deepEqual(await a.next(), { type: "subscribed", channel_id: channelId });
  await b.subscribe(channelId);

  a.send({ type: "send_message", channel_id: channelId, content: "  hello  ", client_id: "c-1" });
  const [toAlice, toBob] = await Promise.all([
    a.next(isMessage(channelId)),
    b.next(isMessage(channelId)),
  ]);
  assert.deepEqual(toAlice, toBob);
  assertNewMessageFrame(toAlice, { content: "hello", user: alice, clientId: "c-1" });
  const history = await api(gw.url, "GET", `/api/channels/${channelId}/messages`, carol.token);
  assert.equal(history.body.data[0].id, toAlice.id);
  assert.equal(history.body.data[0].timestamp, toAlice.timestamp);
  assert.deepEqual(await drained(c), [], "carol did not subscribe");

  const deleted = await api(
    gw.url,
    "DELETE",
    `/api/channels/${channelId}/messages/${toAlice.id}`,
    alice.token,
  );
  assert.equal(deleted.status, 204);
  for (const ws of [a, b]) {
    assert.deepEqual(await ws.next((f) => f.type === "message_deleted"), {
      type: "message_deleted",
      id: toAlice.id,
      channel_id: channelId,
    });
  }

  b.send({ type: "unsubscribe", channel_id: channelId });
  assert.deepEqual(await b.next(), { type: "unsubscribed", channel_id: channelId });
  await gw.send(alice, channelId, "after unsubscribe");
  assert.equal((await a.next(isMessage(channelId))).content, "after unsubscribe");
  assert.deepEqual(await drained(b), []);
});

test("bad frames get an error frame with their ref, and the connection stays usable", async () => {
  await using gw = startGateway();
  const { alice, bob, channelId } = await gw.aliceAndBob();
  const secret = await gw.channel(alice, "private");
  const ws = await gw.open(bob);
  const bad = badFrames(channelId, secret);
  for (const [frame, code, message] of bad) {
    ws.send(typeof frame === "string" ? frame : { ...(frame as object), ref: "r1" });
    const error = await ws.next();
    assert.equal(error.type, "error", JSON.stringify(frame));
    assert.equal(error.code, code, `${JSON.stringify(frame)} → ${JSON.stringify(error)}`);
    if (message) assert.match(error.message, message);
    if (typeof frame === "object") assert.equal(error.ref, "r1");
  }
  ws.socket.send(new Uint8Array([1, 2, 3]));
  assert.equal((await ws.next()).code, "malformed_frame");
  ws.send({ type: "ping" });
  assert.deepEqual(await ws.next(), { type: "pong" });
  assert.equal(ws.socket.readyState, WebSocket.OPEN);
});

test("a private channel: non-members get not_found on subscribe and send, members receive, nothing leaks", async () => {
  await using gw = startGateway();
  const [alice, bob] = await Promise.all(["alice", "bob"].map(gw.person));
  const secret = await gw.channel(alice, "private");
  const open = await gw.channel(alice);
  const member = await gw.open(alice);
  const outsider = await gw.open(bob);
  await member.subscribe(secret);
  await outsider.subscribe(open);

  outsider.send({ type: "subscribe", channel_id: secret, ref: "s" });
  assert.deepEqual(
    [await outsider.next()].map((f) => [f.type, f.code, f.ref]),
    [["error", "not_found", "s"]],
  );
  outsider.send({ type: "send_message", channel_id: secret, content: "let me in", ref: "m" });
  assert.deepEqual(
    [await outsider.next()].map((f) => [f.type, f.code, f.ref]),
    [["error", "not_found", "m"]],
  );
  await gw.send(alice, secret, "for members only");
  await gw.send(alice, open, "for everyone");
  assert.equal((await member.next(isMessage(secret))).content, "for members only");
  assert.equal((await outsider.next(isMessage(open))).content, "for everyone");
  assert.equal(JSON.stringify(await drained(outsider)).includes("for members only"), false);
  const history = await api(gw.url, "GET", `/api/channels/${secret}/messages`, alice.token);
  assert.deepEqual(history.body.data.map((m: any) => m.content), ["for members only"]);

  // Added as a member, bob may subscribe.
  const added = await api(gw.url, "POST", `/api/channels/${secret}/members`, alice.token, {
    user_id: bob.id,
  });
  assert.equal(added.status, 201);
  await outsider.subscribe(secret);
  await gw.send(alice, secret, "welcome");
  assert.equal((await outsider.next(isMessage(secret))).content, "welcome");
});

test("a retried send_message with the same client_id is delivered and stored once", async () => {
  await using gw = startGateway();
  const alice = await gw.person("alice");
  const channelId = await gw.channel(alice);
  const ws = await gw.open(alice);
  await ws.subscribe(channelId);
  for (let i = 0; i < 3; i++) {
    ws.send({ type: "send_message", channel_id: channelId, content: "once", client_id: "retry-1" });
  }
  const first = await ws.next(isMessage(channelId));
  assert.deepEqual(await drained(ws), []);
  const history = await api(gw.url, "GET", `/api/channels/${channelId}/messages`, alice.token);
  assert.deepEqual(history.body.data.map((m: any) => m.id), [first.id]);
});

test("100 messages to one channel arrive in order, each once", async () => {
  await using gw = startGateway();
  const { alice, channelId, socket: ws } = await gw.aliceAndSubscribedBob();
  const sent: string[] = [];
  for (let i = 0; i < 100; i++) sent.push((await gw.send(alice, channelId, `m${i}`)).id);
  const got = (await drained(ws)).filter(isMessage(channelId));
  assert.deepEqual(got.map((f) => f.id), sent);
  assert.deepEqual(got.map((f) => f.content), sent.map((_, i) => `m${i}`));
});

test("replay: subscribe with after sends what was missed once, and a late live copy is dropped", async () => {
  await using gw = startGateway();
  const { alice, bob, channelId, socket: first } = await gw.aliceAndSubscribedBob();
  const m0 = await gw.send(alice, channelId, "seen");
  assert.equal((await first.next(isMessage(channelId))).id, m0.id);
  await first.close();

  const missed = [
    (await gw.send(alice, channelId, "missed 1")).id,
    (await gw.send(alice, channelId, "missed 2")).id,
  ];
  // The next message is stored, but its live copy is still on the way (as through Kafka).
  gw.fanOut.hold();
  const late = gw.send(alice, channelId, "stored, not yet fanned out");
  await gw.fanOut.waiting(1);
  const again = await gw.open(bob);
  await again.subscribe(channelId, m0.id);
  const replayed: string[] = [];
  while (replayed.length < 3) replayed.push((await again.next(isMessage(channelId))).id);
  gw.fanOut.release();
  const lateId = (await late).id;
  assert.deepEqual(replayed, [...missed, lateId]);
  const live = (await gw.send(alice, channelId, "live")).id;
  const rest = (await drained(again)).filter(isMessage(channelId)).map((f) => f.id);
  assert.deepEqual(rest, [live], "the live copy of a replayed message is not sent again");
});

test("replay: messages arriving while the replay runs follow it, none twice", async () => {
  await using gw = startGateway();
  const { alice, bob, channelId } = await gw.aliceAndBob();
  const m0 = await gw.send(alice, channelId, "seen");
  const m1 = await gw.send(alice, channelId, "missed");
  // Stored before the replay reads history, fanned out while it runs.
  gw.fanOut.hold();
  const both = gw.send(alice, channelId, "in history and live");
  await gw.fanOut.waiting(1);

  gw.store.afterRead.hold();
  const ws = await gw.open(bob);
  await ws.subscribe(channelId, m0.id);
  await gw.store.afterRead.waiting(1); // history is read; the replay is not sent yet
  gw.fanOut.release();
  const m2 = await both;
  const m3 = await gw.send(alice, channelId, "only live"); // delivered during the replay
  assert.deepEqual(ws.frames.filter(isMessage(channelId)), [], "live messages wait for the replay");
  gw.store.afterRead.release();

  const got: string[] = [];
  while (got.length < 3) got.push((await ws.next(isMessage(channelId))).id);
  assert.deepEqual(got, [m1.id, m2.id, m3.id]);
  assert.deepEqual((await drained(ws)).filter(isMessage(channelId)), [], "no duplicates");
});

test("replay is capped: the newest messages follow a replay_truncated error", async () => {
  await using gw = startGateway({ WS_REPLAY_CAP: "3" });
  const { alice, bob, channelId } = await gw.aliceAndBob();
  const m0 = await gw.send(alice, channelId, "seen");
  const sent: string[] = [];
  for (let i = 0; i < 6; i++) sent.push((await gw.send(alice, channelId, `n${i}`)).id);
  const ws = await gw.open(bob);
  ws.send({ type: "subscribe", channel_id: channelId, after: m0.id, ref: "r" });
  assert.deepEqual(await ws.next(), { type: "subscribed", channel_id: channelId });
  const truncated = await ws.next();
  assert.deepEqual([truncated.type, truncated.code, truncated.ref], [
    "error",
    "replay_truncated",
    "r",
  ]);
  const got: string[] = [];
  for (let i = 0; i < 3; i++) got.push((await ws.next(isMessage(channelId))).id);
  assert.deepEqual(got, sent.slice(-3));
});

test("frames over the size limit (in bytes) close with 1009; just under it is a frame", async () => {
  await using gw = startGateway({ WS_MAX_FRAME_BYTES: "1024" });
  const alice = await gw.person("alice");
  const fine = await gw.open(alice);
  fine.send(JSON.stringify({ type: "ping", pad: "x".repeat(900) }));
  assert.deepEqual(await fine.next(), { type: "pong" });

  const big = await gw.open(alice);
  big.send(JSON.stringify({ type: "ping", pad: "x".repeat(1100) }));
  assert.equal((await big.closed).code, 1009);
  const wide = await gw.open(alice); // 400 characters, 1200 bytes
  wide.send(JSON.stringify({ type: "ping", pad: "€".repeat(400) }));
  assert.equal((await wide.closed).code, 1009);

  fine.send({ type: "ping" });
  assert.deepEqual(await fine.next(), { type: "pong" });
});

test("flooding closes with 1008 after the burst", async () => {
  await using gw = startGateway({ WS_FRAMES_PER_SECOND: "1", WS_FRAME_BURST: "5" });
  const alice = await gw.person("alice");
  const flooder = await gw.raw(alice);
  for (let i = 0; i < 6; i++) await flooder.sendText(JSON.stringify({ type: "ping" }));
  let pongs = 0;
  assert.equal(await flooder.readUntilClose(() => pongs++), 1008);
  assert.equal(pongs, 5);
});

test("a client too far behind is closed with 1013 while the others keep receiving", async () => {
  await using gw = startGateway({
    WS_MAX_BUFFERED_BYTES: String(256 * 1024),
    WS_SLOW_CLIENT_GRACE_MS: "100",
    // The limit under test is the send queue: one sender fills it as fast as it can.
    MESSAGES_PER_USER_PER_WINDOW: "1000000",
  });
  const [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map(gw.person));
  const channelId = await gw.channel(alice);
  const slow = await gw.raw(bob);
  await slow.sendText(JSON.stringify({ type: "subscribe", channel_id: channelId }));
  assert.ok(await slow.readFrame(), "subscribed"); // and then it stops reading
  const healthy = await gw.open(carol);
  await healthy.subscribe(channelId);
  assert.equal(gw.connections(), 2);

  const content = "€".repeat(4000); // 12 kB a frame
  let sent = 0;
  // Until the kernel's buffers between the sockets and the send queue are full.
  while (gw.connections() === 2 && sent < 4000) {
    await Promise.all(Array.from({ length: 8 }, () => gw.send(alice, channelId, content)));
    sent += 8;
  }
  assert.equal(gw.connections(), 1, `the slow client was closed (${sent} sent)`);
  for (let received = 0; received < sent; received++) {
    await healthy.next(isMessage(channelId));
  }
  let frames = 0;
  assert.equal(await slow.readUntilClose(() => frames++), 1013);
  assert.ok(frames < sent, `the slow client was cut off (${frames} of ${sent} frames)`);
  healthy.send({ type: "ping" });
  assert.deepEqual(await healthy.next(), { type: "pong" });
  const metrics = parseMetrics(await (await fetch(`${gw.url}/metrics`)).text());
  assert.equal(metrics.value("websocket_slow_clients_dropped_total"), 1);
  assert.equal(metrics.value("websocket_connections"), 1);
});

test("/metrics counts sockets, frames in and out, and deliveries", async () => {
  await using gw = startGateway();
  const scrape = async () => parseMetrics(await (await fetch(`${gw.url}/metrics`)).text());
  const before = await scrape();
  assert.equal(before.value("websocket_connections"), 0);
  assert.equal(before.value("user_lookup_breaker_state", { state: "closed" }), 1);
  const { alice, channelId, socket } = await gw.aliceAndSubscribedBob();
  await gw.send(alice, channelId, "counted");
  await socket.next(isMessage(channelId));
  const after = await scrape();
  assert.equal(after.value("websocket_connections"), 1);
  assert.equal(after.value("websocket_connections_opened_total"), 1);
  assert.equal(after.value("websocket_deliveries_total"), 1);
  assert.ok((after.value("websocket_frames_received_total") ?? 0) >= 1, "the subscribe frame");
  assert.ok((after.value("websocket_frames_sent_total") ?? 0) >= 2, "subscribed, new_message");
  assert.equal(
    after.value("http_requests_total", {
      method: "POST",
      route: "/api/channels/:id/messages",
      status: "201",
    }),
    1,
  );
});

test("heartbeats drop a peer that stops answering pings", async () => {
  await using gw = startGateway({ WS_IDLE_TIMEOUT_SECONDS: "1" });
  const alice = await gw.person("alice");
  const alive = await gw.open(alice);
  await gw.raw(alice); // reads nothing, answers no ping
  assert.equal(gw.connections(), 2);
  const deadline = Date.now() + 10_000;
  while (gw.connections() !== 1) {
    assert.ok(Date.now() < deadline, "the dead peer was not dropped");
    await new Promise((r) => setTimeout(r, 100));
  }
  alive.send({ type: "ping" });
  assert.deepEqual(await alive.next(), { type: "pong" });
});

test("graceful shutdown closes sockets with 1001", async () => {
  await using gw = startGateway();
  const ws = await gw.open(await gw.person("alice"));
  gw.chat.gateway.closeAll();
  assert.equal((await ws.closed).code, 1001);
});

test("text a store would refuse or alter (NUL, lone surrogates) is a 422 or a validation_failed frame naming the field", async () => {
  await using gw = startGateway();
  const alice = await gw.person("alice");
  const channelId = await gw.channel(alice);
  const bad: [string, string, unknown, string][] = [
    ["POST", `/api/channels/${channelId}/messages`, { content: "a\u0000b" }, "content"],
    ["POST", `/api/channels/${channelId}/messages`, { content: "lone \ud800" }, "content"],
    ["POST", `/api/channels/${channelId}/messages`, { content: "\udc00" }, "content"],
    [
      "POST",
      `/api/channels/${channelId}/messages`,
      { content: "hi", client_id: "c\u0000" },
      "client_id",
    ],
    [
      "POST",
      "/api/channels",
      { channel_type: "public", name: uniqueChannelName("nul"), description: "d\u0000" },
      "description",
    ],
  ];
  for (const [method, path, body, field] of bad) {
    const res = await api(gw.url, method, path, alice.token, body);
    assert.equal(res.status, 422, `${path} ${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.code, "validation_failed");
    assert.match(res.body.error.message, new RegExp(`^${field}: `));
  }
  const listed = await api(gw.url, "GET", "/api/channels?after=%00", alice.token);
  assert.equal(listed.status, 400);
  assert.match(listed.body.error.message, /^after: /);
  // Nothing was stored.
  const history = await api(gw.url, "GET", `/api/channels/${channelId}/messages`, alice.token);
  assert.deepEqual(history.body.data, []);

  const ws = await gw.open(alice);
  for (const content of ["x\u0000", "\ud83d"]) {
    ws.send({ type: "send_message", channel_id: channelId, content, ref: "t" });
    const error = await ws.next();
    assert.equal(error.code, "validation_failed", JSON.stringify(error));
    assert.match(error.message, /^content: /);
  }
  // A well-formed pair is fine, and is stored as sent.
  const sent = await gw.send(alice, channelId, "wave \ud83d\udc4b");
  assert.equal(sent.content, "wave \ud83d\udc4b");
});

test("history cursors outside the years 0001–9999 are a 400", async () => {
  await using gw = startGateway();
  const alice = await gw.person("alice");
  const channelId = await gw.channel(alice);
  for (const query of ["before=0000-01-01T00:00:00Z", "after=0000-12-31T23:59:59Z"]) {
    const res = await api(
      gw.url,
      "GET",
      `/api/channels/${channelId}/messages?${query}`,
      alice.token,
    );
    assert.equal(res.status, 400, `${query} → ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.code, "invalid_parameter");
  }
  const fine = await api(
    gw.url,
    "GET",
    `/api/channels/${channelId}/messages?before=0001-01-01T00:00:00Z`,
    alice.token,
  );
  assert.equal(fine.status, 200);
});

test("limits: sockets per user (429 before the upgrade), channels per hour, messages across a user's sockets", async () => {
  await using gw = startGateway({
    WS_MAX_CONNECTIONS_PER_USER: "2",
    CHANNELS_PER_USER_PER_HOUR: "2",
    MESSAGES_PER_USER_PER_WINDOW: "3",
  });
  const [alice, bob] = await Promise.all(["alice", "bob"].map(gw.person));
  const [first, second] = [await gw.open(alice), await gw.open(alice)];
  const third = await fetch(`${gw.url}/ws?token=${alice.token}`, {
    headers: { Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Version": "13" },
  });
  assert.equal(third.status, 429);
  assert.ok(Number(third.headers.get("retry-after")) > 0);
  assert.equal((await third.json()).error.code, "too_many_connections");
  // Bob is not affected, and a closed socket frees its place.
  await (await gw.open(bob)).close();
  await second.close();
  await eventuallyTrue(() => gw.connections() === 1);
  const again = await gw.open(alice);

  const channelId = await gw.channel(alice);
  await gw.channel(alice);
  const refused = await api(gw.url, "POST", "/api/channels", alice.token, {
    channel_type: "public",
    name: uniqueChannelName("over"),
  });
  assert.equal(refused.status, 429);
  assert.equal(refused.body.error.code, "rate_limited");

  // Three messages in the window, whichever way they are sent; the fourth is refused.
  await gw.send(alice, channelId, "one");
  first.send({ type: "send_message", channel_id: channelId, content: "two" });
  again.send({ type: "send_message", channel_id: channelId, content: "three" });
  await new Promise((r) => setTimeout(r, 100));
  const over = await fetch(`${gw.url}/api/channels/${channelId}/messages`, {
    method: "POST",
    headers: { Authorization: `Bearer ${alice.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ content: "four" }),
  });
  assert.equal(over.status, 429);
  assert.ok(Number(over.headers.get("retry-after")) > 0);
  assert.equal((await over.json()).error.code, "rate_limited");
  first.send({ type: "send_message", channel_id: channelId, content: "five", ref: "r" });
  const frame = await first.next((f) => f.type === "error");
  assert.equal(frame.code, "rate_limited");
  assert.equal(frame.ref, "r");
  await gw.send(bob, channelId, "bob is fine");
});

async function eventuallyTrue(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    assert.ok(Date.now() < deadline, "condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

test("unsubscribe with a channel_id that is not a UUID is refused, not answered unsubscribed", async () => {
  await using gw = startGateway();
  const alice = await gw.person("alice");
  const ws = await gw.open(alice);
  ws.send({ type: "unsubscribe", channel_id: "not-a-uuid", ref: "u" });
  const answer = await ws.next();
  assert.equal(answer.type, "error", JSON.stringify(answer));
  assert.equal(answer.code, "validation_failed");
  assert.equal(answer.ref, "u");
});

test("edit: the author's PATCH reaches every subscriber as message_edited, after the message, and history has it", async () => {
  await using gw = startGateway();
  const { alice, bob, channelId, socket: b } = await gw.aliceAndSubscribedBob();
  const a = await gw.open(alice);
  await a.subscribe(channelId);
  const sent = await gw.send(alice, channelId, "helo");
  const path = `/api/channels/${channelId}/messages/${sent.id}`;
  const theft = await api(gw.url, "PATCH", path, bob.token, { content: "mine" });
  assert.equal(theft.status, 403);
  assert.equal((await api(gw.url, "PATCH", path, alice.token, { content: "  " })).status, 422);
  const edited = await api(gw.url, "PATCH", path, alice.token, { content: " hello " });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  assert.equal(edited.body.data.content, "hello");
  assert.match(edited.body.data.edited_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  for (const ws of [a, b]) {
    const frames = (await drained(ws)).filter((f) => f.channel_id === channelId);
    assert.deepEqual(frames.map((f) => f.type), ["new_message", "message_edited"]);
    assert.deepEqual(frames[1], {
      type: "message_edited",
      id: sent.id,
      channel_id: channelId,
      content: "hello",
      edited_at: edited.body.data.edited_at,
    });
  }
  const history = await api(gw.url, "GET", `/api/channels/${channelId}/messages`, bob.token);
  assert.deepEqual(
    [history.body.data[0].content, history.body.data[0].edited_at],
    ["hello", edited.body.data.edited_at],
  );
  const gone = `/api/channels/${channelId}/messages/${crypto.randomUUID()}`;
  assert.equal((await api(gw.url, "PATCH", gone, alice.token, { content: "x" })).status, 404);
});

test("replay: subscribe with after carries edits made since, of older messages too", async () => {
  await using gw = startGateway();
  const { alice, bob, channelId } = await gw.aliceAndBob();
  const old = await gw.send(alice, channelId, "old");
  const seen = await gw.send(alice, channelId, "seen");
  const missed = await gw.send(alice, channelId, "missed");
  for (const [m, content] of [[old, "old, edited"], [missed, "missed, edited"]]) {
    const path = `/api/channels/${channelId}/messages/${m.id}`;
    assert.equal((await api(gw.url, "PATCH", path, alice.token, { content })).status, 200);
  }
  const ws = await gw.open(bob);
  await ws.subscribe(channelId, seen.id);
  const frames = (await drained(ws)).filter((f) => f.channel_id === channelId);
  assert.deepEqual(frames.map((f) => [f.type, f.id, f.content]), [
    ["new_message", missed.id, "missed, edited"],
    ["message_edited", old.id, "old, edited"],
  ]);
  assert.notEqual(frames[0].edited_at, null);
});

test("reactions: PUT and DELETE are idempotent per user, reach subscribers with the count, and show in history", async () => {
  await using gw = startGateway();
  const { alice, bob, channelId, socket: b } = await gw.aliceAndSubscribedBob();
  const sent = await gw.send(alice, channelId, "react to me");
  const path = (emoji: string) =>
    `/api/channels/${channelId}/messages/${sent.id}/reactions/${encodeURIComponent(emoji)}`;
  for (const [who, emoji] of [[alice, "👍"], [bob, "+1"], [bob, "👍"], [bob, "🎉"]] as const) {
    assert.equal((await api(gw.url, "PUT", path(emoji), who.token)).status, 204);
  }
  for (const bad of ["a", "👍👍", "%3Cscript%3E", ":nope:"]) {
    const refused = await api(gw.url, "PUT", path(decodeURIComponent(bad)), bob.token);
    assert.equal(refused.status, 422, bad);
    assert.match(refused.body.error.message, /emoji/);
  }
  assert.equal((await api(gw.url, "DELETE", path("🎉"), bob.token)).status, 204);
  assert.equal((await api(gw.url, "DELETE", path("🎉"), bob.token)).status, 204);
  const frames = (await drained(b)).filter((f) => f.channel_id === channelId);
  assert.deepEqual(frames.map((f) => [f.type, f.emoji, f.user_id, f.count]), [
    ["new_message", undefined, alice.id, undefined],
    ["reaction_added", "👍", alice.id, 1],
    ["reaction_added", "👍", bob.id, 2],
    ["reaction_added", "🎉", bob.id, 1],
    ["reaction_removed", "🎉", bob.id, 0],
  ]);
  assert.equal(frames[1].message_id, sent.id);
  const history = await api(gw.url, "GET", `/api/channels/${channelId}/messages`, bob.token);
  assert.deepEqual(history.body.data[0].reactions, [{ emoji: "👍", count: 2, me: true }]);
  const gone = `/api/channels/${channelId}/messages/${crypto.randomUUID()}/reactions/👍`;
  assert.equal((await api(gw.url, "PUT", gone, bob.token)).status, 404);
});

test("replies: send_message and POST take reply_to; frames and history carry the quote", async () => {
  await using gw = startGateway();
  const { alice, bob, channelId, socket: b } = await gw.aliceAndSubscribedBob();
  const other = await gw.channel(alice);
  const original = await gw.send(alice, channelId, "the question");
  b.send({
    type: "send_message",
    channel_id: channelId,
    content: "an answer",
    reply_to: original.id,
  });
  const reply = await b.next((f) => f.type === "new_message" && f.content === "an answer");
  const quote = {
    id: original.id,
    deleted: false,
    user_id: alice.id,
    username: alice.username,
    preview: "the question",
  };
  assert.deepEqual(reply.reply_to, quote);
  const history = await api(gw.url, "GET", `/api/channels/${channelId}/messages`, bob.token);
  assert.deepEqual(history.body.data[0].reply_to, quote);
  assert.equal(history.body.data[1].reply_to, null);
  const crossed = await api(gw.url, "POST", `/api/channels/${other}/messages`, bob.token, {
    content: "wrong room",
    reply_to: original.id,
  });
  assert.equal(crossed.status, 422);
  assert.match(crossed.body.error.message, /reply_to/);
  b.send({ type: "send_message", channel_id: channelId, content: "x", reply_to: "nope", ref: "r" });
  const refused = await b.next((f) => f.type === "error");
  assert.deepEqual([refused.code, refused.ref], ["validation_failed", "r"]);
  assert.match(refused.message, /reply_to/);
});

test("mentions: every socket of a mentioned member gets a mention frame, subscribed or not; never a non-member or the author", async () => {
  await using gw = startGateway();
  const [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map(gw.person));
  const secret = await gw.channel(alice, "private");
  const added = await api(gw.url, "POST", `/api/channels/${secret}/members`, alice.token, {
    user_id: carol.id,
  });
  assert.equal(added.status, 201);
  const [carol1, carol2, bobSocket, aliceSocket] = await Promise.all(
    [carol, carol, bob, alice].map(gw.open),
  );
  await aliceSocket.subscribe(secret);
  const text = `@${bob.username} and @${carol.username.toUpperCase()}, also @${alice.username}`;
  const sent = await gw.send(alice, secret, text);
  assert.deepEqual(sent.mentions, [carol.id, alice.id]);
  const expected = mentionFrameOf(sent, alice);
  for (const ws of [carol1, carol2]) {
    assert.deepEqual(await ws.next((f) => f.type === "mention"), expected);
  }
  const live = await aliceSocket.next((f) => f.type === "new_message");
  assert.deepEqual(live.mentions, [carol.id, alice.id]);
  const history = await api(gw.url, "GET", `/api/channels/${secret}/messages`, carol.token);
  assert.deepEqual(history.body.data[0].mentions, [carol.id, alice.id]);

  // Bob, once a member, is told of the next one: the first never reached him (same shard, in order).
  await api(gw.url, "POST", `/api/channels/${secret}/members`, alice.token, { user_id: bob.id });
  const second = await gw.send(alice, secret, `now @${bob.username}`);
  assert.equal((await bobSocket.next((f) => f.type === "mention")).message_id, second.id);
  assert.deepEqual((await drained(bobSocket)).filter((f) => f.type === "mention"), []);
  // The author is never told of their own mention.
  assert.deepEqual((await drained(aliceSocket)).filter((f) => f.type === "mention"), []);
  // An edit keeps the mentions and notifies nobody again.
  const edited = await api(
    gw.url,
    "PATCH",
    `/api/channels/${secret}/messages/${second.id}`,
    alice.token,
    { content: `now @${carol.username}` },
  );
  assert.equal(edited.status, 200);
  assert.deepEqual(edited.body.data.mentions, [bob.id]);
});

test("a record is decoded only when a socket here may get a frame of it (its channel's subscribers, or a user it names)", async () => {
  await using gw = startGateway();
  const { bob, channelId } = await gw.aliceAndSubscribedBob();
  const elsewhere = crypto.randomUUID();
  const absent = crypto.randomUUID();
  const { gateway } = gw.chat;
  assert.equal(gateway.wants(channelId, ""), true, "bob subscribes to the channel");
  assert.equal(gateway.wants(elsewhere, ""), false, "nobody here subscribes, nobody named");
  assert.equal(gateway.wants(elsewhere, absent), false, "the named user has no socket here");
  assert.equal(gateway.wants(elsewhere, `${absent},${bob.id}`), true, "bob is named");
  assert.equal(gateway.wants(elsewhere, "*"), true, "every socket, and there is one");
  assert.equal(gateway.wants(elsewhere, undefined), true, "no header: an older producer");
});
