/**
 * The user replica end to end: user-service's events reach chat-service
 * through Kafka; renames show in new messages and history; a deleted user is
 * erased; with user-service stopped, messages still go out.
 */
import assert from "node:assert/strict";
import { createTokenCodec } from "@chat-ts/shared/jwt";
import { connectPostgres } from "@chat-ts/shared/postgres";
import { eventually } from "../support/async.ts";
import { TEST_JWT_SECRET, testDatabaseUrl } from "../support/env.ts";
import { api } from "../support/http.ts";
import { uniqueChannelName } from "../support/names.ts";
import { TestSocket } from "../support/socket.ts";
import type { RegisteredUser } from "../support/stack.ts";
import { stackFixture } from "../support/stack_fixture.ts";

const env = stackFixture({}, async (stack) => {
  const [alice, bob] = await Promise.all([stack.register("alice"), stack.register("bob")]);
  // alice is renamed by a test; later tests see her new name.
  const users: { alice: RegisteredUser; bob: RegisteredUser } = { alice, bob };
  return { chat: stack.chatUrls[0], users };
});
// Connects on first query; closed after the file's tests.
const sql = connectPostgres({
  url: testDatabaseUrl("chat"),
  max: 2,
});
Deno.test.afterAll(() => sql.end());

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `chat replica: ${name}`, sanitizeResources: false, sanitizeOps: false, fn });

const replicaName = async (userId: string) => {
  const [row] = await sql<
    { username: string | null }[]
  >`select username from user_replica where user_id = ${userId}`;
  return row;
};

test("registrations reach the replica through user-events", async () => {
  const { alice, bob } = (await env()).users;
  for (const user of [alice, bob]) {
    await eventually(
      20_000,
      "the replica row",
      async () => (await replicaName(user.id))?.username === user.username || undefined,
    );
  }
});

test("a rename shows in later messages and in history", async () => {
  const { stack, chat, users } = await env();
  const { alice, bob } = users;
  const channel = (await api(chat, "POST", "/api/channels", alice.token, {
    channel_type: "public",
    name: uniqueChannelName("rename"),
  })).body.data.id;
  const before = await api(chat, "POST", `/api/channels/${channel}/messages`, alice.token, {
    content: "old name",
  });
  assert.equal(before.body.data.username, alice.username);
  const renamed = `${alice.username}_x`;
  const patched = await api(stack.userServiceUrl, "PATCH", `/api/users/${alice.id}`, alice.token, {
    username: renamed,
  });
  assert.equal(patched.status, 200);
  for (const url of stack.chatUrls) {
    await eventually(20_000, `the new name on ${url}`, async () => {
      const sent = await api(url, "POST", `/api/channels/${channel}/messages`, alice.token, {
        content: "new name",
      });
      return sent.body.data.username === renamed || undefined;
    });
  }
  const history = await api(
    stack.chatUrls[1],
    "GET",
    `/api/channels/${channel}/messages?limit=100`,
    bob.token,
  );
  assert.ok(history.body.data.every((m: { username: string }) => m.username === renamed));
  users.alice = { ...alice, username: renamed };
});

test("readiness reports consumer lag and the breaker", async () => {
  const { chat } = await env();
  const ready = await api(chat, "GET", "/health/ready", undefined);
  assert.equal(ready.status, 200);
  const lookup = ready.body.data.user_lookup;
  assert.equal(lookup.breaker, "closed");
  assert.equal(typeof ready.body.data.kafka.consumer_lag, "object");
});

test("with user-service stopped, messages are still delivered; unknown senders get username null", async () => {
  const { stack, chat, users: { bob } } = await env();
  const channel = (await api(chat, "POST", "/api/channels", bob.token, {
    channel_type: "public",
    name: uniqueChannelName("down"),
  })).body.data.id;
  const reader = await TestSocket.open(stack.chatUrls[1], bob.token);
  await reader.subscribe(channel);
  await stack.stopUserService();
  const sent = await api(chat, "POST", `/api/channels/${channel}/messages`, bob.token, {
    content: "still here",
  });
  assert.equal(sent.status, 201);
  assert.equal(
    sent.body.data.username,
    bob.username,
    "the replica answers while user-service is down",
  );
  const stranger = await createTokenCodec({ secret: TEST_JWT_SECRET }).issue({
    userId: crypto.randomUUID(),
    username: "stranger",
  });
  const unknown = await api(chat, "POST", `/api/channels/${channel}/messages`, stranger, {
    content: "who am i",
  });
  assert.equal(unknown.status, 201);
  assert.equal(unknown.body.data.username, null);
  const frames = [
    await reader.next((f) => f.type === "new_message"),
    await reader.next((f) => f.type === "new_message"),
  ];
  assert.deepEqual(frames.map((f) => f.content), ["still here", "who am i"]);
  assert.equal(frames[1].username, null);
  await reader.close();
  await stack.startUserService();
});

test("a deleted user is erased: memberships, owned channels and messages", async () => {
  const { stack, chat, users: { bob } } = await env();
  const carol = await stack.register("carol");
  const owned = (await api(chat, "POST", "/api/channels", carol.token, {
    channel_type: "public",
    name: uniqueChannelName("owned"),
  })).body.data.id;
  const shared = (await api(chat, "POST", "/api/channels", bob.token, {
    channel_type: "private",
    name: uniqueChannelName("shared"),
  })).body.data.id;
  await eventually(
    20_000,
    "carol in the replica",
    async () => (await replicaName(carol.id))?.username === carol.username || undefined,
  );
  assert.equal(
    (await api(chat, "POST", `/api/channels/${shared}/members`, bob.token, { user_id: carol.id }))
      .status,
    201,
  );
  await api(chat, "POST", `/api/channels/${shared}/messages`, carol.token, { content: "bye" });
  await api(chat, "POST", `/api/channels/${shared}/messages`, bob.token, { content: "stay" });
  assert.equal(
    (await api(stack.userServiceUrl, "DELETE", `/api/users/${carol.id}`, carol.token)).status,
    204,
  );
  await eventually(
    20_000,
    "erasure",
    async () =>
      (await api(chat, "GET", `/api/channels/${owned}`, bob.token)).status === 404 || undefined,
  );
  const channel = await api(chat, "GET", `/api/channels/${shared}`, bob.token);
  assert.deepEqual(channel.body.data.members, [bob.id]);
  const history = await api(chat, "GET", `/api/channels/${shared}/messages`, bob.token);
  assert.deepEqual(history.body.data.map((m: { content: string }) => m.content), ["stay"]);
  assert.equal((await replicaName(carol.id))?.username, null);
});
