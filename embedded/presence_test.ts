// deno-lint-ignore-file no-explicit-any -- tests read frames of many shapes
/**
 * Presence and typing in process, as the embedded mode runs them: chat-service and
 * presence-service assembled on one in-process bus (reports, changes and typing on the same
 * topics as on Kafka), over real sockets. No Redis, Kafka or Postgres.
 */
import assert from "node:assert/strict";
import { loadConfig } from "@chat-ts/shared/config";
import { busEventSource, InProcessEventBus } from "@chat-ts/shared/events";
import { createTokenCodec } from "@chat-ts/shared/jwt";
import { silentLogger } from "@chat-ts/shared/logger";
import { assembleChatService, type ChatPorts } from "@chat-ts/chat-service/assembly";
import { chatCoreConfigShape } from "@chat-ts/chat-service/config";
import {
  embeddedPresenceService,
  presenceCoreConfigShape,
} from "@chat-ts/presence-service/embedded";
import { MemoryChannelRepository } from "../services/chat-service/src/outbound/memory/channel_repository.ts";
import { InProcessChatEventPublisher } from "../services/chat-service/src/outbound/memory/chat_event_publisher.ts";
import { MemoryMessageStore } from "../services/chat-service/src/outbound/memory/message_store.ts";
import { TimeUuidGenerator } from "../services/chat-service/src/outbound/time_uuid/time_uuid_generator.ts";
import { busRecordSink } from "@chat-ts/shared/events";
import { api } from "../tests/support/http.ts";
import { uniqueChannelName, uniqueName } from "../tests/support/names.ts";
import { assertOnlineAwayAndBack, presenceOf } from "../tests/support/frames.ts";
import { TestSocket } from "../tests/support/socket.ts";

const SECRET = "presence-test-secret-of-at-least-32-bytes";

async function startChat(settings: Record<string, string> = {}) {
  const env = (name: string) => settings[name];
  const chatConfig = loadConfig(chatCoreConfigShape, env);
  const presenceConfig = loadConfig(presenceCoreConfigShape, env);
  if (!chatConfig.ok) throw chatConfig.error;
  if (!presenceConfig.ok) throw presenceConfig.error;
  const bus = new InProcessEventBus();
  const usernames = new Map<string, string>();
  const ports: ChatPorts = {
    channels: new MemoryChannelRepository(),
    messages: new MemoryMessageStore(),
    messageIds: new TimeUuidGenerator(),
    events: new InProcessChatEventPublisher(bus),
    replica: {
      idsOf: () => Promise.resolve(new Map()),
      find: () => Promise.resolve(undefined),
      apply: () => Promise.resolve(true),
      remember: () => Promise.resolve(),
    },
    remoteUsers: {
      fetch: (userId) => {
        const username = usernames.get(userId);
        return Promise.resolve(
          username === undefined ? { status: "not_found" } : { status: "found", username },
        );
      },
    },
    eventSource: busEventSource(bus),
    presenceSink: busRecordSink(bus),
    dependencies: {},
  };
  const presence = embeddedPresenceService(bus, presenceConfig.value, silentLogger);
  const chat = assembleChatService(
    ports,
    { ...chatConfig.value, instanceId: "presence-test", replicaGroup: "replica", fetchWaitMs: 0 },
    silentLogger,
  );
  await presence.start();
  await chat.start();
  const tokens = createTokenCodec({ secret: SECRET });
  const chatApp = chat.createApp({ tokens });
  const presenceApp = presence.createApp({ tokens });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) =>
      new URL(req.url).pathname === "/api/presence" ? presenceApp.fetch(req) : chatApp.fetch(req),
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  const sockets: TestSocket[] = [];
  return {
    url,
    async person(prefix: string) {
      const id = crypto.randomUUID();
      const username = uniqueName(prefix);
      usernames.set(id, username);
      return { id, username, token: await tokens.issue({ userId: id, username }) };
    },
    async open(person: { token: string }) {
      const socket = await TestSocket.open(url, person.token);
      sockets.push(socket);
      return socket;
    },
    async direct(a: { token: string }, b: { id: string }): Promise<string> {
      const created = await api(url, "POST", "/api/channels", a.token, {
        channel_type: "direct",
        participant_id: b.id,
      });
      assert.ok(created.status === 201 || created.status === 200, JSON.stringify(created.body));
      return created.body.data.id;
    },
    async publicChannel(owner: { token: string }): Promise<string> {
      const created = await api(url, "POST", "/api/channels", owner.token, {
        channel_type: "public",
        name: uniqueChannelName("pr"),
      });
      return created.body.data.id;
    },
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) await socket.close();
      chat.gateway.closeAll();
      await server.shutdown();
      await chat.stop();
      await presence.stop();
    },
  };
}

/** Every frame the server sent before its answer to a ping. */
async function drained(ws: TestSocket): Promise<any[]> {
  ws.send({ type: "ping", ref: "drain" });
  await ws.next((f) => f.type === "pong");
  return ws.frames.splice(0);
}

Deno.test("presence in process: a DM partner sees online, away and offline with last seen, once per change", async () => {
  await using s = await startChat({ PRESENCE_GRACE_SECONDS: "1" });
  const [alice, bob] = await Promise.all(["alice", "bob"].map(s.person));
  const dm = await s.direct(alice, bob);
  const b = await s.open(bob);
  await b.subscribe(dm);
  const a = await s.open(alice);
  await assertOnlineAwayAndBack(b, a, alice.id);
  const closedAt = Date.now();
  await a.close();
  const offline = await b.next(presenceOf(alice.id), 5000);
  assert.equal(offline.status, "offline");
  assert.ok(Date.now() - closedAt >= 900, "offline only after the grace");
  assert.ok(Math.abs(Date.parse(offline.last_seen) - closedAt) < 1000);
  assert.deepEqual((await drained(b)).filter(presenceOf(alice.id)), [], "once per change");

  const read = await api(s.url, "GET", `/api/presence?user_ids=${alice.id},${bob.id}`, bob.token);
  assert.equal(read.status, 200);
  assert.deepEqual(read.body.data.map((p: any) => [p.user_id, p.status]), [
    [alice.id, "offline"],
    [bob.id, "online"],
  ]);
  assert.equal(read.body.data[0].last_seen, offline.last_seen);
});

Deno.test("presence in process: two tabs, one closed, stays online; the frame reaches only sockets sharing a channel", async () => {
  await using s = await startChat({ PRESENCE_GRACE_SECONDS: "1" });
  const [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map(s.person));
  const dm = await s.direct(alice, bob);
  const b = await s.open(bob);
  await b.subscribe(dm);
  const c = await s.open(carol);
  await c.subscribe(await s.publicChannel(carol));
  const tab1 = await s.open(alice);
  const tab2 = await s.open(alice);
  assert.equal((await b.next(presenceOf(alice.id))).status, "online");
  await tab1.close();
  await new Promise((r) => setTimeout(r, 1600));
  assert.deepEqual((await drained(b)).filter(presenceOf(alice.id)), [], "still online");
  await tab2.close();
  assert.equal((await b.next(presenceOf(alice.id), 5000)).status, "offline");
  assert.deepEqual(
    (await drained(c)).filter((f) => f.type === "presence"),
    [],
    "carol shares no channel",
  );
});

Deno.test("typing in process: reaches the channel's other subscribers, never the sender or a non-member; at most one per 2 s", async () => {
  await using s = await startChat();
  const [alice, bob, mallory] = await Promise.all(["alice", "bob", "mallory"].map(s.person));
  const dm = await s.direct(alice, bob);
  const a = await s.open(alice);
  const b = await s.open(bob);
  const m = await s.open(mallory);
  await a.subscribe(dm);
  await b.subscribe(dm);
  for (let i = 0; i < 5; i++) a.send({ type: "typing", channel_id: dm });
  assert.deepEqual(await b.next((f) => f.type === "typing"), {
    type: "typing",
    channel_id: dm,
    user_id: alice.id,
    username: alice.username,
  });
  m.send({ type: "typing", channel_id: dm });
  m.send({ type: "typing", channel_id: crypto.randomUUID() });
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(
    (await drained(b)).filter((f) => f.type === "typing"),
    [],
    "rate-limited; non-members dropped",
  );
  assert.deepEqual(
    (await drained(a)).filter((f) => f.type === "typing"),
    [],
    "never to the sender",
  );
  assert.deepEqual((await drained(m)).filter((f) => f.type === "error"), [], "dropped quietly");
});
